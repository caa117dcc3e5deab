"""The calculator over the loaded rule tables: REGULATIONS.md §1 figures, end to end.

The root conftest loads the vendored reference data once per session.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lindungi.contributions.rates import NoRuleInForce, calculate, rate_set_for
from lindungi.contributions.rules import (
    ContributionInputError,
    Due,
    IncomeOutOfRange,
    Programme,
    Segment,
)
from lindungi.reference.models import RuleRow

pytestmark = pytest.mark.django_db

JKK, JKM, JHT, JP, JKP = Programme.JKK, Programme.JKM, Programme.JHT, Programme.JP, Programme.JKP


def _row(table: str, key: str = "", *, valid_from: date | None = None) -> RuleRow:
    rows = RuleRow.objects.filter(table=table, key=key)
    return rows.get(valid_from=valid_from) if valid_from else rows.get()


def _amounts(result: Any) -> dict[str, tuple[int, int, int, int]]:
    return {
        d.programme.value: (d.employer_share, d.worker_share, d.government_share, d.deferred)
        for d in result.dues
    }


@pytest.mark.parametrize(
    ("month", "kwargs", "expected", "total"),
    [
        ("2026-11", {"income": 1_000_000}, {"JKK": 10_000, "JKM": 6_800}, 16_800),
        (
            "2026-11",
            {"income": 1_000_000, "programmes": "JKK,JKM,JHT"},
            {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000},
            36_800,
        ),
        ("2026-11", {"income": 20_700_000, "programmes": "JKK"}, {"JKK": 207_000}, 207_000),
        ("2020-09", {"income": 1_000_000}, {"JKK": 100, "JKM": 68}, 168),  # PP 49/2020
        ("2020-07", {"income": 1_000_000}, {"JKK": 10_000, "JKM": 6_800}, 16_800),
        ("2021-02", {"income": 1_000_000}, {"JKK": 10_000, "JKM": 6_800}, 16_800),
    ],
)
def test_bpu(month: str, kwargs: dict[str, Any], expected: dict[str, int], total: int) -> None:
    programmes = kwargs.pop("programmes", "JKK,JKM").split(",")
    result = calculate(
        segment="BPU", month=date.fromisoformat(f"{month}-01"), programmes=programmes, **kwargs
    )
    assert {d.programme.value: d.worker_share for d in result.dues} == expected
    assert result.total == total


def test_bpu_income_bounds_come_from_the_table() -> None:
    with pytest.raises(IncomeOutOfRange) as exc:
        calculate(segment="BPU", month=date(2026, 11, 1), programmes=["JKK"], income=20_700_001)
    assert "Rp20.700.000" in exc.value.errors["income"][0]


def test_pu_wage_5_000_000_group_i() -> None:
    result = calculate(
        segment="PU",
        month=date(2026, 11, 1),
        programmes=["JKK", "JKM", "JHT", "JP", "JKP"],
        wage=5_000_000,
        risk_group="I",
    )
    assert _amounts(result) == {
        "JKK": (12_000, 0, 0, 0),
        "JKM": (15_000, 0, 0, 0),
        "JHT": (185_000, 100_000, 0, 0),
        "JP": (100_000, 50_000, 0, 0),
        "JKP": (0, 0, 11_000, 0),
    }
    assert result.total == 462_000


@pytest.mark.parametrize(
    ("month", "employer", "worker", "cap_from"),
    [
        (date(2026, 2, 1), 210_948, 105_474, date(2025, 3, 1)),  # cap 10,547,400
        (date(2026, 3, 1), 221_726, 110_863, date(2026, 3, 1)),  # cap 11,086,300
        (date(2026, 3, 31), 221_726, 110_863, date(2026, 3, 1)),  # any day names its month
        (date(2024, 2, 1), 191_192, 95_596, date(2023, 3, 1)),  # cap 9,559,600
    ],
)
def test_pu_jp_cap_of_the_month(month: date, employer: int, worker: int, cap_from: date) -> None:
    result = calculate(segment="PU", month=month, programmes=["JP"], wage=12_000_000, risk_group=1)
    assert result.dues == [Due(JP, employer, worker)]
    assert result.month == month.replace(day=1)
    assert _row("jp_wage_cap", valid_from=cap_from).pk in result.rule_row_ids


@pytest.mark.parametrize(
    ("month", "workers", "jkk", "discounted"),
    [
        (date(2025, 1, 1), 60, 35_600, False),
        (date(2025, 2, 1), 60, 17_800, True),  # PP 7/2025
        (date(2025, 3, 1), 60, 17_800, True),
        (date(2025, 3, 1), 40, 35_600, False),
        (date(2025, 7, 1), 60, 17_800, True),
        (date(2025, 8, 1), 60, 17_800, True),  # PP 36/2025 extension, UNVERIFIED
        (date(2026, 1, 1), 60, 17_800, True),
        (date(2026, 2, 1), 60, 35_600, False),
    ],
)
def test_pp_7_2025_padat_karya(month: date, workers: int, jkk: int, discounted: bool) -> None:
    result = calculate(
        segment="PU",
        month=month,
        programmes=["JKK", "JKM"],
        wage=4_000_000,
        risk_group="III",
        kbli="14111",
        workers=workers,
    )
    assert _amounts(result)["JKK"] == (jkk, 0, 0, 0)
    assert _amounts(result)["JKM"] == (12_000, 0, 0, 0)  # JKM is not discounted
    regulations = {ref.regulation for ref in result.rules}
    assert bool(regulations & {"PP 7/2025", "PP 36/2025 (amends PP 7/2025)"}) is discounted


def test_pu_pp_49_2020_with_jp_deferral() -> None:
    result = calculate(
        segment="PU",
        month=date(2020, 9, 1),
        programmes=["JKK", "JKM", "JP"],
        wage=5_000_000,
        risk_group="I",
    )
    assert _amounts(result) == {
        "JKK": (120, 0, 0, 0),
        "JKM": (150, 0, 0, 0),
        "JP": (1_000, 500, 0, 148_500),
    }
    assert result.total == 1_770
    assert result.deferred == 148_500
    assert {_row("discount", "jkk_jkm").pk, _row("jp_deferral").pk} <= set(result.rule_row_ids)


def test_jakon_contract_value_marginal() -> None:
    result = calculate(
        segment="JAKON",
        month=date(2026, 11, 1),
        programmes=["JKK", "JKM"],
        contract_value=2_000_000_000,
    )
    assert _amounts(result) == {"JKK": (2_640_000, 0, 0, 0), "JKM": (310_000, 0, 0, 0)}
    assert result.total == 2_950_000
    tiers = RuleRow.objects.filter(table="jakon_tier").values_list("pk", flat=True)
    assert set(result.rule_row_ids) == set(tiers)


def test_jakon_wages_known() -> None:
    result = calculate(
        segment="JAKON", month=date(2026, 11, 1), programmes=["JKK", "JKM"], wage=5_000_000
    )
    assert _amounts(result) == {"JKK": (87_000, 0, 0, 0), "JKM": (15_000, 0, 0, 0)}
    assert set(result.rule_row_ids) == {
        _row("jakon_wages_known", "jkk").pk,
        _row("jakon_wages_known", "jkm").pk,
    }


@pytest.mark.parametrize(
    ("kwargs", "total"),
    [
        ({"phase": "pre_placement"}, 37_500),
        ({"phase": "placement", "contract_months": 24}, 332_500),
        ({"phase": "placement", "contract_months": 12}, 189_000),
        ({"phase": "placement", "contract_months": 6}, 108_000),
        ({"phase": "placement", "contract_months": 27}, 373_000),  # + 3 x 13,500
    ],
)
def test_pmi(kwargs: dict[str, Any], total: int) -> None:
    result = calculate(segment="PMI", month=date(2026, 11, 1), programmes=["JKK+JKM"], **kwargs)
    assert result.total == total


def test_pmi_with_jht() -> None:
    result = calculate(
        segment="PMI",
        month=date(2026, 11, 1),
        programmes=["JKK+JKM", "JHT"],
        phase="placement",
        contract_months=24,
        jht_amount=200_000,
    )
    assert result.dues == [Due(Programme.JKK_JKM, 0, 332_500), Due(JHT, 0, 200_000)]
    assert _row("pmi_jht_option", "3").pk in result.rule_row_ids


def test_jkp_follows_its_regulation() -> None:
    """Rules in force on the 1st: Feb 2025 is still PP 37/2021, Mar 2025 is PP 6/2025."""
    old = rate_set_for(date(2025, 2, 1), segment=Segment.PU)
    new = rate_set_for(date(2025, 3, 1), segment=Segment.PU)
    assert [r.regulation for r in old.refs("jkp_rate")] == ["PP 37/2021"]
    assert [r.regulation for r in new.refs("jkp_rate")] == ["PP 6/2025 Pasal 11"]
    assert old.pu is not None
    assert old.pu.jkp is not None
    assert (old.pu.jkp.government, old.pu.jkp.wage_cap) == (Decimal("0.0022"), 5_000_000)
    before = rate_set_for(date(2020, 9, 1), segment=Segment.PU)
    assert before.pu is not None
    assert before.pu.jkp is None


def test_rate_set_records_every_row_read() -> None:
    rates = rate_set_for(date(2026, 11, 1), segment="bpu")
    expected = RuleRow.objects.filter(
        table__in=[
            "bpu_jkk_rate",
            "bpu_jkm_flat",
            "bpu_jht_rate",
            "bpu_income_min",
            "bpu_income_max",
        ]
    ).values_list("pk", flat=True)
    assert rates.rule_row_ids == tuple(sorted(expected))
    assert rates.discounts == ()
    assert rates.bpu is not None
    assert (rates.bpu.income_min, rates.bpu.income_max) == (1_000_000, 20_700_000)


def test_bpu_has_no_maximum_before_permenaker_5_2021() -> None:
    rates = rate_set_for(date(2021, 3, 1), segment="BPU")
    assert rates.bpu is not None
    assert rates.bpu.income_max is None


@pytest.mark.parametrize(
    ("segment", "queries"),
    [("PU", 8), ("BPU", 6), ("JAKON", 3), ("PMI", 3)],
)
def test_rate_set_query_count(segment: str, queries: int, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(queries):
        rate_set_for(date(2026, 11, 1), segment=segment)


def test_an_edited_rule_row_changes_the_result() -> None:
    """Figures are read from the table, not from code: an administrator's new cap is used."""
    current = _row("jp_wage_cap", valid_from=date(2026, 3, 1))
    RuleRow.objects.filter(pk=current.pk).update(valid_to=date(2027, 3, 1))
    new = RuleRow.objects.create(
        table="jp_wage_cap",
        valid_from=date(2027, 3, 1),
        value=Decimal(12_000_000),
        regulation="test",
        source="test",
    )
    result = calculate(
        segment="PU", month=date(2027, 3, 1), programmes=["JP"], wage=20_000_000, risk_group="I"
    )
    assert result.dues == [Due(JP, 240_000, 120_000)]
    assert new.pk in result.rule_row_ids


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"segment": "PU", "month": date(2015, 6, 1)}, NoRuleInForce, "month"),
        ({"segment": "PMI", "month": date(2022, 12, 1)}, NoRuleInForce, "month"),
        ({"segment": "XX"}, ContributionInputError, "segment"),
        ({"segment": "PU", "programmes": ["JKK", "JKX"]}, ContributionInputError, "programmes"),
        ({"segment": "PU", "risk_group": 6}, ContributionInputError, "risk_group"),
        (
            {"segment": "PU", "programmes": ["JKP"], "month": date(2020, 9, 1)},
            ContributionInputError,
            "programmes",
        ),
        ({"segment": "PMI", "phase": "during"}, ContributionInputError, "phase"),
    ],
)
def test_bad_inputs(kwargs: dict[str, Any], error: type[Exception], field: str) -> None:
    arguments: dict[str, Any] = {
        "month": date(2026, 11, 1),
        "programmes": ["JKK"],
        "wage": 5_000_000,
        "risk_group": "I",
        "phase": "pre_placement",
        **kwargs,
    }
    with pytest.raises(error) as exc:
        calculate(**arguments)
    assert field in exc.value.errors  # type: ignore[attr-defined]
