"""The demo's GN Lingkaran pool, made through the services by the demo personas."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.core.models import AuditEvent
from lindungi.donations.demo import demo_donations
from lindungi.donations.models import Allocation, Donation, Donor, Pool, Receipt
from lindungi.programs.demo import demo_programmes
from lindungi.registry.demo.service import demo_generate, demo_logins_ensure, first_demo_employer

pytestmark = pytest.mark.django_db


def test_demo_pool_once_funded_allocated_and_readable_by_the_csr_login() -> None:
    demo_generate(workers=1_500, seed=7)
    demo_logins_ensure(password="demo-test-pass", employer_id=first_demo_employer())
    demo_programmes(start=date(2026, 12, 1))
    assert demo_donations(start=date(2026, 12, 1)) == 1
    pool = Pool.objects.get()
    pool.programme.refresh_from_db()
    assert pool.programme.budget == 19_500_000
    assert Receipt.objects.count() == Donation.objects.count() == 4
    company = Donor.objects.get(kind="organisation")
    assert company.sponsor is not None
    assert company.sponsor.name == "Mitra CSR"
    assert pool.programme.status == "active"
    assert Allocation.objects.filter(pool=pool).count() > 0
    rows = {m: m.objects.count() for m in (Pool, Donor, Donation, Allocation)}
    events = AuditEvent.objects.count()
    assert demo_donations(start=date(2026, 12, 1)) == 0
    assert {m: m.objects.count() for m in rows} == rows
    assert AuditEvent.objects.count() == events
