"""The planner: budget → workers for N months, workers x months → budget, scenarios side by side.

Pure functions over the contribution calculator: every month's cost per worker is the
`breakdown` of one BPU participant under the `RateSet` in force that month, so rates and
discounts (PP 49/2020 …) apply month by month. The rate sets are read by
`selectors.rate_sets` (contributions.rates.rate_set_for); nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lindungi.contributions.rules import Inputs, Programme, RateSet, RuleRef, breakdown

BASIC = frozenset({Programme.JKK, Programme.JKM})
NO_GRACE: Mapping[int, int] = {}


@dataclass(frozen=True)
class MonthCost:
    """What one beneficiary costs in one contribution month, and the rules behind it."""

    month: date
    amount: int
    by_programme: Mapping[str, int]
    relief: bool  # a discount reduced this month
    rules: tuple[RuleRef, ...] = ()


@dataclass(frozen=True)
class Scenario:
    label: str
    start: date
    months: int
    programmes: frozenset[Programme] = BASIC
    income: int = 1_000_000


@dataclass(frozen=True)
class Plan:
    """A budget (or a head count) worked through the months of a coverage period."""

    start: date
    months: int
    programmes: frozenset[Programme]
    income: int
    per_worker: int  # sum of the monthly costs of one beneficiary
    workers: int
    cost: int
    budget: int
    monthly: tuple[MonthCost, ...] = field(default=())
    label: str = ""

    @property
    def remainder(self) -> int:
        return self.budget - self.cost

    @property
    def package(self) -> str:
        """JKK+JKM[+JHT], in the order the regulation lists them."""
        order = [p.value for p in Programme]
        return "+".join(sorted((p.value for p in self.programmes), key=order.index))

    @property
    def worker_months(self) -> int:
        return self.workers * self.months

    def as_dict(self) -> dict[str, Any]:
        """The JSON the CLI and the API print."""
        return {
            "label": self.label,
            "start": self.start.strftime("%Y-%m"),
            "months": self.months,
            "programmes": sorted(p.value for p in self.programmes),
            "income": self.income,
            "per_worker": self.per_worker,
            "workers": self.workers,
            "cost": self.cost,
            "remainder": self.remainder,
            "budget": self.budget,
            "worker_months": self.worker_months,
            "monthly": [
                {
                    "month": m.month.strftime("%Y-%m"),
                    "amount": m.amount,
                    "programmes": dict(m.by_programme),
                    "relief": m.relief,
                }
                for m in self.monthly
            ],
            "rules": sorted(
                {
                    (r.id, r.table, r.key, r.regulation, r.status)
                    for m in self.monthly
                    for r in m.rules
                }
            ),
        }


def month_costs(
    *,
    rate_sets: Sequence[RateSet],
    programmes: Iterable[Programme],
    income: int,
    new_participants: bool = True,
    grace: Mapping[int, int] = NO_GRACE,
) -> tuple[MonthCost, ...]:
    """Cost of one beneficiary in each month of `rate_sets` (consecutive months from the start).

    `grace` maps a discount's rule-row id to the months a new participant pays in full before
    it applies (PP 49/2020: 2). Beneficiaries enrolled by a programme are new participants.
    """
    chosen = frozenset(programmes)
    costs = []
    for index, rates in enumerate(rate_sets):
        wait = max((grace.get(d.ref.id, 0) for d in rates.discounts), default=0)
        eligible = not new_participants or index >= wait
        inputs = Inputs(programmes=chosen, income=income, relief_eligible=eligible)
        result = breakdown(rates=rates, inputs=inputs)
        discounted = any(r.table == "discount" for r in result.rules)
        by_programme = {d.programme.value: d.billed for d in result.dues}
        costs.append(MonthCost(rates.month, result.total, by_programme, discounted, result.rules))
    return tuple(costs)


def _plan(costs: Sequence[MonthCost], workers: int, budget: int, scenario: Scenario) -> Plan:
    per_worker = sum(m.amount for m in costs)
    return Plan(
        start=scenario.start,
        months=scenario.months,
        programmes=scenario.programmes,
        income=scenario.income,
        per_worker=per_worker,
        workers=workers,
        cost=workers * per_worker,
        budget=budget,
        monthly=tuple(costs),
        label=scenario.label,
    )


def workers_for_budget(*, budget: int, costs: Sequence[MonthCost], scenario: Scenario) -> Plan:
    """How many workers the budget protects for every month of the period, and what is left."""
    per_worker = sum(m.amount for m in costs)
    workers = budget // per_worker if per_worker > 0 and budget > 0 else 0
    return _plan(costs, workers, max(budget, 0), scenario)


def budget_for_workers(*, workers: int, costs: Sequence[MonthCost], scenario: Scenario) -> Plan:
    """The budget that protects `workers` for every month of the period (remainder 0)."""
    per_worker = sum(m.amount for m in costs)
    return _plan(costs, workers, workers * per_worker, scenario)


@dataclass(frozen=True)
class Comparison:
    plans: tuple[Plan, ...]
    most_workers: int  # index of the plan protecting the most workers
    most_worker_months: int  # index of the plan buying the most worker-months

    def as_dict(self) -> dict[str, Any]:
        return {
            "plans": [p.as_dict() for p in self.plans],
            "most_workers": self.most_workers,
            "most_worker_months": self.most_worker_months,
        }


def compare(plans: Sequence[Plan]) -> Comparison:
    """Scenarios side by side; ties go to the earlier scenario."""
    if not plans:
        return Comparison((), -1, -1)

    def best(key: Any) -> int:
        return max(range(len(plans)), key=lambda i: (key(plans[i]), -i))

    return Comparison(
        tuple(plans),
        best(lambda p: p.workers),
        best(lambda p: p.worker_months),
    )
