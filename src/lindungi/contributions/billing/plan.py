"""The month's rates as integer constants, so that SQL bills exactly what `rates.calculate` says.

Every billed share is `round_half_up(base * coefficient)`, where the coefficient is the product
of the rate, the discount factors and (JP in PP 49/2020 months) the share billed now; the
calculator multiplies exactly the same Decimals. A coefficient with k decimals is held as the
integer numerator `coefficient * 10^k` over the common denominator `10^k`, so SQL can compute
`(base * numerator + 10^k / 2) / 10^k` in exact integer arithmetic: the same half-up rounding
for positive amounts, with no floats and no database-specific decimal types.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import IntEnum
from typing import Any, TypeVar

from lindungi.contributions.rates import NoRuleInForce, rate_set_for
from lindungi.contributions.rules import (
    ONE,
    RISK_GROUPS,
    ZERO,
    Discount,
    Programme,
    RateSet,
    RuleRef,
    Segment,
    round_rupiah,
)
from lindungi.core.errors import NotFound
from lindungi.reference.models import RuleRow
from lindungi.reference.selectors import rate_in_force

T = TypeVar("T")
INT64_MAX = 2**63 - 1
# Membership programme flags as bits; JKP is government-funded and never billed.
BITS: Mapping[Programme, int] = {
    Programme.JKK: 1,
    Programme.JKM: 2,
    Programme.JHT: 4,
    Programme.JP: 8,
}
# Rows a rate set reads but the monthly run does not bill from.
UNUSED_TABLES = frozenset({"jkp_rate", "jakon_tier"})
MAX_CONDITIONS = 5


class Basis(IntEnum):
    WAGE = 0  # declared wage or income
    FLAT = 1  # a fixed amount (BPU JKM): the numerator is the rounded amount * denominator
    CAPPED = 2  # the wage up to the month's JP cap


@dataclass(frozen=True)
class Coefficient:
    """One billed programme for memberships of one segment, risk group and relief."""

    segment: str
    risk: int  # employer's JKK risk group 1..5 for PU, 0 for the other segments
    relief: int  # bit i set: the i-th employer-conditional discount applies
    programme: Programme
    basis: Basis
    employer: Decimal
    worker: Decimal

    @property
    def bit(self) -> int:
        return BITS[self.programme]


@dataclass(frozen=True)
class Condition:
    """A discount only for some employers: KBLI prefixes and a minimum PU workforce (PP 7/2025)."""

    kbli_prefixes: tuple[str, ...]
    min_workers: int


@dataclass(frozen=True)
class BillingPlan:
    """Everything the SQL of one month's run needs, computed once in Python."""

    month: date
    coefficients: tuple[Coefficient, ...]
    conditions: tuple[Condition, ...]
    jp_wage_cap: int
    bpu_income_min: int
    bpu_income_max: int | None
    due: Mapping[str, date]  # "employer"/"self" * "regular"/"adjustment" → due date
    rules: tuple[RuleRef, ...]
    denominator: int = field(init=False)

    def __post_init__(self) -> None:
        places = max((_places(c) for c in self._rates()), default=1)
        object.__setattr__(self, "denominator", 10 ** max(places, 1))

    def _rates(self) -> Iterable[Decimal]:
        for c in self.coefficients:
            if c.basis is not Basis.FLAT:
                yield from (c.employer, c.worker)

    def numerator(self, c: Coefficient, share: str) -> int:
        value = c.employer if share == "employer" else c.worker
        if c.basis is Basis.FLAT:
            return round_rupiah(value) * self.denominator
        scaled = value * self.denominator
        if scaled != scaled.to_integral_value():
            raise ValueError(f"coefficient {value} needs more than 10^k")  # cannot happen
        return int(scaled)

    @property
    def max_wage(self) -> int:
        """Largest wage whose products stay within 64-bit integers on both databases."""
        top = max(
            (self.numerator(c, s) for c in self.coefficients for s in ("employer", "worker")),
            default=1,
        )
        return (INT64_MAX - self.denominator // 2) // max(top, 1)

    def table(self) -> list[list[Any]]:
        """One row per (segment, risk, relief): cap, denominator, half, then per programme
        (JKK, JKM, JHT, JP) its basis and employer and worker numerators (0 when not billed)."""
        groups: dict[tuple[str, int, int], dict[Programme, Coefficient]] = {}
        for c in self.coefficients:
            groups.setdefault((c.segment, c.risk, c.relief), {})[c.programme] = c
        den = self.denominator
        rows = []
        for (segment, risk, relief), by_programme in sorted(groups.items()):
            row: list[Any] = [segment, risk, relief, self.jp_wage_cap, den, den // 2]
            for programme in BITS:
                found = by_programme.get(programme)
                row += [0, 0, 0] if found is None else self._numerators(found)
            rows.append(row)
        return rows

    def _numerators(self, c: Coefficient) -> list[int]:
        return [int(c.basis), self.numerator(c, "employer"), self.numerator(c, "worker")]

    @property
    def digest(self) -> str:
        """Identifies the amounts: two plans with one digest bill every input alike."""
        conditions = [[list(c.kbli_prefixes), c.min_workers] for c in self.conditions]
        text = json.dumps([self.table(), conditions], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def rule_rows(self) -> list[dict[str, Any]]:
        return [
            {"id": r.id, "table": r.table, "key": r.key, "regulation": r.regulation}
            for r in self.rules
        ]


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def build_plan(month: date, *, issued_on: date) -> BillingPlan:
    """The rates in force for `month` (PU, BPU, JAKON), as coefficients; NoRuleInForce if none."""
    month = month.replace(day=1)
    pu, bpu, jakon = (
        rate_set_for(month, segment=s) for s in (Segment.PU, Segment.BPU, Segment.JAKON)
    )
    conditional = tuple(d for d in pu.discounts if _conditional(d))
    if len(conditional) > MAX_CONDITIONS:  # relief bits must fit the membership signature
        raise ValueError(f"{len(conditional)} employer-conditional discounts in {month}")
    coefficients = [*_pu(pu, conditional), *_bpu(bpu), *_jakon(jakon)]
    due, due_rules = _due_dates(month, issued_on.replace(day=1))
    refs = {r.id: r for rs in (pu, bpu, jakon) for r in rs.rules if r.table not in UNUSED_TABLES}
    refs.update((r.id, r) for r in due_rules)
    return BillingPlan(
        month=month,
        coefficients=tuple(coefficients),
        conditions=tuple(Condition(d.kbli_prefixes, d.min_workers) for d in conditional),
        jp_wage_cap=_part(pu.pu).jp_wage_cap,
        bpu_income_min=_part(bpu.bpu).income_min,
        bpu_income_max=_part(bpu.bpu).income_max,
        due=due,
        rules=tuple(sorted(refs.values(), key=lambda r: r.id)),
    )


def _part(rates: T | None) -> T:
    """The segment's rates of a rate set (rate_set_for raises NoRuleInForce without them)."""
    if rates is None:
        raise ValueError("rate set without its segment's rates")
    return rates


def _conditional(d: Discount) -> bool:
    return bool(d.kbli_prefixes) or d.min_workers > 0


def _factors(discounts: Iterable[Discount]) -> dict[Programme, Decimal]:
    """Factors of overlapping discounts multiply, as in rules.relief_for."""
    factors: dict[Programme, Decimal] = {}
    for d in discounts:
        for p in d.programmes:
            factors[p] = factors.get(p, ONE) * d.factor
    return factors


def _pu(rates: RateSet, conditional: tuple[Discount, ...]) -> Iterable[Coefficient]:
    pu = _part(rates.pu)
    always = [d for d in rates.discounts if not _conditional(d)]
    later = rates.jp_deferral.share if rates.jp_deferral is not None else ZERO
    shares = {
        Programme.JKM: (pu.jkm, ZERO, ZERO),
        Programme.JHT: (pu.jht_employer, pu.jht_worker, ZERO),
        Programme.JP: (pu.jp_employer, pu.jp_worker, later),
    }
    for risk, group in enumerate(RISK_GROUPS, start=1):
        for relief in range(2 ** len(conditional)):
            chosen = [d for i, d in enumerate(conditional) if relief >> i & 1]
            factors = _factors([*always, *chosen])
            for p, (employer, worker, deferred) in {
                Programme.JKK: (pu.jkk[group], ZERO, ZERO),
                **shares,
            }.items():
                now = factors.get(p, ONE) * (ONE - deferred)
                basis = Basis.CAPPED if p is Programme.JP else Basis.WAGE
                yield Coefficient("PU", risk, relief, p, basis, employer * now, worker * now)


def _bpu(rates: RateSet) -> Iterable[Coefficient]:
    bpu = _part(rates.bpu)
    factors = _factors(d for d in rates.discounts if not _conditional(d))
    for p, basis, rate in (
        (Programme.JKK, Basis.WAGE, bpu.jkk),
        (Programme.JKM, Basis.FLAT, Decimal(bpu.jkm_flat)),
        (Programme.JHT, Basis.WAGE, bpu.jht),
    ):
        yield Coefficient("BPU", 0, 0, p, basis, ZERO, rate * factors.get(p, ONE))


def _jakon(rates: RateSet) -> Iterable[Coefficient]:
    """Construction workers with known wages; contract-value projects are billed once, elsewhere."""
    jakon = _part(rates.jakon)
    factors = _factors(d for d in rates.discounts if not _conditional(d))
    for p, rate in ((Programme.JKK, jakon.jkk_wage), (Programme.JKM, jakon.jkm_wage)):
        yield Coefficient("JAKON", 0, 0, p, Basis.WAGE, rate * factors.get(p, ONE), ZERO)


def due_on(month: date, row: RuleRow) -> date:
    """The row's day in the month `params.month_offset` after `month`, or its last day."""
    index = month.year * 12 + month.month - 1 + int(row.params.get("month_offset", 0))
    year, month_no = divmod(index, 12)
    last = calendar.monthrange(year, month_no + 1)[1]
    return date(year, month_no + 1, min(int(row.value), last))


def _due_dates(month: date, issued: date) -> tuple[dict[str, date], list[RuleRef]]:
    """Regular invoices fall due under the month's rule; adjustments not before the issue's."""
    due: dict[str, date] = {}
    refs: list[RuleRef] = []
    for payer, table in (("employer", "due_day_pu"), ("self", "due_day_bpu")):
        regular = _due_row(table, month)
        later = _due_row(table, max(month, issued))
        due[f"{payer}:regular"] = due_on(month, regular)
        due[f"{payer}:adjustment"] = max(due_on(month, regular), due_on(max(month, issued), later))
        refs.append(
            RuleRef(regular.pk, regular.table, regular.key, regular.regulation, regular.status)
        )
    return due, refs


def _due_row(table: str, on: date) -> RuleRow:
    try:
        return rate_in_force(table, "", on)
    except NotFound as exc:
        raise NoRuleInForce(table=table, key="", on=on) from exc
