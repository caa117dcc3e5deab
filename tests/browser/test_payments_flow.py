"""A branch officer in a real browser: upload a bank statement, read the report, match the
unknown payment from the queue to a payer, and see that payer's arrears go down."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.contributions.models import Payment
from lindungi.contributions.payments.sample import billed_payers, virtual_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture
def ledger_triggers_lifted_for_flush(audit_triggers_lifted_for_flush: None) -> Iterator[None]:
    """The ledger and allocations are append-only too: on SQLite, drop their triggers just
    before the flush (the browser conftest puts every registered trigger back afterwards)."""
    yield
    from django.db import connection

    from lindungi.core import dbrules

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for trigger in dbrules.all_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


def _unpaid(page: Any, base: str, payer_id: int) -> str:
    page.goto(f"{base}/arrears/payers/?as_of=2026-11-25")
    cell = page.locator(f'tr[data-payer="{payer_id}"] td[data-col="unpaid"]')
    return str(cell.inner_text())


def test_upload_report_match_and_arrears_go_down(
    reference_data: None,
    ledger_triggers_lifted_for_flush: None,
    live_server: Any,
    login: Callable[[User], Any],
    branch_officer_kukar: User,
) -> None:
    from playwright.sync_api import expect

    billed = billed_payers(count=2, months=[SEP, OCT, NOV])
    first, second = billed.payer_ids
    base = live_server.url
    page = login(branch_officer_kukar)
    assert _unpaid(page, base, second) == "Rp50.400"

    page.goto(f"{base}/")
    page.click('nav a[href="/payments/"]')
    page.click("a:has-text('Impor mutasi bank')")
    csv = (
        "No VA;Jumlah;Tanggal;Referensi\n"
        f"{virtual_account(first)};16.800;05/11/2026;BRW-1\n"
        "8800000000099999;16.800;06/11/2026;BRW-2\n"
        f"{virtual_account(first)};-5;06/11/2026;BRW-3\n"
    )
    page.set_input_files(
        "#id_file",
        files=[{"name": "bni.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    page.click("#import-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Hasil impor")
    counts = {
        key: page.locator(f'dd[data-count="{key}"]').inner_text().split(" ")[0]
        for key in ("rows_read", "created", "matched", "unmatched", "invalid")
    }
    assert counts == {
        "rows_read": "3",
        "created": "2",
        "matched": "1",
        "unmatched": "1",
        "invalid": "1",
    }
    expect(page.locator("table.problems")).to_contain_text("Jumlah")

    page.click("a:has-text('buka antrean')")
    rows = page.locator("#results tr[data-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("BRW-2")
    rows.first.locator("a:has-text('Cocokkan')").click()
    page.fill("#id_q", virtual_account(second))  # HTMX swaps the results as the officer types
    choice = page.locator(f'#payer-results tr[data-payer="{second}"]')
    expect(choice).to_have_count(1)
    choice.locator("button:has-text('Pilih pembayar ini')").click()
    expect(page.locator(".messages")).to_contain_text("dialokasikan Rp16.800")
    expect(page.locator("#payment-status")).to_have_text("Dikenali")
    assert Payment.objects.get(bank_reference="BRW-2").payer_id == second

    assert _unpaid(page, base, second) == "Rp33.600"
    assert _unpaid(page, base, first) == "Rp33.600"
