"""A regency planner in a real browser: plan, create a programme, select, enrol, burn-down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.access import Role
from lindungi.programs.models import Programme, Sponsor
from lindungi.registry.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ledger_triggers_lifted_for_flush(audit_triggers_lifted_for_flush: None) -> Iterator[None]:
    """The billing run writes to append-only ledgers; the flush after this test deletes them."""
    yield
    from django.db import connection

    from lindungi.contributions.payments.triggers import append_only_triggers

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for trigger in append_only_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


def _next_month() -> date:
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


@pytest.fixture
def kukar(reference_data: None) -> Sponsor:
    for decile in (2, 1, 3):
        Worker.objects.create(
            full_name=f"Nelayan Desil {decile}",
            name_search=f"nelayan desil {decile}",
            birth_date=date(1980, 1, 1),
            sex="L",
            village_id="6402012001",
            welfare_decile=decile,
        )
    return Sponsor.objects.create(
        name="Pemkab Kutai Kartanegara", kind="apbd_regency", region_id="6402"
    )


def test_regency_planner_plans_creates_selects_enrols_and_watches_burn_down(
    live_server: Any,
    login: Callable[[Any], Any],
    planner_kukar: User,
    make_user: Callable[..., User],
    kukar: Sponsor,
    ledger_triggers_lifted_for_flush: None,
) -> None:
    from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
    from lindungi.programs.services import programme_transition

    start = _next_month()
    page = login(planner_kukar)
    page.click("text=Program sponsor")
    page.click("text=Perencana anggaran")
    page.fill("#id_budget", "1000000000")
    page.click("button:has-text('Hitung')")
    page.wait_for_selector("#scenarios")
    assert "4.960" in page.inner_text("#scenarios")

    page.goto(f"{live_server.url}/programs/new/")
    page.select_option("#id_sponsor", str(kukar.pk))
    page.fill("#id_name", "Rentan Kukar")
    page.fill("#id_budget", str(2 * 12 * 16_800 + 5_000))  # pays two workers for 12 months
    page.fill("#id_months", "12")
    page.click("button:has-text('Simpan draf')")
    page.wait_for_selector("#burn-down")
    programme = Programme.objects.get()
    assert programme.start_month == start
    page.click("button[value=submitted]")
    page.wait_for_selector("#status:has-text('Diajukan')")
    approver = make_user("kadis_kukar", Role.REGIONAL_PLANNER, "6402")
    programme_transition(programme_id=programme.pk, to="approved", actor=approver)

    page.reload()
    page.click("text=Jalankan seleksi")
    page.wait_for_selector("#results")
    table = page.inner_text("#results")
    assert table.count("Terpilih") == 2
    assert "Nelayan Desil 3" in table
    assert "di luar kuota" in table

    page.goto(f"{live_server.url}/programs/{programme.pk}/")
    page.click("button:has-text('Daftarkan peserta')")
    page.wait_for_selector("text=2 pekerja didaftarkan")
    assert page.inner_text("#enrolled") == "2"
    assert page.inner_text("#billed") == "Rp0"

    run = billing_run_request(month=start, actor=None)
    billing_run_execute(run_id=run.pk)
    page.reload()
    assert page.inner_text("#billed") == "Rp33.600"  # 2 x 16,800 for the first month
    assert page.inner_text("#remaining") == "Rp5.000"
