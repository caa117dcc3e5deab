"""GN Lingkaran fixtures: a GN Lingkaran sponsor with a Kutai Kartanegara programme and its
pool, a CSR company that donates into it (with a user), workers, and helpers that record
donations and enrol beneficiaries through the real services.

The programme starts 2027-01 for 12 months of JKK + JKM at Rp1,000,000: Rp16,800 a month,
Rp201,600 a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.core.access import OrgKind, Role
from lindungi.core.models import AuditEvent
from lindungi.donations import funding, services
from lindungi.donations.models import (
    Allocation,
    AllocationRun,
    Donation,
    Donor,
    Pledge,
    Pool,
    Receipt,
)
from lindungi.programs.models import Beneficiary, Programme, Sponsor
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.services import ProgrammeInput, programme_create, programme_transition
from lindungi.registry.models import Worker

KUKAR = "6402"
KUKAR_VILLAGE = "6402012001"
OTHER_KUKAR_VILLAGE = "6402012002"
START = date(2027, 1, 1)
PER_MONTH, PER_WORKER = 16_800, 201_600


@pytest.fixture
def gn_sponsor(db: None) -> Sponsor:
    return Sponsor.objects.create(name="GN Lingkaran Kukar", kind="gn_lingkaran", region_id=KUKAR)


@pytest.fixture
def csr_company(db: None) -> Sponsor:
    return Sponsor.objects.create(name="PT Peduli Pekerja", kind="csr", region_id=None)


@pytest.fixture
def csr_user(make_user: Callable[..., User], csr_company: Sponsor) -> User:
    """A user of the CSR company that gives into the pool: sees its own donor rows only."""
    return make_user("csr_peduli", Role.SPONSOR, "", OrgKind.SPONSOR, csr_company.pk)


@pytest.fixture
def gn_user(make_user: Callable[..., User], gn_sponsor: Sponsor) -> User:
    """A user of the GN Lingkaran sponsor that leads the programme: sees the whole pool."""
    return make_user("gn_kukar", Role.SPONSOR, KUKAR, OrgKind.SPONSOR, gn_sponsor.pk)


@pytest.fixture
def programme(admin: User, gn_sponsor: Sponsor) -> Programme:
    data = ProgrammeInput(
        name="GN Lingkaran Kukar 2027",
        budget_source="donation",
        fiscal_year=2027,
        budget=50_000_000,
        start_month=START,
        months=12,
        sponsor_id=gn_sponsor.pk,
        region_code=KUKAR,
    )
    return programme_create(data=data, actor=admin)


@pytest.fixture
def pool(programme: Programme, branch_officer_kukar: User) -> Pool:
    return services.pool_open(programme_id=programme.pk, actor=branch_officer_kukar)


@pytest.fixture
def donor(pool: Pool, branch_officer_kukar: User, csr_company: Sponsor) -> Donor:
    return services.donor_create(
        pool_id=pool.pk,
        kind="organisation",
        name="PT Peduli Pekerja",
        sponsor_id=csr_company.pk,
        actor=branch_officer_kukar,
    )


@pytest.fixture
def person(pool: Pool, branch_officer_kukar: User) -> Donor:
    return services.donor_create(
        pool_id=pool.pk, kind="individual", name="Siti Rahmawati", actor=branch_officer_kukar
    )


@pytest.fixture
def give(branch_officer_kukar: User) -> Callable[..., Donation]:
    counter = iter(range(1, 100_000))

    def make(donor: Donor, amount: int, on: date = date(2026, 10, 1), **extra: Any) -> Donation:
        values: dict[str, Any] = {
            "pool_id": donor.pool_id,
            "donor_id": donor.pk,
            "amount": amount,
            "received_on": on,
            "channel": "transfer",
            "reference": f"TRF{next(counter):06d}",
            "actor": branch_officer_kukar,
        }
        return funding.donation_record(**(values | extra))

    return make


@pytest.fixture
def make_worker(db: None) -> Callable[..., Worker]:
    counter = iter(range(1, 100_000))

    def make(**values: Any) -> Worker:
        n = next(counter)
        defaults: dict[str, Any] = {
            "full_name": f"Nelayan Rahasia {n}",
            "name_search": f"nelayan rahasia {n}",
            "birth_date": date(1980, 1, 1),
            "sex": "L",
            "village_id": KUKAR_VILLAGE,
            "welfare_decile": 1,
            "source": "demo",
        }
        return Worker.objects.create(**(defaults | values))

    return make


@pytest.fixture
def enrol(admin: User, planner_kukar: User) -> Callable[..., int]:
    """Submit (admin), approve (the regency planner), select and enrol as many as it pays."""

    def run(programme: Programme, count: int | None = None) -> int:
        programme.refresh_from_db()
        if programme.status == "draft":
            programme_transition(programme_id=programme.pk, to="submitted", actor=admin)
            programme_transition(programme_id=programme.pk, to="approved", actor=planner_kukar)
        programme_select(programme_id=programme.pk, actor=planner_kukar)
        batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=count)
        return batch.workers

    return run


@pytest.fixture
def counts(db: None) -> Callable[[], dict[str, int]]:
    """Rows of every table a donations write touches, to show a refusal changed nothing."""

    def count() -> dict[str, int]:
        models = (Pool, Donor, Pledge, Donation, Receipt, AllocationRun, Allocation, Beneficiary)
        rows = {m.__name__: m.objects.count() for m in models}
        budgets = list(Programme.objects.order_by("id").values_list("budget", flat=True))
        return rows | {"audit": AuditEvent.objects.count(), "budgets": hash(tuple(budgets))}

    return count
