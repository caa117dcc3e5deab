"""The set-based run bills exactly what `rates.calculate` computes, membership by membership.

Across every segment billed monthly, all five risk groups, wages around the rounding edge and
above the JP cap, and months under PP 49/2020 (JKK/JKM * 1 %, JP 99 % deferred), PP 7/2025
(JKK * ½ for labour-intensive KBLI with at least 50 PU workers: 49 do not qualify), a JP cap
change on 1 March and a month before the BPU income maximum existed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from django.db.models import Count, Q

from lindungi.contributions.billing.plan import build_plan, due_on
from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.models import InvoiceLine
from lindungi.contributions.rates import calculate
from lindungi.reference.models import Region, RuleRow
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = pytest.mark.django_db

MONTHS = [date(2020, 9, 1), date(2025, 3, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
# Wages at the rounding edge (1,041,875 * 0.24 % = 2,500.5), odd values, and above the JP cap.
PU_WAGES = [1_041_875, 3_333_333, 4_000_000, 5_000_000, 7_777_777, 10_547_400, 12_000_000]
BPU_INCOMES = [1_000_000, 1_234_567, 3_500_001, 20_700_000]


def _village() -> str:
    return Region.objects.filter(level=4, code__startswith="6402").values_list("code", flat=True)[0]


def _workers(n: int, village: str, start: int) -> list[Worker]:
    return Worker.objects.bulk_create(
        Worker(
            full_name=f"Pekerja {start + i}",
            name_search=f"pekerja {start + i}",
            birth_date=date(1990, 1, 1),
            sex="L",
            village_id=village,
        )
        for i in range(n)
    )


def _employer(number: int, risk: int, kbli: str, village: str) -> Payer:
    employer = Employer.objects.create(
        npp=f"E{number:07d}",
        name=f"PT Uji {number}",
        kbli=kbli,
        size_class="medium",
        jkk_risk_group=risk,
        village_id=village,
    )
    return Payer.objects.create(kind="employer", employer=employer, label=employer.name)


def _membership(worker: Worker, payer: Payer, segment: str, wage: int, n: int) -> Membership:
    return Membership(
        worker=worker,
        segment=segment,
        payer=payer,
        jht=segment == "PU" or n % 2 == 0,
        jp=segment == "PU" and n % 3 != 0,
        jkp=segment == "PU" and n % 2 == 0,
        declared_wage=wage,
        start=date(2015, 7, 1),
    )


def _population() -> None:
    village = _village()
    pu: list[Membership] = []
    employers = [  # (risk group, KBLI, workers): 50 and 49 straddle PP 7/2025's minimum
        *((risk, "47111", len(PU_WAGES)) for risk in range(1, 6)),
        (3, "14111", 50),
        (2, "10110", 49),
        (4, "32401", 50),
    ]
    for number, (risk, kbli, size) in enumerate(employers, start=1):
        payer = _employer(number, risk, kbli, village)
        for n, worker in enumerate(_workers(size, village, number * 100)):
            pu.append(_membership(worker, payer, "PU", PU_WAGES[n % len(PU_WAGES)], n))
    jakon_payer = _employer(99, 5, "41011", village)
    for n, worker in enumerate(_workers(4, village, 9_900)):
        pu.append(_membership(worker, jakon_payer, "JAKON", PU_WAGES[n], n))
    for n, worker in enumerate(_workers(len(BPU_INCOMES) * 2, village, 10_000)):
        payer = Payer.objects.create(kind="self", worker=worker, label=worker.full_name)
        pu.append(_membership(worker, payer, "BPU", BPU_INCOMES[n % len(BPU_INCOMES)], n))
    Membership.objects.bulk_create(pu)


def _expected(month: date) -> dict[tuple[int, str], tuple[int, int]]:
    workforce = dict(
        Membership.objects.filter(segment="PU")
        .values_list("payer_id")
        .annotate(n=Count("id"))
        .values_list("payer_id", "n")
    )
    expected: dict[tuple[int, str], tuple[int, int]] = {}
    for m in Membership.objects.select_related("payer__employer"):
        result = calculate(**_inputs(m, month, workforce))
        for due in result.dues:
            if due.billed:
                expected[(m.pk, due.programme.value)] = (due.employer_share, due.worker_share)
    return expected


def _inputs(m: Membership, month: date, workforce: dict[int, int]) -> dict[str, Any]:
    offered = {"PU": ("JKK", "JKM", "JHT", "JP"), "BPU": ("JKK", "JKM", "JHT")}
    chosen = [p for p in m.programmes if p in offered.get(m.segment, ("JKK", "JKM"))]
    kwargs: dict[str, Any] = {"segment": m.segment, "month": month, "programmes": chosen}
    if m.segment == "BPU":
        return {**kwargs, "income": m.declared_wage}
    if m.segment == "PU":
        employer = m.payer.employer
        assert employer is not None
        kwargs.update(
            risk_group=employer.jkk_risk_group,
            kbli=employer.kbli,
            workers=workforce[m.payer_id],
        )
    return {**kwargs, "wage": m.declared_wage}


def _billed(month: date) -> dict[tuple[int, str], tuple[int, int]]:
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for membership, programme, er, wk in InvoiceLine.objects.filter(month=month).values_list(
        "membership_id", "programme", "employer_share", "worker_share"
    ):
        sums[(membership, programme)][0] += er
        sums[(membership, programme)][1] += wk
    return {k: (v[0], v[1]) for k, v in sums.items()}


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_sql_equals_calculator(month: date) -> None:
    _population()
    run = billing_run_execute(run_id=billing_run_request(month=month, actor=None).pk)
    billed, expected = _billed(month), _expected(month)
    assert billed == expected
    assert run.lines_created == len(expected)
    assert run.amount_billed == sum(er + wk for er, wk in expected.values())
    assert run.memberships_skipped == 0


def test_population_covers_the_cases() -> None:
    """The comparison above is only as good as the cases it meets."""
    _population()
    assert set(Employer.objects.values_list("jkk_risk_group", flat=True)) == {1, 2, 3, 4, 5}
    assert Membership.objects.filter(segment="PU", declared_wage__gt=11_086_300).exists()
    assert Membership.objects.filter(Q(segment="BPU") & Q(jht=True)).exists()
    plan = build_plan(date(2025, 3, 1), issued_on=date(2025, 3, 1))
    assert [c.min_workers for c in plan.conditions] == [50]
    assert build_plan(date(2020, 9, 1), issued_on=date(2020, 9, 1)).bpu_income_max is None


@pytest.mark.parametrize(
    ("month", "table", "due"),
    [
        (date(2026, 11, 1), "due_day_pu", date(2026, 12, 15)),  # PP 44/2015: 15th, next month
        (date(2026, 11, 1), "due_day_bpu", date(2026, 11, 15)),  # BPU: 15th, same month
        (date(2020, 9, 1), "due_day_pu", date(2020, 10, 30)),  # PP 49/2020: day 30
        (date(2021, 1, 1), "due_day_pu", date(2021, 2, 28)),  # day 30 of February: its last
        (date(2021, 2, 1), "due_day_pu", date(2021, 3, 15)),  # back to the 15th
        (date(2026, 12, 1), "due_day_pu", date(2027, 1, 15)),  # over the year end
    ],
)
def test_due_dates(month: date, table: str, due: date) -> None:
    row = RuleRow.objects.filter(table=table, valid_from__lte=month).order_by("-valid_from")[0]
    assert due_on(month, row) == due


def test_adjustments_fall_due_after_they_are_issued() -> None:
    plan = build_plan(date(2026, 9, 1), issued_on=date(2026, 11, 25))
    assert dict(plan.due) == {
        "employer:regular": date(2026, 10, 15),
        "employer:adjustment": date(2026, 12, 15),
        "self:regular": date(2026, 9, 15),
        "self:adjustment": date(2026, 11, 15),
    }
