"""Planner figures worked from the regulation, through the contribution calculator."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from lindungi.cli import main
from lindungi.contributions.rules import Programme
from lindungi.programs import planner, selectors

pytestmark = pytest.mark.django_db
JKK_JKM = frozenset({Programme.JKK, Programme.JKM})
WITH_JHT = JKK_JKM | {Programme.JHT}


def _scenario(
    start: str, months: int, programmes: frozenset[Programme] = JKK_JKM, income: int = 1_000_000
) -> planner.Scenario:
    return planner.Scenario("", date.fromisoformat(f"{start}-01"), months, programmes, income)


@pytest.mark.parametrize(
    ("start", "months", "programmes", "income", "budget", "per_worker", "workers", "remainder"),
    [
        # Issue 5: PP 44/2015 JKK 1 % of Rp1,000,000 + JKM Rp6,800 = 16,800 a month.
        ("2027-01", 12, JKK_JKM, 1_000_000, 1_000_000_000, 201_600, 4_960, 64_000),
        # + JHT 2 % (PP 46/2015): 36,800 a month.
        ("2027-01", 12, WITH_JHT, 1_000_000, 1_000_000_000, 441_600, 2_264, 217_600),
        # Rp2,000,000 declared: JKK 20,000 + JKM 6,800 = 26,800.
        ("2027-01", 6, JKK_JKM, 2_000_000, 100_000_000, 160_800, 621, 143_200),
        # Maximum bracket Rp20,700,000: JKK 207,000 + JKM 6,800.
        ("2026-11", 1, JKK_JKM, 20_700_000, 1_000_000, 213_800, 4, 144_800),
        # PP 49/2020: Aug 2020 - Jan 2021 JKK and JKM x 0.01 (100 + 68 = 168), but new
        # participants pay in full for their first 2 months: Jun, Jul full (no discount yet),
        # Aug..Jan discounted (Aug is the 3rd month), Feb..May full.
        ("2020-06", 12, JKK_JKM, 1_000_000, 1_000_000_000, 6 * 16_800 + 6 * 168, 9_822, 41_824),
        # Starting Aug 2020: Aug and Sep full (first 2 months), Oct..Jan at 168.
        ("2020-08", 6, JKK_JKM, 1_000_000, 1_000_000, 2 * 16_800 + 4 * 168, 29, 6_112),
        # JHT is not discounted: 20,000 a month throughout.
        (
            "2020-10",
            4,
            WITH_JHT,
            1_000_000,
            1_000_000,
            2 * 36_800 + 2 * 20_168,
            8,
            1_000_000 - 8 * 113_936,
        ),
    ],
)
def test_workers_for_budget(
    start: str,
    months: int,
    programmes: frozenset[Programme],
    income: int,
    budget: int,
    per_worker: int,
    workers: int,
    remainder: int,
) -> None:
    plan = selectors.plan(_scenario(start, months, programmes, income), budget=budget)
    assert (plan.per_worker, plan.workers, plan.remainder) == (per_worker, workers, remainder)
    assert plan.cost == workers * per_worker
    assert plan.cost + plan.remainder == budget


def test_discounted_months_are_marked_with_their_rule() -> None:
    plan = selectors.plan(_scenario("2020-07", 3), budget=1_000_000)
    assert [(m.month.month, m.amount, m.relief) for m in plan.monthly] == [
        (7, 16_800, False),
        (8, 16_800, False),  # 2nd month of a new participant: full
        (9, 168, True),
    ]
    assert {r.regulation for r in plan.monthly[2].rules if r.table == "discount"} == {
        "PP 49/2020 Pasal 9"
    }


def test_existing_participants_get_the_discount_from_the_first_month() -> None:
    scenario = _scenario("2020-08", 6)
    costs = planner.month_costs(
        rate_sets=selectors.rate_sets(scenario.start, 6),
        programmes=scenario.programmes,
        income=1_000_000,
        new_participants=False,
    )
    assert sum(m.amount for m in costs) == 6 * 168


@pytest.mark.parametrize(
    ("workers", "months", "budget"),
    [(4_960, 12, 999_936_000), (35_000, 12, 7_056_000_000), (1, 1, 16_800)],
)
def test_budget_for_workers(workers: int, months: int, budget: int) -> None:
    plan = selectors.plan(_scenario("2027-01", months), workers=workers)
    assert (plan.workers, plan.cost, plan.budget, plan.remainder) == (workers, budget, budget, 0)


def test_zero_budget_protects_nobody() -> None:
    plan = selectors.plan(_scenario("2027-01", 12), budget=0)
    assert (plan.workers, plan.cost, plan.remainder) == (0, 0, 0)


def test_compare_scenarios_side_by_side() -> None:
    scenarios = [
        _scenario("2027-01", 12),
        _scenario("2027-01", 6),
        _scenario("2027-01", 12, WITH_JHT),
    ]
    result = selectors.compare(1_000_000_000, scenarios)
    assert [(p.workers, p.worker_months, p.remainder) for p in result.plans] == [
        (4_960, 59_520, 64_000),
        (9_920, 59_520, 64_000),
        (2_264, 27_168, 217_600),
    ]
    assert (result.most_workers, result.most_worker_months) == (1, 0)  # tie → earlier


def test_income_outside_bracket_is_refused() -> None:
    from lindungi.contributions.rules import IncomeOutOfRange

    with pytest.raises(IncomeOutOfRange):
        selectors.plan(_scenario("2027-01", 12, income=999_999), budget=1_000_000)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["plan", *args])
    return result.exit_code, result.output


def test_cli_json_worked_figure() -> None:
    code, output = _cli(
        *("--budget", "1000000000", "--months", "12", "--programs", "JKK,JKM"),
        *("--income", "1000000", "--start", "2027-01", "--json"),
    )
    assert code == 0, output
    data = json.loads(output)
    assert (data["workers"], data["cost"], data["remainder"]) == (4_960, 999_936_000, 64_000)
    assert data["per_worker"] == 201_600
    assert [m["amount"] for m in data["monthly"]] == [16_800] * 12


def test_cli_human_and_inverse() -> None:
    code, output = _cli("--workers", "100", "--months", "12", "--start", "2027-01")
    assert code == 0, output
    assert "Pekerja (workers): 100" in output
    assert "Biaya (cost): Rp20.160.000" in output
    assert "Sisa (remainder): Rp0" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--months", "12"), "--budget atau --workers"),
        (("--budget", "1000", "--months", "12", "--programs", "JKK"), "JKK dan JKM wajib"),
        (
            ("--budget", "1000", "--months", "12", "--programs", "JKK,JKM,JP"),
            "Program JP tidak tersedia",
        ),
        (("--budget", "1000", "--months", "12", "--programs", "JKK,JKM,XYZ"), "pilih dari"),
        (("--budget", "1000", "--months", "12", "--income", "500000"), "1.000.000"),
        (("--budget", "1000", "--months", "12", "--start", "2027-13"), "bukan bulan"),
    ],
)
def test_cli_errors(args: tuple[str, ...], message: str) -> None:
    code, output = _cli(*args)
    assert code != 0
    assert message in output
