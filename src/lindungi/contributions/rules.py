"""Contribution amounts as pure functions over the rates in force (no ORM, no clock).

Every figure comes from a `RateSet` built from the effective-dated rule rows of the month
(`contributions.rates.rate_set_for`); formulas and their regulations are in
docs/contributions.md. Money is whole rupiah; each computed contribution is rounded once, half
up, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from lindungi.core.errors import ValidationError

T = TypeVar("T")
ONE = Decimal(1)
ZERO = Decimal(0)


class Programme(StrEnum):
    JKK = "JKK"
    JKM = "JKM"
    JHT = "JHT"
    JP = "JP"
    JKP = "JKP"
    # Migrant workers: Permenaker 4/2023 Pasal 18 sets one amount for JKK and JKM together.
    JKK_JKM = "JKK+JKM"


class Segment(StrEnum):
    """Same values as registry.models.Segment, kept here so the rules need no models."""

    PU = "PU"
    BPU = "BPU"
    JAKON = "JAKON"
    PMI = "PMI"


class PmiPhase(StrEnum):
    PRE_PLACEMENT = "pre_placement"  # Pasal 18(1) huruf a
    PLACEMENT = "placement"  # during and after work, Pasal 18(1) huruf b, (2), (3)


RISK_GROUPS = ("I", "II", "III", "IV", "V")
OFFERED: Mapping[Segment, frozenset[Programme]] = {
    Segment.PU: frozenset(
        {Programme.JKK, Programme.JKM, Programme.JHT, Programme.JP, Programme.JKP}
    ),
    Segment.BPU: frozenset({Programme.JKK, Programme.JKM, Programme.JHT}),
    Segment.JAKON: frozenset({Programme.JKK, Programme.JKM}),
    Segment.PMI: frozenset({Programme.JKK_JKM, Programme.JHT}),
}
_ORDER = {p: n for n, p in enumerate(Programme)}
NONE: Mapping[Programme, Decimal] = {}  # no discount, no deferral

MSG_INCOME = _("Penghasilan Rp%(income)s di luar rentang Rp%(low)s sampai Rp%(high)s.")
MSG_NOT_OFFERED = _(
    "Program %(programmes)s tidak tersedia untuk segmen %(segment)s pada bulan itu."
)
MSG_PMI_PACKAGE = _("Paket JKK+JKM wajib untuk PMI.")
MSG_REQUIRED = _("Wajib diisi untuk segmen %(segment)s.")
MSG_POSITIVE = _("Harus lebih dari nol.")
MSG_RISK_GROUP = _("Kelompok risiko harus salah satu dari I, II, III, IV, V.")
MSG_ONE_BASE = _("Isi nilai kontrak atau upah, tidak keduanya.")
MSG_PMI_MONTHS = _("Jangka waktu perjanjian kerja minimal %(months)s bulan.")
MSG_PMI_JHT = _("Iuran JHT PMI harus salah satu dari: %(options)s.")
MSG_NO_RATES = _("Tarif segmen %(segment)s untuk bulan %(month)s tidak tersedia.")


class ContributionInputError(ValidationError):
    """The inputs of a contribution calculation break a rule; `errors` names the field."""


class IncomeOutOfRange(ContributionInputError):  # noqa: N818 (the name the domain uses)
    """A BPU declared income outside the bracket table's bounds."""

    def __init__(self, *, income: int, low: int, high: int | None) -> None:
        top = rupiah(high) if high is not None else "…"
        super().__init__(
            {"income": MSG_INCOME % {"income": rupiah(income), "low": rupiah(low), "high": top}}
        )
        self.income, self.low, self.high = income, low, high


class ProgrammeNotOffered(ContributionInputError):  # noqa: N818
    """A programme the segment does not have (or not yet, in that month)."""

    def __init__(self, *, segment: Segment, programmes: Iterable[Programme]) -> None:
        names = ", ".join(p.value for p in _sorted(programmes))
        msg = MSG_NOT_OFFERED % {"programmes": names, "segment": segment.value}
        super().__init__({"programmes": msg})


def rupiah(amount: int) -> str:
    """1780000000 → 1.780.000.000, the Indonesian grouping."""
    return f"{amount:,}".replace(",", ".")


def round_rupiah(amount: Decimal) -> int:
    """Whole rupiah, half up: the one rounding step of every computed contribution."""
    return int(amount.quantize(ONE, rounding=ROUND_HALF_UP))


# --- the rates in force for one month ------------------------------------------------------


@dataclass(frozen=True)
class RuleRef:
    """The rule row a figure came from, kept so a calculation can name what it used."""

    id: int
    table: str
    key: str
    regulation: str
    status: str


@dataclass(frozen=True)
class JkpRate:
    government: Decimal  # the part the central government funds (PP 37/2021, PP 6/2025)
    wage_cap: int


@dataclass(frozen=True)
class PuRates:
    jkk: Mapping[str, Decimal]  # by risk group "I".."V"
    jkm: Decimal
    jht_employer: Decimal
    jht_worker: Decimal
    jp_employer: Decimal
    jp_worker: Decimal
    jp_wage_cap: int
    jkp: JkpRate | None  # None before JKP existed


@dataclass(frozen=True)
class BpuRates:
    jkk: Decimal
    jkm_flat: int
    jht: Decimal
    income_min: int
    income_max: int | None  # None when no maximum was in force (before Permenaker 5/2021)


@dataclass(frozen=True)
class Tier:
    """A marginal slice (above, upto] of a contract value and the rate on it."""

    above: int
    upto: int | None
    rate: Decimal


@dataclass(frozen=True)
class JakonRates:
    jkk_wage: Decimal
    jkm_wage: Decimal
    jkk_tiers: tuple[Tier, ...]
    jkm_tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class PmiRates:
    pre_placement: int
    placement: Mapping[int, int]  # contract months → amount for the whole contract
    extra_month: int
    jht_options: tuple[int, ...]


@dataclass(frozen=True)
class Discount:
    """A time-boxed factor on the normal contribution of some programmes and employers."""

    factor: Decimal
    programmes: frozenset[Programme]
    segments: frozenset[Segment]
    ref: RuleRef
    kbli_prefixes: tuple[str, ...] = ()  # empty: every payer of the segments
    min_workers: int = 0

    def covers(self, *, segment: Segment, kbli: str | None, workers: int | None) -> bool:
        if segment not in self.segments:
            return False
        if self.kbli_prefixes and not (kbli and kbli.startswith(self.kbli_prefixes)):
            return False
        return self.min_workers == 0 or (workers is not None and workers >= self.min_workers)


@dataclass(frozen=True)
class JpDeferral:
    """Share of the JP contribution postponed (still owed), PP 49/2020."""

    share: Decimal
    ref: RuleRef


@dataclass(frozen=True)
class RateSet:
    """Every rate, cap and amount in force for one contribution month of one segment."""

    month: date
    segment: Segment
    rules: tuple[RuleRef, ...]
    pu: PuRates | None = None
    bpu: BpuRates | None = None
    jakon: JakonRates | None = None
    pmi: PmiRates | None = None
    discounts: tuple[Discount, ...] = ()
    jp_deferral: JpDeferral | None = None

    @property
    def rule_row_ids(self) -> tuple[int, ...]:
        return tuple(sorted(r.id for r in self.rules))

    def refs(self, table: str, key: str | None = None) -> list[RuleRef]:
        """The rows of `table` (and `key`, when given) this rate set was built from."""
        return [r for r in self.rules if r.table == table and key in (None, r.key)]


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One programme's contribution for the month, in whole rupiah."""

    programme: Programme
    employer_share: int
    worker_share: int
    government_share: int = 0  # funded outside the invoice (JKP), never billed
    deferred: int = 0  # postponed but still owed (JP under PP 49/2020), not billed now

    @property
    def billed(self) -> int:
        return self.employer_share + self.worker_share


@dataclass(frozen=True)
class Relief:
    """The discounts and deferrals that apply to one payer in one month."""

    factors: Mapping[Programme, Decimal] = field(default_factory=dict)
    deferred: Mapping[Programme, Decimal] = field(default_factory=dict)
    refs: tuple[RuleRef, ...] = ()


@dataclass(frozen=True)
class Breakdown:
    """The contribution of one payer for one month, and the rule rows it was computed from."""

    month: date
    segment: Segment
    dues: list[Due]
    total: int  # billed now: employer + worker shares
    rule_row_ids: tuple[int, ...]
    rules: tuple[RuleRef, ...] = ()

    @property
    def deferred(self) -> int:
        return sum(d.deferred for d in self.dues)

    @property
    def government(self) -> int:
        return sum(d.government_share for d in self.dues)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form shared by the CLI and, later, the API."""
        return {
            "segment": self.segment.value,
            "month": self.month.strftime("%Y-%m"),
            "programmes": {d.programme.value: d.billed for d in self.dues},
            "total": self.total,
            "deferred": self.deferred,
            "government": self.government,
            "dues": [asdict(d) for d in self.dues],
            "rules": [asdict(r) for r in self.rules],
        }


# --- the calculations ---------------------------------------------------------------------


def relief_for(
    *,
    rates: RateSet,
    kbli: str | None = None,
    workers: int | None = None,
    eligible: bool = True,
    jp_deferral: bool = True,
) -> Relief:
    """Discounts (PP 49/2020, PP 7/2025 and its extension) covering this payer this month.

    `eligible` is False when the payer fails a relief's payment-history condition (paid up to
    2020-07, resp. JKK up to 2025-01; new participants' first 2 months under PP 49/2020);
    the caller decides it from the ledger. Factors of overlapping discounts multiply.
    """
    if not eligible:
        return Relief()
    factors: dict[Programme, Decimal] = {}
    refs: list[RuleRef] = []
    for discount in rates.discounts:
        if discount.covers(segment=rates.segment, kbli=kbli, workers=workers):
            for p in discount.programmes:
                factors[p] = factors.get(p, ONE) * discount.factor
            refs.append(discount.ref)
    deferred: dict[Programme, Decimal] = {}
    if jp_deferral and rates.jp_deferral is not None and rates.segment is Segment.PU:
        deferred[Programme.JP] = rates.jp_deferral.share
        refs.append(rates.jp_deferral.ref)
    return Relief(factors, deferred, tuple(refs))


def pu_dues(
    *,
    wage: int,
    risk_group: str,
    programmes: Iterable[Programme],
    rates: RateSet,
    discount_factor: Mapping[Programme, Decimal] = NONE,
    deferred_share: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Monthly wage-earner dues per programme (PP 44/2015, 45/2015, 46/2015, 6/2025)."""
    pu = _need(rates.pu, rates)
    chosen = _check(Segment.PU, programmes, jkp=pu.jkp is not None)
    _positive("wage", wage)
    if risk_group not in pu.jkk:
        raise ContributionInputError({"risk_group": str(MSG_RISK_GROUP)})
    shares: dict[Programme, tuple[int, Decimal, Decimal]] = {
        Programme.JKK: (wage, pu.jkk[risk_group], ZERO),
        Programme.JKM: (wage, pu.jkm, ZERO),
        Programme.JHT: (wage, pu.jht_employer, pu.jht_worker),
        Programme.JP: (min(wage, pu.jp_wage_cap), pu.jp_employer, pu.jp_worker),
    }
    dues = []
    for p in chosen:
        if p is Programme.JKP:
            dues.append(_jkp_due(wage, _need(pu.jkp, rates)))
            continue
        base, employer, worker = shares[p]
        factor, later = discount_factor.get(p, ONE), deferred_share.get(p, ZERO)
        dues.append(_shared_due(p, base * factor, employer, worker, later))
    return dues


def _shared_due(
    p: Programme, base: Decimal, employer: Decimal, worker: Decimal, later: Decimal
) -> Due:
    """Employer and worker shares; a deferred fraction is billed later, not waived."""
    employer_full, worker_full = base * employer, base * worker
    employer_now = round_rupiah(employer_full * (ONE - later))
    worker_now = round_rupiah(worker_full * (ONE - later))
    owed = round_rupiah(employer_full) + round_rupiah(worker_full)
    return Due(p, employer_now, worker_now, deferred=owed - employer_now - worker_now)


def _jkp_due(wage: int, jkp: JkpRate) -> Due:
    """JKP costs the payer nothing: the government part is shown, the rest is recomposed."""
    government = round_rupiah(min(wage, jkp.wage_cap) * jkp.government)
    return Due(Programme.JKP, 0, 0, government_share=government)


def bpu_dues(
    *,
    income: int,
    programmes: Iterable[Programme],
    rates: RateSet,
    discount_factor: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Monthly dues of an informal worker on the declared income (PP 44/2015, 46/2015)."""
    bpu = _need(rates.bpu, rates)
    chosen = _check(Segment.BPU, programmes)
    if income < bpu.income_min or (bpu.income_max is not None and income > bpu.income_max):
        raise IncomeOutOfRange(income=income, low=bpu.income_min, high=bpu.income_max)
    normal = {
        Programme.JKK: income * bpu.jkk,
        Programme.JKM: Decimal(bpu.jkm_flat),
        Programme.JHT: income * bpu.jht,
    }
    return [Due(p, 0, round_rupiah(normal[p] * discount_factor.get(p, ONE))) for p in chosen]


def jakon_dues(
    *,
    contract_value: int | None = None,
    wage: int | None = None,
    rates: RateSet,
    programmes: Iterable[Programme] = OFFERED[Segment.JAKON],
    discount_factor: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Construction-project dues: on known wages, else marginal tiers of the contract value.

    The contract value excludes PPN (VAT); the tier amount is due once for the project.
    """
    jakon = _need(rates.jakon, rates)
    chosen = _check(Segment.JAKON, programmes)
    if contract_value is not None and wage is not None:
        raise ContributionInputError({"contract_value": str(MSG_ONE_BASE)})
    if wage is not None:
        _positive("wage", wage)
        normal = {Programme.JKK: wage * jakon.jkk_wage, Programme.JKM: wage * jakon.jkm_wage}
    else:
        contract_value = _required("contract_value", contract_value, Segment.JAKON)
        _positive("contract_value", contract_value)
        normal = {
            Programme.JKK: marginal(contract_value, jakon.jkk_tiers),
            Programme.JKM: marginal(contract_value, jakon.jkm_tiers),
        }
    return [Due(p, round_rupiah(normal[p] * discount_factor.get(p, ONE)), 0) for p in chosen]


def marginal(value: int, tiers: Iterable[Tier]) -> Decimal:
    """Sum of each slice of `value` times its tier's rate (unrounded)."""
    total = ZERO
    for tier in tiers:
        if value > tier.above:
            top = value if tier.upto is None else min(value, tier.upto)
            total += (top - tier.above) * tier.rate
    return total


def pmi_dues(
    *,
    phase: PmiPhase,
    contract_months: int | None = None,
    rates: RateSet,
    jht_amount: int | None = None,
) -> list[Due]:
    """Migrant-worker JKK+JKM for a phase, plus the chosen JHT amount (Permenaker 4/2023)."""
    pmi = _need(rates.pmi, rates)
    dues = [Due(Programme.JKK_JKM, 0, pmi_amount(phase, contract_months, pmi))]
    if jht_amount is not None:
        if jht_amount not in pmi.jht_options:
            options = ", ".join(rupiah(o) for o in pmi.jht_options)
            raise ContributionInputError({"jht_amount": MSG_PMI_JHT % {"options": options}})
        dues.append(Due(Programme.JHT, 0, jht_amount))
    return dues


def pmi_amount(phase: PmiPhase, contract_months: int | None, pmi: PmiRates) -> int:
    """Pasal 18: the amount of the longest listed period that fits, plus each month beyond it."""
    if phase is PmiPhase.PRE_PLACEMENT:
        return pmi.pre_placement
    if contract_months is None:
        raise ContributionInputError({"contract_months": MSG_REQUIRED % {"segment": "PMI"}})
    fitting = [m for m in pmi.placement if m <= contract_months]
    if not fitting:
        months = min(pmi.placement)
        raise ContributionInputError({"contract_months": MSG_PMI_MONTHS % {"months": months}})
    listed = max(fitting)
    return pmi.placement[listed] + (contract_months - listed) * pmi.extra_month


# --- one entry point ----------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What a payer declares for a month; which fields matter depends on the segment."""

    programmes: frozenset[Programme]
    income: int | None = None  # BPU declared income
    wage: int | None = None  # PU monthly wage; JAKON wage when known
    risk_group: str | None = None  # PU: "I".."V"
    kbli: str | None = None  # PU employer's KBLI code (PP 7/2025)
    workers: int | None = None  # PU employer's active workers (PP 7/2025)
    contract_value: int | None = None  # JAKON, excluding PPN
    phase: PmiPhase | None = None
    contract_months: int | None = None  # PMI
    jht_amount: int | None = None  # PMI chosen JHT amount
    relief_eligible: bool = True  # payment-history conditions of the reliefs are met
    jp_deferral: bool = True  # PP 49/2020 JP deferral applies (medium/large, on application)


def breakdown(*, rates: RateSet, inputs: Inputs) -> Breakdown:
    """The contribution of one payer for the month of `rates`, with the rule rows it used."""
    relief = relief_for(
        rates=rates,
        kbli=inputs.kbli,
        workers=inputs.workers,
        eligible=inputs.relief_eligible,
        jp_deferral=inputs.jp_deferral,
    )
    dues = _DUES[rates.segment](rates, inputs, relief)
    used = set(relief.refs)
    for due in dues:
        used.update(_rows_used(rates, due.programme, inputs))
    rules = tuple(sorted(used, key=lambda r: r.id))
    return Breakdown(
        month=rates.month,
        segment=rates.segment,
        dues=dues,
        total=sum(d.billed for d in dues),
        rule_row_ids=tuple(r.id for r in rules),
        rules=rules,
    )


def _pu(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    return pu_dues(
        wage=_required("wage", inputs.wage, Segment.PU),
        risk_group=_required("risk_group", inputs.risk_group, Segment.PU),
        programmes=inputs.programmes,
        rates=rates,
        discount_factor=relief.factors,
        deferred_share=relief.deferred,
    )


def _bpu(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    income = _required("income", inputs.income, Segment.BPU)
    return bpu_dues(
        income=income, programmes=inputs.programmes, rates=rates, discount_factor=relief.factors
    )


def _jakon(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    return jakon_dues(
        contract_value=inputs.contract_value,
        wage=inputs.wage,
        rates=rates,
        programmes=inputs.programmes,
        discount_factor=relief.factors,
    )


def _pmi(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    chosen = _check(Segment.PMI, inputs.programmes)
    if Programme.JKK_JKM not in chosen:
        raise ContributionInputError({"programmes": str(MSG_PMI_PACKAGE)})
    jht = None
    if Programme.JHT in chosen:
        jht = _required("jht_amount", inputs.jht_amount, Segment.PMI)
    return pmi_dues(
        phase=_required("phase", inputs.phase, Segment.PMI),
        contract_months=inputs.contract_months,
        rates=rates,
        jht_amount=jht,
    )


_DUES = {Segment.PU: _pu, Segment.BPU: _bpu, Segment.JAKON: _jakon, Segment.PMI: _pmi}

# Rule tables (and keys; "x*" = keys starting with x) each programme's figure reads.
_BPU_BOUNDS = (("bpu_income_min", None), ("bpu_income_max", None))
_TABLES: Mapping[tuple[Segment, Programme], tuple[tuple[str, str | None], ...]] = {
    (Segment.PU, Programme.JKM): (("pu_jkm_rate", None),),
    (Segment.PU, Programme.JHT): (("pu_jht_rate", None),),
    (Segment.PU, Programme.JP): (("pu_jp_rate", None), ("jp_wage_cap", None)),
    (Segment.PU, Programme.JKP): (("jkp_rate", None),),
    (Segment.BPU, Programme.JKK): (("bpu_jkk_rate", None), *_BPU_BOUNDS),
    (Segment.BPU, Programme.JKM): (("bpu_jkm_flat", None), *_BPU_BOUNDS),
    (Segment.BPU, Programme.JHT): (("bpu_jht_rate", None), *_BPU_BOUNDS),
    (Segment.PMI, Programme.JHT): (("pmi_jht_option", None),),
}


def _rows_used(rates: RateSet, programme: Programme, inputs: Inputs) -> list[RuleRef]:
    wanted = _TABLES.get((rates.segment, programme), ())
    if (rates.segment, programme) == (Segment.PU, Programme.JKK):
        wanted = (("pu_jkk_rate", inputs.risk_group),)
    elif rates.segment is Segment.JAKON:
        name = programme.value.lower()
        by_wage = inputs.wage is not None
        wanted = (("jakon_wages_known", name),) if by_wage else (("jakon_tier", f"{name}_*"),)
    elif programme is Programme.JKK_JKM:
        pre = inputs.phase is PmiPhase.PRE_PLACEMENT
        wanted = (("pmi_amount", "pre_placement" if pre else "placement_*"),)
        wanted += () if pre else (("pmi_amount", "extra_month"),)
    return [ref for table, key in wanted for ref in rates.refs(table) if _matches(ref.key, key)]


def _matches(key: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    return key.startswith(wanted[:-1]) if wanted.endswith("*") else key == wanted


# --- checks -------------------------------------------------------------------------------


def _sorted(programmes: Iterable[Programme]) -> list[Programme]:
    return sorted(set(programmes), key=_ORDER.__getitem__)


def _check(
    segment: Segment, programmes: Iterable[Programme], *, jkp: bool = True
) -> list[Programme]:
    """The programmes in display order; each must be offered to the segment (this month)."""
    chosen = _sorted(programmes)
    if not chosen:
        raise ContributionInputError({"programmes": MSG_REQUIRED % {"segment": segment.value}})
    offered = OFFERED[segment] - (set() if jkp else {Programme.JKP})
    missing = [p for p in chosen if p not in offered]
    if missing:
        raise ProgrammeNotOffered(segment=segment, programmes=missing)
    return chosen


def _need(part: T | None, rates: RateSet) -> T:
    if part is None:
        msg = MSG_NO_RATES % {"segment": rates.segment.value, "month": rates.month.isoformat()}
        raise ContributionInputError({"month": msg})
    return part


def _required(name: str, value: T | None, segment: Segment) -> T:
    if value is None:
        raise ContributionInputError({name: MSG_REQUIRED % {"segment": segment.value}})
    return value


def _positive(name: str, value: int) -> None:
    if value <= 0:
        raise ContributionInputError({name: str(MSG_POSITIVE)})
