"""Contribution rules against the figures of REGULATIONS.md §1 — pure, no database.

The rate sets are built here by hand from REGULATIONS.md §1/§7, so these tests pin the
formulas; tests/contributions/test_rates.py runs the same figures through the loaded tables.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lindungi.contributions.rules import (
    BpuRates,
    ContributionInputError,
    Discount,
    Due,
    IncomeOutOfRange,
    Inputs,
    JakonRates,
    JkpRate,
    JpDeferral,
    PmiPhase,
    PmiRates,
    Programme,
    ProgrammeNotOffered,
    PuRates,
    RateSet,
    RuleRef,
    Segment,
    Tier,
    bpu_dues,
    breakdown,
    jakon_dues,
    marginal,
    pmi_dues,
    pu_dues,
    relief_for,
    round_rupiah,
    rupiah,
)
from lindungi.core.errors import ValidationError

JKK, JKM, JHT, JP, JKP = Programme.JKK, Programme.JKM, Programme.JHT, Programme.JP, Programme.JKP
PU, BPU, JAKON, PMI = Segment.PU, Segment.BPU, Segment.JAKON, Segment.PMI

_ROWS = [
    ("pu_jkk_rate", "I"),
    ("pu_jkk_rate", "II"),
    ("pu_jkk_rate", "III"),
    ("pu_jkk_rate", "IV"),
    ("pu_jkk_rate", "V"),
    ("pu_jkm_rate", ""),
    ("pu_jht_rate", "employer"),
    ("pu_jht_rate", "worker"),
    ("pu_jp_rate", "employer"),
    ("pu_jp_rate", "worker"),
    ("jp_wage_cap", ""),
    ("jkp_rate", ""),
    ("bpu_jkk_rate", ""),
    ("bpu_jkm_flat", ""),
    ("bpu_jht_rate", ""),
    ("bpu_income_min", ""),
    ("bpu_income_max", ""),
    ("jakon_wages_known", "jkk"),
    ("jakon_wages_known", "jkm"),
    *(("jakon_tier", f"{p}_{n}") for p in ("jkk", "jkm") for n in range(1, 6)),
    ("pmi_amount", "pre_placement"),
    ("pmi_amount", "placement_6m"),
    ("pmi_amount", "placement_12m"),
    ("pmi_amount", "placement_24m"),
    ("pmi_amount", "extra_month"),
    ("pmi_jht_option", "2"),
    ("discount", "jkk_jkm"),
    ("discount", "jkk_padat_karya"),
    ("jp_deferral", ""),
]
REF = {row: RuleRef(n, row[0], row[1], f"reg of {row[0]}", "REG") for n, row in enumerate(_ROWS, 1)}


def _refs(*tables: str) -> tuple[RuleRef, ...]:
    return tuple(ref for (table, _key), ref in REF.items() if table in tables)


PU_RATES = PuRates(
    jkk={
        "I": Decimal("0.0024"),
        "II": Decimal("0.0054"),
        "III": Decimal("0.0089"),
        "IV": Decimal("0.0127"),
        "V": Decimal("0.0174"),
    },
    jkm=Decimal("0.0030"),
    jht_employer=Decimal("0.037"),
    jht_worker=Decimal("0.020"),
    jp_employer=Decimal("0.02"),
    jp_worker=Decimal("0.01"),
    jp_wage_cap=11_086_300,
    jkp=JkpRate(government=Decimal("0.0022"), wage_cap=5_000_000),
)
PU_TABLES = ("pu_jkk_rate", "pu_jkm_rate", "pu_jht_rate", "pu_jp_rate", "jp_wage_cap", "jkp_rate")
BPU_RATES = BpuRates(
    jkk=Decimal("0.01"),
    jkm_flat=6_800,
    jht=Decimal("0.02"),
    income_min=1_000_000,
    income_max=20_700_000,
)
BPU_TABLES = ("bpu_jkk_rate", "bpu_jkm_flat", "bpu_jht_rate", "bpu_income_min", "bpu_income_max")
_BOUNDS = (0, 100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000, None)
JAKON_RATES = JakonRates(
    jkk_wage=Decimal("0.0174"),
    jkm_wage=Decimal("0.0030"),
    jkk_tiers=tuple(
        Tier(_BOUNDS[i], _BOUNDS[i + 1], Decimal(r))  # type: ignore[arg-type]
        for i, r in enumerate(("0.0021", "0.0017", "0.0013", "0.0011", "0.0009"))
    ),
    jkm_tiers=tuple(
        Tier(_BOUNDS[i], _BOUNDS[i + 1], Decimal(r))  # type: ignore[arg-type]
        for i, r in enumerate(("0.0003", "0.0002", "0.0002", "0.0001", "0.0001"))
    ),
)
PMI_RATES = PmiRates(
    pre_placement=37_500,
    placement={24: 332_500, 12: 189_000, 6: 108_000},
    extra_month=13_500,
    jht_options=(50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000),
)
PP_49_2020 = Discount(
    factor=Decimal("0.01"),
    programmes=frozenset({JKK, JKM}),
    segments=frozenset({PU, BPU, JAKON}),
    ref=REF["discount", "jkk_jkm"],
)
PP_7_2025 = Discount(
    factor=Decimal("0.5"),
    programmes=frozenset({JKK}),
    segments=frozenset({PU}),
    ref=REF["discount", "jkk_padat_karya"],
    kbli_prefixes=("10", "11", "12", "13", "14", "15", "31", "324"),
    min_workers=50,
)
JP_DEFERRAL = JpDeferral(share=Decimal("0.99"), ref=REF["jp_deferral", ""])


def pu(month: date = date(2026, 3, 1), *, cap: int = 11_086_300, **extra: object) -> RateSet:
    rates = PuRates(**{**PU_RATES.__dict__, "jp_wage_cap": cap})
    return RateSet(month, PU, _refs(*PU_TABLES), pu=rates, **extra)  # type: ignore[arg-type]


def bpu(month: date = date(2026, 11, 1), **extra: object) -> RateSet:
    return RateSet(month, BPU, _refs(*BPU_TABLES), bpu=BPU_RATES, **extra)  # type: ignore[arg-type]


def jakon(month: date = date(2026, 11, 1), **extra: object) -> RateSet:
    refs = _refs("jakon_wages_known", "jakon_tier")
    return RateSet(month, JAKON, refs, jakon=JAKON_RATES, **extra)  # type: ignore[arg-type]


def pmi(month: date = date(2026, 11, 1)) -> RateSet:
    return RateSet(month, PMI, _refs("pmi_amount", "pmi_jht_option"), pmi=PMI_RATES)


def by_programme(dues: list[Due]) -> dict[str, tuple[int, int, int, int]]:
    return {
        d.programme.value: (d.employer_share, d.worker_share, d.government_share, d.deferred)
        for d in dues
    }


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rupiah_"),
    [
        (Decimal("7999.9992"), 8_000),  # 3,333,333 x 0.24 %
        (Decimal("2500.5"), 2_501),  # half up, not to even
        (Decimal("2501.5"), 2_502),
        (Decimal("2500.4976"), 2_500),
        (Decimal("0.5"), 1),
        (Decimal("0.4999"), 0),
    ],
)
def test_round_rupiah_half_up(amount: Decimal, rupiah_: int) -> None:
    assert round_rupiah(amount) == rupiah_


def test_rupiah_uses_indonesian_grouping() -> None:
    assert rupiah(1_780_000_000) == "1.780.000.000"
    assert rupiah(6_800) == "6.800"


# --- BPU: PP 44/2015, §1.2 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "programmes", "expected", "total"),
    [
        (1_000_000, {JKK, JKM}, {"JKK": 10_000, "JKM": 6_800}, 16_800),
        (1_000_000, {JKK, JKM, JHT}, {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000}, 36_800),
        (20_700_000, {JKK}, {"JKK": 207_000}, 207_000),
        (20_700_000, {JKK, JKM, JHT}, {"JKK": 207_000, "JKM": 6_800, "JHT": 414_000}, 627_800),
        (1_234_567, {JKK, JHT}, {"JKK": 12_346, "JHT": 24_691}, 37_037),  # 12,345.67 / 24,691.34
    ],
)
def test_bpu_dues(
    income: int, programmes: set[Programme], expected: dict[str, int], total: int
) -> None:
    dues = bpu_dues(income=income, programmes=programmes, rates=bpu())
    assert {d.programme.value: d.worker_share for d in dues} == expected
    assert all(d.employer_share == 0 for d in dues)
    assert sum(d.billed for d in dues) == total


@pytest.mark.parametrize("income", [999_999, 20_700_001, 0])
def test_bpu_income_out_of_range_names_the_bounds(income: int) -> None:
    with pytest.raises(IncomeOutOfRange) as exc:
        bpu_dues(income=income, programmes={JKK, JKM}, rates=bpu())
    assert isinstance(exc.value, ValidationError)
    assert (exc.value.low, exc.value.high) == (1_000_000, 20_700_000)
    message = exc.value.errors["income"][0]
    assert "Rp1.000.000" in message
    assert "Rp20.700.000" in message


@pytest.mark.parametrize("programme", [JP, JKP])
def test_bpu_has_no_jp_or_jkp(programme: Programme) -> None:
    with pytest.raises(ProgrammeNotOffered) as exc:
        bpu_dues(income=1_000_000, programmes={JKK, programme}, rates=bpu())
    assert programme.value in exc.value.errors["programmes"][0]


def test_bpu_pp_49_2020_pays_one_percent() -> None:
    """Sep 2020: JKK 1 % x Rp10,000 = Rp100, JKM 1 % x Rp6,800 = Rp68 (PP 49/2020)."""
    result = breakdown(
        rates=bpu(date(2020, 9, 1), discounts=(PP_49_2020,)),
        inputs=Inputs(programmes=frozenset({JKK, JKM}), income=1_000_000),
    )
    assert by_programme(result.dues) == {"JKK": (0, 100, 0, 0), "JKM": (0, 68, 0, 0)}
    assert result.total == 168
    assert REF["discount", "jkk_jkm"].id in result.rule_row_ids


def test_bpu_relief_not_applied_when_not_eligible() -> None:
    result = breakdown(
        rates=bpu(date(2020, 9, 1), discounts=(PP_49_2020,)),
        inputs=Inputs(programmes=frozenset({JKK, JKM}), income=1_000_000, relief_eligible=False),
    )
    assert result.total == 16_800
    assert REF["discount", "jkk_jkm"].id not in result.rule_row_ids


# --- PU: PP 44/2015, 45/2015, 46/2015, §1.1 --------------------------------------------------


def test_pu_dues_wage_5_000_000_group_i() -> None:
    dues = pu_dues(wage=5_000_000, risk_group="I", programmes={JKK, JKM, JHT, JP, JKP}, rates=pu())
    assert by_programme(dues) == {
        "JKK": (12_000, 0, 0, 0),
        "JKM": (15_000, 0, 0, 0),
        "JHT": (185_000, 100_000, 0, 0),
        "JP": (100_000, 50_000, 0, 0),
        "JKP": (0, 0, 11_000, 0),  # 0.22 % government part, never billed
    }
    assert sum(d.billed for d in dues) == 462_000


@pytest.mark.parametrize(
    ("group", "jkk"),
    [("I", 12_000), ("II", 27_000), ("III", 44_500), ("IV", 63_500), ("V", 87_000)],
)
def test_pu_jkk_by_risk_group(group: str, jkk: int) -> None:
    (due,) = pu_dues(wage=5_000_000, risk_group=group, programmes={JKK}, rates=pu())
    assert due == Due(JKK, jkk, 0)


@pytest.mark.parametrize(
    ("cap", "employer", "worker"),
    [
        (10_547_400, 210_948, 105_474),  # Feb 2026: cap of 2025-03-01
        (11_086_300, 221_726, 110_863),  # Mar 2026: cap of 2026-03-01
        (20_000_000, 240_000, 120_000),  # wage below the cap: no capping
    ],
)
def test_pu_jp_on_capped_wage(cap: int, employer: int, worker: int) -> None:
    (due,) = pu_dues(wage=12_000_000, risk_group="I", programmes={JP}, rates=pu(cap=cap))
    assert due == Due(JP, employer, worker)


@pytest.mark.parametrize(("wage", "government"), [(3_000_000, 6_600), (12_000_000, 11_000)])
def test_pu_jkp_government_share_on_capped_wage(wage: int, government: int) -> None:
    (due,) = pu_dues(wage=wage, risk_group="I", programmes={JKP}, rates=pu())
    assert due == Due(JKP, 0, 0, government_share=government)


def test_pu_jkp_not_offered_before_it_existed() -> None:
    rates = RateSet(date(2020, 9, 1), PU, (), pu=PuRates(**{**PU_RATES.__dict__, "jkp": None}))
    with pytest.raises(ProgrammeNotOffered):
        pu_dues(wage=5_000_000, risk_group="I", programmes={JKK, JKP}, rates=rates)


@pytest.mark.parametrize(
    ("wage", "group", "jkk"),
    [
        (3_333_333, "I", 8_000),  # 7,999.9992
        (1_041_875, "I", 2_501),  # 2,500.5 rounds up
        (1_041_874, "I", 2_500),  # 2,500.4976
    ],
)
def test_pu_rounding_half_up_once(wage: int, group: str, jkk: int) -> None:
    (due,) = pu_dues(wage=wage, risk_group=group, programmes={JKK}, rates=pu())
    assert due.employer_share == jkk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"wage": 0, "risk_group": "I"}, "wage"),
        ({"wage": 5_000_000, "risk_group": "VI"}, "risk_group"),
    ],
)
def test_pu_rejects_bad_inputs(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ContributionInputError) as exc:
        pu_dues(programmes={JKK}, rates=pu(), **kwargs)  # type: ignore[arg-type]
    assert field in exc.value.errors


def test_no_programme_chosen_is_an_error() -> None:
    with pytest.raises(ContributionInputError) as exc:
        pu_dues(wage=5_000_000, risk_group="I", programmes=set(), rates=pu())
    assert "programmes" in exc.value.errors


# --- PP 7/2025 padat karya JKK discount ----------------------------------------------------


@pytest.mark.parametrize(
    ("kbli", "workers", "eligible", "jkk"),
    [
        ("14111", 60, True, 17_800),  # apparel, 0.445 %
        ("14111", 50, True, 17_800),  # at least 50 workers
        ("14111", 49, True, 35_600),
        ("14111", 40, True, 35_600),
        ("10110", 60, True, 17_800),  # food
        ("32401", 60, True, 17_800),  # toys, KBLI group 324
        ("32111", 60, True, 35_600),  # jewellery: division 32 but not toys
        ("62010", 60, True, 35_600),  # software: not labour-intensive
        (None, 60, True, 35_600),
        ("14111", None, True, 35_600),
        ("14111", 60, False, 35_600),  # JKK not paid up to Jan 2025
    ],
)
def test_pp_7_2025_padat_karya(
    kbli: str | None, workers: int | None, eligible: bool, jkk: int
) -> None:
    result = breakdown(
        rates=pu(date(2025, 3, 1), cap=10_547_400, discounts=(PP_7_2025,)),
        inputs=Inputs(
            programmes=frozenset({JKK}),
            wage=4_000_000,
            risk_group="III",
            kbli=kbli,
            workers=workers,
            relief_eligible=eligible,
        ),
    )
    assert result.dues == [Due(JKK, jkk, 0)]
    assert (REF["discount", "jkk_padat_karya"].id in result.rule_row_ids) is (jkk == 17_800)


@pytest.mark.parametrize(
    ("group", "jkk"),
    [("I", 4_800), ("II", 10_800), ("III", 17_800), ("IV", 25_400), ("V", 34_800)],
)
def test_pp_7_2025_halves_every_group(group: str, jkk: int) -> None:
    """0.12 / 0.27 / 0.445 / 0.635 / 0.87 % of Rp4,000,000."""
    (due,) = pu_dues(
        wage=4_000_000,
        risk_group=group,
        programmes={JKK},
        rates=pu(),
        discount_factor={JKK: Decimal("0.5")},
    )
    assert due.employer_share == jkk


def test_discount_rounds_once_not_twice() -> None:
    """3,333,333 x 0.89 % x 0.5 = 14,833.33 → 14,833 (rounding 29,666.66 first gives 14,834)."""
    (due,) = pu_dues(
        wage=3_333_333,
        risk_group="III",
        programmes={JKK},
        rates=pu(),
        discount_factor={JKK: Decimal("0.5")},
    )
    assert due.employer_share == 14_833


def test_pp_7_2025_leaves_other_programmes_alone() -> None:
    relief = relief_for(rates=pu(discounts=(PP_7_2025,)), kbli="14111", workers=60)
    assert relief.factors == {JKK: Decimal("0.5")}
    assert relief.deferred == {}


# --- PP 49/2020 on PU: JKK/JKM x 0.01, JP 1 % now, 99 % deferred ----------------------------


def test_pu_pp_49_2020() -> None:
    result = breakdown(
        rates=pu(date(2020, 9, 1), cap=8_939_700, discounts=(PP_49_2020,), jp_deferral=JP_DEFERRAL),
        inputs=Inputs(programmes=frozenset({JKK, JKM, JHT, JP}), wage=5_000_000, risk_group="I"),
    )
    assert by_programme(result.dues) == {
        "JKK": (120, 0, 0, 0),
        "JKM": (150, 0, 0, 0),
        "JHT": (185_000, 100_000, 0, 0),
        "JP": (1_000, 500, 0, 148_500),
    }
    assert result.total == 120 + 150 + 285_000 + 1_500
    assert result.deferred == 148_500
    assert {REF["discount", "jkk_jkm"].id, REF["jp_deferral", ""].id} <= set(result.rule_row_ids)


def test_pu_pp_49_2020_without_jp_deferral() -> None:
    result = breakdown(
        rates=pu(date(2020, 9, 1), cap=8_939_700, discounts=(PP_49_2020,), jp_deferral=JP_DEFERRAL),
        inputs=Inputs(
            programmes=frozenset({JP}), wage=5_000_000, risk_group="I", jp_deferral=False
        ),
    )
    assert result.dues == [Due(JP, 100_000, 50_000)]
    assert REF["jp_deferral", ""].id not in result.rule_row_ids


def test_jp_deferred_part_is_what_remains_owed() -> None:
    """Paid now and deferred add up to the normal contribution, whatever the rounding."""
    deferred = {JP: Decimal("0.99")}
    (due,) = pu_dues(
        wage=3_333_333, risk_group="I", programmes={JP}, rates=pu(), deferred_share=deferred
    )
    normal = round_rupiah(Decimal("66666.66")) + round_rupiah(Decimal("33333.33"))
    assert (due.employer_share, due.worker_share) == (667, 333)  # 666.67, 333.33
    assert due.billed + due.deferred == normal == 100_000


# --- Jasa konstruksi: §1.3 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "jkk", "jkm"),
    [
        (50_000_000, 105_000, 15_000),
        (100_000_000, 210_000, 30_000),
        (500_000_000, 890_000, 110_000),  # 210,000 + 680,000 ; 30,000 + 80,000
        (2_000_000_000, 2_640_000, 310_000),  # 210k+680k+650k+1,100k ; 30k+80k+100k+100k
        (6_000_000_000, 6_840_000, 710_000),  # + 4,400,000 + 900,000 ; + 400,000 + 100,000
        (123_456_789, 249_877, 34_691),  # 210,000 + 39,876.54 ; 30,000 + 4,691.36
    ],
)
def test_jakon_marginal_tiers(value: int, jkk: int, jkm: int) -> None:
    dues = jakon_dues(contract_value=value, rates=jakon())
    assert by_programme(dues) == {"JKK": (jkk, 0, 0, 0), "JKM": (jkm, 0, 0, 0)}


def test_jakon_tier_sum_is_rounded_once() -> None:
    assert marginal(123_456_789, JAKON_RATES.jkk_tiers) == Decimal("249876.5413")


def test_jakon_wages_known() -> None:
    dues = jakon_dues(wage=5_000_000, rates=jakon())
    assert by_programme(dues) == {"JKK": (87_000, 0, 0, 0), "JKM": (15_000, 0, 0, 0)}


@pytest.mark.parametrize(
    "kwargs", [{}, {"contract_value": 1_000_000_000, "wage": 5_000_000}, {"contract_value": 0}]
)
def test_jakon_needs_exactly_one_base(kwargs: dict[str, int]) -> None:
    with pytest.raises(ContributionInputError) as exc:
        jakon_dues(rates=jakon(), **kwargs)  # type: ignore[arg-type]
    assert "contract_value" in exc.value.errors


def test_jakon_pp_49_2020() -> None:
    result = breakdown(
        rates=jakon(date(2020, 9, 1), discounts=(PP_49_2020,)),
        inputs=Inputs(programmes=frozenset({JKK, JKM}), contract_value=2_000_000_000),
    )
    assert by_programme(result.dues) == {"JKK": (26_400, 0, 0, 0), "JKM": (3_100, 0, 0, 0)}


# --- PMI: Permenaker 4/2023 Pasal 18 -------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "months", "amount"),
    [
        (PmiPhase.PRE_PLACEMENT, None, 37_500),
        (PmiPhase.PLACEMENT, 24, 332_500),
        (PmiPhase.PLACEMENT, 12, 189_000),
        (PmiPhase.PLACEMENT, 6, 108_000),
        (PmiPhase.PLACEMENT, 30, 332_500 + 6 * 13_500),  # Pasal 18(3): each month beyond
        (PmiPhase.PLACEMENT, 18, 189_000 + 6 * 13_500),
    ],
)
def test_pmi_amounts(phase: PmiPhase, months: int | None, amount: int) -> None:
    assert pmi_dues(phase=phase, contract_months=months, rates=pmi()) == [
        Due(Programme.JKK_JKM, 0, amount)
    ]


@pytest.mark.parametrize(("months", "field"), [(5, "contract_months"), (None, "contract_months")])
def test_pmi_contract_months_required(months: int | None, field: str) -> None:
    with pytest.raises(ContributionInputError) as exc:
        pmi_dues(phase=PmiPhase.PLACEMENT, contract_months=months, rates=pmi())
    assert field in exc.value.errors


def test_pmi_jht_option() -> None:
    dues = pmi_dues(phase=PmiPhase.PLACEMENT, contract_months=24, rates=pmi(), jht_amount=100_000)
    assert dues[1] == Due(JHT, 0, 100_000)
    with pytest.raises(ContributionInputError) as exc:
        pmi_dues(phase=PmiPhase.PLACEMENT, contract_months=24, rates=pmi(), jht_amount=150_000)
    assert "jht_amount" in exc.value.errors


# --- breakdown: entry point, rows used -----------------------------------------------------


def test_breakdown_records_only_the_rows_it_used() -> None:
    result = breakdown(
        rates=pu(), inputs=Inputs(programmes=frozenset({JKK, JP}), wage=5_000_000, risk_group="II")
    )
    expected = {REF[r].id for r in [("pu_jkk_rate", "II"), ("pu_jp_rate", "employer"),
                                     ("pu_jp_rate", "worker"), ("jp_wage_cap", "")]}  # fmt: skip
    assert set(result.rule_row_ids) == expected
    assert [r.id for r in result.rules] == sorted(expected)


def test_breakdown_as_dict() -> None:
    result = breakdown(
        rates=bpu(), inputs=Inputs(programmes=frozenset({JKM, JKK}), income=1_000_000)
    )
    data = result.as_dict()
    assert {k: data[k] for k in ("segment", "month", "programmes", "total")} == {
        "segment": "BPU",
        "month": "2026-11",
        "programmes": {"JKK": 10_000, "JKM": 6_800},
        "total": 16_800,
    }
    assert [r["table"] for r in data["rules"]] == list(BPU_TABLES[:2] + BPU_TABLES[3:])


@pytest.mark.parametrize(
    ("rates", "inputs", "field"),
    [
        (pu(), Inputs(programmes=frozenset({JKK}), wage=5_000_000), "risk_group"),
        (pu(), Inputs(programmes=frozenset({JKK}), risk_group="I"), "wage"),
        (bpu(), Inputs(programmes=frozenset({JKK})), "income"),
        (pmi(), Inputs(programmes=frozenset({Programme.JKK_JKM})), "phase"),
        (pmi(), Inputs(programmes=frozenset({JKK}), phase=PmiPhase.PRE_PLACEMENT), "programmes"),
        (pmi(), Inputs(programmes=frozenset({JHT}), jht_amount=50_000), "programmes"),
        (
            pmi(),
            Inputs(programmes=frozenset({Programme.JKK_JKM, JHT}), phase=PmiPhase.PRE_PLACEMENT),
            "jht_amount",
        ),
        (
            RateSet(date(2026, 1, 1), BPU, ()),  # a rate set built without the BPU part
            Inputs(programmes=frozenset({JKK}), income=1_000_000),
            "month",
        ),
    ],
)
def test_breakdown_missing_inputs(rates: RateSet, inputs: Inputs, field: str) -> None:
    with pytest.raises(ContributionInputError) as exc:
        breakdown(rates=rates, inputs=inputs)
    assert field in exc.value.errors
