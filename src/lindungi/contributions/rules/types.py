"""The vocabulary of the contribution rules: programmes, segments, rates in force, results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

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


def in_order(programmes: Iterable[Programme]) -> list[Programme]:
    """The distinct programmes in display order (the order `Programme` declares them)."""
    return sorted(set(programmes), key=_ORDER.__getitem__)


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


# --- what a payer declares ----------------------------------------------------------------


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
