"""Reads of sponsors, programmes, selection runs and money, scoped to the acting user; and the
rate sets the planner works over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, QuerySet, Sum

from lindungi.contributions.models import Invoice
from lindungi.contributions.rates import rate_set_for
from lindungi.contributions.rules import Programme as Prog
from lindungi.contributions.rules import RateSet, Segment
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.programs import planner, rules
from lindungi.programs.models import (
    Beneficiary,
    Candidate,
    Programme,
    SelectionRun,
    Sponsor,
)
from lindungi.reference.selectors import rules_in_force

PAGE = 50


# --- planning ---------------------------------------------------------------------------------


def rate_sets(start: date, months: int) -> list[RateSet]:
    """The BPU rate set in force in each month of [start, start + months)."""
    return [rate_set_for(rules.add_months(start, i), segment=Segment.BPU) for i in range(months)]


def grace_months(start: date, months: int) -> dict[int, int]:
    """Discount rule-row id → months a new participant pays in full first (PP 49/2020: 2)."""
    grace: dict[int, int] = {}
    for i in range(months):
        for row in rules_in_force("discount", rules.add_months(start, i)):
            grace[row.pk] = int(row.params.get("new_participant_full_months", 0))
    return grace


def scenario_costs(scenario: planner.Scenario) -> tuple[planner.MonthCost, ...]:
    """Each month's cost of one beneficiary of the scenario, through the calculator."""
    return planner.month_costs(
        rate_sets=rate_sets(scenario.start, scenario.months),
        programmes=scenario.programmes,
        income=scenario.income,
        grace=grace_months(scenario.start, scenario.months),
    )


def plan(
    scenario: planner.Scenario, *, budget: int | None = None, workers: int | None = None
) -> planner.Plan:
    """Workers for a budget, or the budget for a number of workers, over the scenario's months."""
    costs = scenario_costs(scenario)
    if workers is not None:
        return planner.budget_for_workers(workers=workers, costs=costs, scenario=scenario)
    return planner.workers_for_budget(budget=budget or 0, costs=costs, scenario=scenario)


def programme_scenario(programme: Programme) -> planner.Scenario:
    chosen = planner.BASIC | ({Prog.JHT} if programme.jht else set())
    return planner.Scenario(
        label=programme.name,
        start=programme.start_month,
        months=programme.months,
        programmes=frozenset(chosen),
        income=programme.declared_income,
    )


def programme_plan(programme: Programme) -> planner.Plan:
    return plan(programme_scenario(programme), budget=programme.budget)


def compare(budget: int, scenarios: Sequence[planner.Scenario]) -> planner.Comparison:
    return planner.compare([plan(s, budget=budget) for s in scenarios])


# --- sponsors and programmes --------------------------------------------------------------


def sponsor_list(*, actor: Actor) -> QuerySet[Sponsor]:
    """Sponsors the actor may see: their own organisation, or those in their regions."""
    access.require(actor, access.VIEW_PROGRAMME)
    return access.scope(actor, Sponsor.objects.select_related("region")).order_by("name", "id")


def sponsor_get(*, actor: Actor, sponsor_id: int) -> Sponsor:
    return access.get(actor, access.VIEW_PROGRAMME, Sponsor.objects.all(), pk=sponsor_id)


def programme_list(*, actor: Actor, status: str = "") -> QuerySet[Programme]:
    """Programmes in the actor's scope, newest first, with their enrolled counts."""
    access.require(actor, access.VIEW_PROGRAMME)
    qs = access.scope(actor, Programme.objects.select_related("sponsor", "region"))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(enrolled=Count("beneficiaries")).order_by("-created_at", "-id")


def programme_get(*, actor: Actor, programme_id: int, permission: str = "") -> Programme:
    """One programme in scope; NotFound when missing or outside it alike."""
    qs = Programme.objects.select_related("sponsor", "region", "payer")
    return access.get(actor, permission or access.VIEW_PROGRAMME, qs, pk=programme_id)


def latest_run(programme: Programme) -> SelectionRun | None:
    return SelectionRun.objects.filter(programme=programme).order_by("-id").first()


@dataclass(frozen=True)
class CandidatePage:
    items: list[Candidate]
    next_after: int | None


def candidate_page(
    *, run: SelectionRun, reason: str | None = None, after: int | None = None
) -> CandidatePage:
    """One page of a run's candidates with the worker shown (no NIK), included ones by rank."""
    qs = Candidate.objects.filter(run=run).select_related("worker__village", "worker__occupation")
    if reason is not None:
        qs = qs.filter(reason=reason)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    items = list(qs.order_by("pk")[: PAGE + 1])
    more = len(items) > PAGE
    return CandidatePage(items[:PAGE], items[PAGE - 1].pk if more else None)


def candidate_explain(*, run: SelectionRun, worker_id: int) -> Candidate | None:
    return Candidate.objects.filter(run=run, worker_id=worker_id).first()


@dataclass(frozen=True)
class BurnDown:
    budget: int
    per_worker: int
    enrolled: int  # beneficiaries sponsored to the end of the period
    committed: int  # what every beneficiary costs over the months actually sponsored
    billed: int  # invoices issued so far to the programme's payer
    places_left: int
    ended: int = 0  # places freed early: rejected by BPJS, died, left, became wage earners

    @property
    def remaining(self) -> int:
        return self.budget - self.committed

    @property
    def unbilled(self) -> int:
        return self.committed - self.billed

    @property
    def warning(self) -> bool:
        """The budget will not last: what is committed already exceeds it."""
        return self.committed > self.budget


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def month_amounts(programme: Programme, start: date) -> tuple[int, ...]:
    """Each month's cost, from `start` to the period's end, of one beneficiary joining then."""
    end = rules.add_months(programme.start_month, programme.months)
    scenario = replace(
        programme_scenario(programme), start=start, months=months_between(start, end)
    )
    return tuple(c.amount for c in scenario_costs(scenario))


@dataclass(frozen=True)
class Sponsored:
    running: int
    ended: int
    committed: int


def sponsored(programme: Programme, per_worker: int) -> Sponsored:
    """Beneficiaries running or ended early, and the cost of each one's months [start, end)."""
    full = rules.period(programme.start_month, programme.months)
    groups = (
        Beneficiary.objects.filter(programme=programme)
        .values_list("start", "end", "end_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    running = ended = committed = 0
    schedules: dict[date, tuple[int, ...]] = {}  # one calculation per distinct start month
    for start, end, reason, n in groups:
        if reason:
            ended += n
        else:
            running += n
        if (start, end) == full:
            committed += n * per_worker
            continue
        if start not in schedules:
            schedules[start] = month_amounts(programme, start)
        committed += n * sum(schedules[start][: months_between(start, end)])
    return Sponsored(running, ended, committed)


def burn_down(programme: Programme, per_worker: int) -> BurnDown:
    """Budget against the months actually sponsored and what billing has invoiced so far."""
    done = sponsored(programme, per_worker)
    billed = Invoice.objects.filter(payer_id=programme.payer_id).aggregate(s=Sum("total"))["s"]
    # Freed places go back to the programme: what is left of the money buys whole periods.
    places = rules.affordable(max(programme.budget - done.committed, 0), per_worker)
    if programme.quota is not None:
        places = min(places, programme.quota - done.running)
    return BurnDown(
        budget=programme.budget,
        per_worker=per_worker,
        enrolled=done.running,
        committed=done.committed,
        billed=int(billed or 0),
        places_left=max(places, 0),
        ended=done.ended,
    )
