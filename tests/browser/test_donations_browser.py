"""A branch officer in a real browser: open a GN Lingkaran pool, register a donor, record a
donation (receipt), allocate after enrolment, and read the donor's impact report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.core.access import Role
from lindungi.donations.models import Pool, Receipt
from lindungi.programs.models import Programme, Sponsor
from lindungi.programs.services import ProgrammeInput, programme_create
from lindungi.registry.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def donation_triggers_lifted_for_flush(audit_triggers_lifted_for_flush: None) -> Iterator[None]:
    """Donations and receipts are append-only; the flush after this test deletes them."""
    yield
    from django.db import connection

    from lindungi.donations.triggers import append_only_triggers

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for trigger in append_only_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


@pytest.fixture
def gn_programme(reference_data: None, admin: User) -> Programme:
    for i in range(3):
        Worker.objects.create(
            full_name=f"Petani Rahasia {i}",
            name_search=f"petani rahasia {i}",
            birth_date=date(1980, 1, 1),
            sex="P",
            village_id="6402012001",
            welfare_decile=1,
            occupation_id="petani",
        )
    sponsor = Sponsor.objects.create(
        name="GN Lingkaran Kukar", kind="gn_lingkaran", region_id="6402"
    )
    return programme_create(
        data=ProgrammeInput(
            name="GN Lingkaran Kukar 2027",
            budget_source="donation",
            fiscal_year=2027,
            budget=10_000_000,
            start_month=date(2027, 1, 1),
            months=12,
            sponsor_id=sponsor.pk,
            region_code="6402",
        ),
        actor=admin,
    )


def test_branch_officer_runs_a_pool_and_reads_the_impact_report(
    live_server: Any,
    login: Callable[[Any], Any],
    branch_officer_kukar: User,
    admin: User,
    make_user: Callable[..., User],
    gn_programme: Programme,
    donation_triggers_lifted_for_flush: None,
) -> None:
    from lindungi.programs.selection import programme_enrol, programme_select
    from lindungi.programs.services import programme_transition

    page = login(branch_officer_kukar)
    page.click("nav >> text=Donasi")
    page.select_option("#id_programme", str(gn_programme.pk))
    page.click("button:has-text('Buka pool donasi')")
    page.wait_for_selector("#balance")
    pool = Pool.objects.get()

    page.click("text=Daftarkan donatur")
    page.select_option("#id_kind", "individual")
    page.fill("#id_name", "Siti Rahmawati")
    page.click("button:has-text('Simpan')")
    page.wait_for_selector("#donors")
    assert "Siti Rahmawati" in page.inner_text("#donors")

    page.click("text=Catat donasi")
    page.fill("#id_amount", "403200")  # two workers for a year
    page.fill("#id_received_on", "2026-10-01")
    page.select_option("#id_channel", "qris")
    page.fill("#id_reference", "QR-0001")
    page.click("button:has-text('Simpan')")
    page.wait_for_selector("#funded")
    assert page.inner_text("#funded") == "Rp403.200"
    number = Receipt.objects.get().number
    assert number in page.inner_text("#donations")

    planner = make_user("disnaker_kukar", Role.REGIONAL_PLANNER, "6402")
    programme_transition(programme_id=gn_programme.pk, to="submitted", actor=admin)
    programme_transition(programme_id=gn_programme.pk, to="approved", actor=planner)
    programme_select(programme_id=gn_programme.pk, actor=planner)
    programme_enrol(programme_id=gn_programme.pk, actor=planner)

    page.reload()
    assert page.inner_text("#enrolled") == "2"
    page.click("button:has-text('Alokasikan')")
    page.wait_for_selector("#paid-months")
    assert page.inner_text("#paid-months") == "24"

    page.click("#donors >> text=Laporan dampak")
    page.wait_for_selector("#headline")
    text = page.inner_text("main")
    assert "<10" in text
    assert "belum tersedia" in text
    assert "Siti" not in text
    assert "Petani Rahasia" not in text
    assert pool.name in text
