"""A branch officer bills a month in the browser, watches it finish, opens an invoice and
downloads the payer's statement. The run executes in a background thread of the live server
(the default in-process mode), as it would under waitress."""

from __future__ import annotations

import datetime as dt
import gc
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from lindungi.accounts.models import User
from lindungi.contributions.models import BillingRun, Invoice
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KUKAR = "6402012001"


@pytest.fixture
def ledger_triggers_lifted_for_flush(audit_triggers_lifted_for_flush: None) -> Iterator[None]:
    """The flush after this test DELETEs the ledger, which its append-only triggers refuse on
    SQLite; drop them just before (the conftest's `ensure_sqlite_triggers` restores them)."""
    yield
    from django.db import connection

    from lindungi.contributions.payments.triggers import append_only_triggers

    # The run's thread opened its own connection to the shared in-memory test database, which
    # Django never closes (close() skips in-memory databases) and which would keep a lock on
    # the schema: wait for the thread and let the collector close it before the flush.
    for thread in threading.enumerate():
        if thread.name.startswith("billing-"):
            thread.join(timeout=60)
    gc.collect()

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for trigger in append_only_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


@pytest.fixture
def employer(reference_data: None, ledger_triggers_lifted_for_flush: None) -> Payer:
    firm = Employer.objects.create(
        npp="00000066",
        name="PT Peramban Tagih",
        kbli="47111",
        size_class="small",
        jkk_risk_group=1,
        village_id=KUKAR,
    )
    payer = Payer.objects.create(kind="employer", employer=firm, label=firm.name)
    for name in ("Budi Santoso", "Agus Salim"):
        worker = Worker.objects.create(
            full_name=name,
            name_search=name.lower(),
            birth_date=dt.date(1985, 8, 12),
            sex="L",
            village_id=KUKAR,
        )
        Membership.objects.create(
            worker=worker,
            segment="PU",
            payer=payer,
            declared_wage=5_000_000,
            jht=True,
            jp=True,
            start=dt.date(2026, 1, 1),
        )
    return payer


def test_officer_bills_a_month_and_downloads_the_statement(
    login: Callable[[User], Any], employer: Payer, branch_officer_kukar: User, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = login(branch_officer_kukar)
    page.click('nav a[href="/billing/invoices/"]')
    expect(page.locator("#results")).to_contain_text("Tidak ada tagihan")
    page.click("a:has-text('Penagihan bulanan')")
    page.fill("#id_month", "2026-11")
    page.click("#run-request button[type=submit]")
    page.wait_for_url("**/billing/runs/*/")
    expect(page.locator(".messages")).to_contain_text("diantrekan")
    expect(page.locator("#run-progress")).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.locator("#total-amount")).to_have_text("Rp924.000")
    expect(page.locator("#total-invoices")).to_have_text("1")
    run = BillingRun.objects.get()
    assert (run.status, run.requested_by_id, run.amount_billed) == (
        "done",
        branch_officer_kukar.pk,
        924_000,
    )

    page.click("a:has-text('Lihat tagihan bulan ini')")
    invoice = Invoice.objects.get()
    page.click(f"#results a:has-text('{invoice.number}')")
    expect(page.locator("#invoice-total")).to_have_text("Rp924.000")
    expect(page.locator("#due-date")).to_have_text("15 Desember 2026")
    expect(page.locator("#invoice-lines tbody tr")).to_have_count(8)

    page.click("#statement-link")
    page.fill("#id_from_month", "2026-11")
    page.fill("#id_to_month", "2026-11")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#st-closing")).to_have_text("Rp924.000")
    with page.expect_download() as pdf_download:
        page.click("#download-pdf")
    pdf = tmp_path / "statement.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert b"PT Peramban Tagih" in pdf.read_bytes()
    with page.expect_download() as xlsx_download:
        page.click("#download-xlsx")
    xlsx = tmp_path / "statement.xlsx"
    xlsx_download.value.save_as(xlsx)
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.read_bytes()))
    assert book.get_sheet_by_index(0).to_python()[-1][1:6] == ["Saldo akhir", "", "", "", 924_000]
