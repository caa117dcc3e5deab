"""Donations recorded at the same time from many connections: every receipt number taken once,
none skipped. PostgreSQL only: the threads commit through their own connections while the pool
and sequence row locks serialise them (SQLite has one writer at a time anyway)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from django.db import connections

from lindungi.accounts.models import User
from lindungi.accounts.services import user_create
from lindungi.core.access import Role
from lindungi.donations import funding, services
from lindungi.donations.models import Receipt
from lindungi.programs.models import Sponsor
from lindungi.programs.services import ProgrammeInput, programme_create
from lindungi.reference.models import Region

THREADS, EACH = 6, 10


# Skipped at collection on SQLite, before a transactional test's flush (which SQLite's
# append-only triggers would refuse) is set up.
pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are a PostgreSQL matter; SQLite has one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def committed() -> Iterator[None]:
    if not Region.objects.filter(code="6402012001").exists():
        from lindungi.reference.services import reference_load

        reference_load(actor=None)
    return  # the flush after a transactional test truncates everything written here


def _admin_and_officer() -> User:
    admin = user_create(username="admin_x", password="rahasia-uji-123", role=Role.ADMIN, actor=None)
    user_create(
        username="cabang_x",
        password="rahasia-uji-123",
        role=Role.BRANCH_OFFICER,
        region_scope="6402",
        actor=None,
    )
    return admin


def test_concurrent_donations_take_consecutive_receipt_numbers(committed: None) -> None:
    admin = _admin_and_officer()
    officer = User.objects.get(username="cabang_x")
    sponsor = Sponsor.objects.create(name="GN", kind="gn_lingkaran", region_id="6402")
    programme = programme_create(
        data=ProgrammeInput(
            name="GN",
            budget_source="donation",
            fiscal_year=2027,
            budget=1_000_000,
            start_month=date(2027, 1, 1),
            months=12,
            sponsor_id=sponsor.pk,
            region_code="6402",
        ),
        actor=admin,
    )
    pool = services.pool_open(programme_id=programme.pk, actor=officer)
    donor = services.donor_create(pool_id=pool.pk, kind="individual", name="A", actor=officer)
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def record(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EACH):
                funding.donation_record(
                    pool_id=pool.pk,
                    donor_id=donor.pk,
                    amount=10_000,
                    received_on=date(2026, 10, 1),
                    channel="qris",
                    reference=f"T{n}-{i}",
                    actor=officer,
                )
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    seqs = sorted(Receipt.objects.filter(pool=pool).values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    programme.refresh_from_db()
    assert programme.budget == THREADS * EACH * 10_000
