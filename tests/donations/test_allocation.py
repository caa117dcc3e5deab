"""Allocation worked by hand: donations first received first, over beneficiaries' months in
enrolment order, at Rp16,800 a worker-month (Rp201,600 a worker for 12 months)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lindungi.accounts.models import User
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.core.models import AuditEvent
from lindungi.donations import funding, rules, selectors, services
from lindungi.donations.allocation import pool_allocate
from lindungi.donations.models import Allocation, Donation, Donor, Pool
from lindungi.programs.models import Beneficiary, Programme
from lindungi.programs.selectors import programme_scenario, scenario_costs
from lindungi.programs.services import ProgrammeInput, programme_create
from lindungi.registry.models import Worker

from .conftest import KUKAR

pytestmark = pytest.mark.django_db


def _rows(pool: Pool) -> list[tuple[int, int, int, int, date | None, date | None]]:
    return list(
        Allocation.objects.filter(pool=pool)
        .order_by("donation__received_on", "donation_id", "worker_id")
        .values_list("donation_id", "worker_id", "amount", "months", "first_month", "last_month")
    )


@pytest.fixture
def seven(
    programme: Programme,
    donor: Donor,
    give: Callable[..., Donation],
    make_worker: Callable[..., Worker],
    enrol: Callable[..., int],
) -> tuple[Donation, Donation, list[int]]:
    """Rp500,000 recorded first but received a day after Rp1,000,000; seven workers enrolled."""
    workers = [make_worker().pk for _ in range(9)]
    later = give(donor, 500_000, on=date(2026, 10, 2))
    earlier = give(donor, 1_000_000, on=date(2026, 10, 1))
    assert enrol(programme) == 7
    return earlier, later, workers[:7]


def test_two_donations_over_seven_workers(
    pool: Pool, seven: tuple[Donation, Donation, list[int]], branch_officer_kukar: User
) -> None:
    first, second, w = seven
    run = pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    jan, nov, dec = date(2027, 1, 1), date(2027, 11, 1), date(2027, 12, 1)
    # 1,000,000 = four workers x 201,600 + 193,600 of the fifth: 11 of its months (184,800)
    # and 8,800 of its December, which the second donation completes with 8,000.
    # 500,000 = 8,000 + two workers x 201,600 = 411,200; 88,800 is left (no eighth worker).
    assert _rows(pool) == [
        (first.pk, w[0], 201_600, 12, jan, dec),
        (first.pk, w[1], 201_600, 12, jan, dec),
        (first.pk, w[2], 201_600, 12, jan, dec),
        (first.pk, w[3], 201_600, 12, jan, dec),
        (first.pk, w[4], 193_600, 11, jan, nov),
        (second.pk, w[4], 8_000, 1, dec, dec),
        (second.pk, w[5], 201_600, 12, jan, dec),
        (second.pk, w[6], 201_600, 12, jan, dec),
    ]
    assert (run.funded, run.allocated, run.unallocated) == (1_500_000, 1_411_200, 88_800)
    assert (run.paid_months, run.worker_months, run.unpaid_months) == (84, 84, 0)
    assert run.beneficiaries == 7
    assert run.month_costs[0] == ["2027-01", 16_800]
    event = AuditEvent.objects.filter(action="pool.allocate").get()
    assert event.after == {
        "run": run.pk,
        "funded": 1_500_000,
        "allocated": 1_411_200,
        "paid_months": 84,
        "worker_months": 84,
    }


def test_a_second_run_changes_nothing(
    pool: Pool, seven: tuple[Donation, Donation, list[int]], branch_officer_kukar: User
) -> None:
    run = pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    ids = list(Allocation.objects.order_by("id").values_list("id", flat=True))
    events = AuditEvent.objects.count()
    again = pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    assert again.pk == run.pk
    assert list(Allocation.objects.order_by("id").values_list("id", flat=True)) == ids
    assert AuditEvent.objects.count() == events
    pool.refresh_from_db()
    assert not selectors.pool_balance(pool).stale


def test_after_a_reversal_the_money_left_is_spread_again(
    pool: Pool, seven: tuple[Donation, Donation, list[int]], branch_officer_kukar: User
) -> None:
    first, second, w = seven
    pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    funding.donation_reverse(donation_id=first.pk, reason="ditolak", actor=branch_officer_kukar)
    pool.refresh_from_db()
    assert selectors.pool_balance(pool).stale
    run = pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    jan, may, dec = date(2027, 1, 1), date(2027, 5, 1), date(2027, 12, 1)
    # 500,000 = two workers (403,200) + 96,800 of the third: 5 months (84,000) and 12,800.
    assert _rows(pool) == [
        (second.pk, w[0], 201_600, 12, jan, dec),
        (second.pk, w[1], 201_600, 12, jan, dec),
        (second.pk, w[2], 96_800, 5, jan, may),
    ]
    assert (run.funded, run.allocated, run.paid_months, run.unpaid_months) == (
        500_000,
        500_000,
        29,
        55,
    )
    balance = selectors.pool_balance(pool)
    assert (balance.funded, balance.committed, balance.shortfall) == (500_000, 1_411_200, 911_200)


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("planner_kukar", PermissionDenied),
        ("gn_user", PermissionDenied),
        ("branch_officer_kubu_raya", NotFound),
    ],
)
def test_allocation_is_refused_and_changes_nothing(
    persona: str,
    error: type[Exception],
    pool: Pool,
    seven: tuple[Donation, Donation, list[int]],
    counts: Callable[[], dict[str, int]],
    request: pytest.FixtureRequest,
) -> None:
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(error):
        pool_allocate(pool_id=pool.pk, actor=actor)
    assert counts() == before


# --- the SQL against the rule in plain Python -----------------------------------------------


def test_uneven_months_and_periods_match_the_pure_rule(
    admin: User,
    gn_sponsor: object,
    branch_officer_kukar: User,
    make_worker: Callable[..., Worker],
    give: Callable[..., Donation],
    enrol: Callable[..., int],
) -> None:
    """PP 49/2020: from 2020-08 new participants pay 16,800 for two months, then 168."""
    data = ProgrammeInput(
        name="GN 2020",
        budget_source="donation",
        fiscal_year=2020,
        budget=1_000_000,
        start_month=date(2020, 8, 1),
        months=6,
        sponsor_id=gn_sponsor.pk,  # type: ignore[attr-defined]
        region_code=KUKAR,
    )
    programme = programme_create(data=data, actor=admin)
    pool = services.pool_open(programme_id=programme.pk, actor=branch_officer_kukar)
    donor = services.donor_create(
        pool_id=pool.pk, kind="individual", name="Budi", actor=branch_officer_kukar
    )
    for _ in range(12):
        make_worker()
    for amount in (50_000, 17_000, 1_000, 33_272, 70_000, 100):
        give(donor, amount)
    enrol(programme)
    # A worker taken on later (a refill) is paid from its own first month.
    late = Beneficiary.objects.filter(programme=programme).order_by("id")[2]
    Beneficiary.objects.filter(pk=late.pk).update(start=date(2020, 10, 1))
    pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)

    costs = scenario_costs(programme_scenario(programme))
    assert [c.amount for c in costs] == [16_800, 16_800, 168, 168, 168, 168]
    expected = rules.allocate(
        donations=[(d.pk, d.amount) for d in Donation.objects.order_by("received_on", "id")],
        beneficiaries=[
            rules.Beneficiary(
                b.worker_id,
                tuple((c.month, c.amount) for c in costs if b.start <= c.month < b.end),
            )
            for b in Beneficiary.objects.filter(programme=programme).order_by("id")
        ],
    )
    assert _rows(pool) == [
        (p.donation, p.worker, p.amount, p.months, p.first, p.last) for p in expected
    ]
    assert sum(p.months for p in expected) > 0
