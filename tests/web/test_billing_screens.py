"""Billing screens: runs (request, progress, totals), invoices with lines and status, statements.

Data: a Kutai Kartanegara employer with two PU workers at Rp5,000,000 (Rp462,000 each; one of
them lives in Kubu Raya), and a self-paying BPU worker in Kubu Raya at Rp1,000,000 (Rp16,800).
November 2026 bills Rp940,800 on two invoices.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from lindungi.accounts.models import User
from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.models import BillingRun, Invoice, InvoiceLine, LedgerEntry
from lindungi.contributions.payments.services import payment_record
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
KUKAR = "6402012001"
KUBU_RAYA = "6112012001"


def _worker(name: str, village: str) -> Worker:
    return Worker.objects.create(
        full_name=name,
        name_search=name.lower(),
        birth_date=dt.date(1990, 1, 1),
        sex="L",
        village_id=village,
    )


def _member(worker: Worker, payer: Payer, segment: str, wage: int) -> Membership:
    pu = segment == "PU"
    return Membership.objects.create(
        worker=worker,
        segment=segment,
        payer=payer,
        declared_wage=wage,
        jht=pu,
        jp=pu,
        start=dt.date(2026, 1, 1),
    )


@pytest.fixture
def people() -> dict[str, Payer]:
    firm = Employer.objects.create(
        npp="00000088",
        name="PT Mahakam Tagih",
        kbli="47111",
        size_class="medium",
        jkk_risk_group=1,
        village_id=KUKAR,
    )
    employer = Payer.objects.create(kind="employer", employer=firm, label=firm.name)
    _member(_worker("Budi Santoso", KUKAR), employer, "PU", 5_000_000)
    _member(_worker("Rahmat Hidayat", KUBU_RAYA), employer, "PU", 5_000_000)
    siti = _worker("Siti Aminah", KUBU_RAYA)
    own = Payer.objects.create(kind="self", worker=siti, label=siti.full_name)
    _member(siti, own, "BPU", 1_000_000)
    return {"employer": employer, "self": own}


@pytest.fixture
def billed(people: dict[str, Payer]) -> BillingRun:
    return billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)


def invoice_of(payer: Payer) -> Invoice:
    return Invoice.objects.get(payer=payer)


def state() -> dict[str, int]:
    """Rows a billing request could leave behind."""
    return {
        "runs": BillingRun.objects.count(),
        "invoices": Invoice.objects.count(),
        "lines": InvoiceLine.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="(\d+)"', html)


# --- runs ------------------------------------------------------------------------------------


def test_runs_list_shows_counts_amount_and_rule_rows(
    client_as: Callable[[User], Client], branch_officer_kukar: User, billed: BillingRun
) -> None:
    response = client_as(branch_officer_kukar).get("/billing/runs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert row_ids(html) == [str(billed.pk)]
    assert "Rp940.800" in html
    assert "November 2026" in html
    assert f'<td class="num">{len(billed.rule_rows)}</td>' in html
    assert 'action="/billing/runs/request/"' in html  # the officer may request a run


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("branch_officer_kukar", 200),
        ("compliance_officer_kaltim", 200),
        ("labour_inspector_kaltim", 200),
        ("planner_kukar", 200),
        ("village_officer_sungai_raya", 403),
        ("sponsor_csr", 403),
        ("dprd_kaltim", 403),
        ("auditor", 403),
    ],
)
def test_runs_list_access(
    request: pytest.FixtureRequest,
    client_as: Callable[[User], Client],
    billed: BillingRun,
    persona: str,
    status: int,
) -> None:
    client = client_as(request.getfixturevalue(persona))
    assert client.get("/billing/runs/").status_code == status
    assert client.get(f"/billing/runs/{billed.pk}/").status_code == status
    assert client.get("/billing/invoices/").status_code == status


def test_planner_sees_no_request_form(
    client_as: Callable[[User], Client], planner_kukar: User, billed: BillingRun
) -> None:
    html = client_as(planner_kukar).get("/billing/runs/").content.decode()
    assert "/billing/runs/request/" not in html


def test_request_runs_the_month_after_commit(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    client = client_as(branch_officer_kukar)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/billing/runs/request/", {"month": "2026-11"})
    assert len(callbacks) == 1
    run = BillingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/billing/runs/{run.pk}/"
    assert (run.status, run.invoices_created, run.lines_created, run.amount_billed) == (
        "done",
        2,
        10,
        940_800,
    )
    assert run.requested_by == branch_officer_kukar
    html = client.get(response["Location"]).content.decode()
    assert 'id="total-amount">Rp940.800<' in html
    assert "hx-trigger" not in html  # finished: the page stops polling
    assert "pu_jkk_rate" in html  # rule rows used


def test_request_is_refused_without_run_billing(
    client_as: Callable[[User], Client],
    planner_kukar: User,
    people: dict[str, Payer],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    before = state()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_as(planner_kukar).post("/billing/runs/request/", {"month": "2026-11"})
    assert response.status_code == 403
    assert callbacks == []
    assert state() == before


def test_request_of_a_far_month_is_refused_with_the_reason(
    client_as: Callable[[User], Client], branch_officer_kukar: User, people: dict[str, Payer]
) -> None:
    before = state()
    response = client_as(branch_officer_kukar).post("/billing/runs/request/", {"month": "2031-01"})
    assert response.status_code == 422
    assert (
        "Bulan tagihan harus tanggal 1 dan paling lambat bulan depan." in response.content.decode()
    )
    assert state() == before


def test_queued_run_page_polls_its_progress(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    settings: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "off"  # left to a `lindungi worker`
    run = billing_run_request(month=NOV, actor=branch_officer_kukar)
    BillingRun.objects.filter(pk=run.pk).update(
        status="running", stage="dues", progress_done=250, progress_total=1000
    )
    client = client_as(branch_officer_kukar)
    html = client.get(f"/billing/runs/{run.pk}/").content.decode()
    assert f'hx-get="/billing/runs/{run.pk}/progress/" hx-trigger="every 1s"' in html
    fragment = client.get(f"/billing/runs/{run.pk}/progress/").content.decode()
    assert fragment.lstrip().startswith('<div id="run-progress" data-status="running"')
    assert '<progress value="25" max="100"' in fragment
    assert "250/1.000" in fragment
    assert 'id="run-stage">dues<' in fragment


def test_progress_of_a_done_run_shows_totals(
    client_as: Callable[[User], Client], branch_officer_kukar: User, billed: BillingRun
) -> None:
    fragment = client_as(branch_officer_kukar).get(f"/billing/runs/{billed.pk}/progress/")
    html = fragment.content.decode()
    assert "hx-trigger" not in html
    assert 'id="total-invoices">2<' in html
    assert 'id="total-lines">10<' in html
    assert '<progress value="100" max="100"' in html


def test_failed_run_shows_its_reason(
    client_as: Callable[[User], Client], admin: User, billed: BillingRun
) -> None:
    run = BillingRun.objects.create(month=NOV, status="failed", error="disk penuh")
    html = client_as(admin).get(f"/billing/runs/{run.pk}/progress/").content.decode()
    assert 'id="run-error">disk penuh<' in html


@pytest.mark.parametrize("runs", [1, 12])
def test_runs_list_query_count(
    client_as: Callable[[User], Client],
    admin: User,
    billed: BillingRun,
    runs: int,
    django_assert_max_num_queries: Any,
) -> None:
    BillingRun.objects.bulk_create(
        BillingRun(month=NOV, requested_by=admin) for _ in range(runs - 1)
    )
    client = client_as(admin)
    client.get("/billing/runs/")
    with django_assert_max_num_queries(3):  # session, user, runs with their requester
        assert len(row_ids(client.get("/billing/runs/").content.decode())) == runs


# --- invoices --------------------------------------------------------------------------------


def test_invoice_list_is_scoped(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm, own = invoice_of(people["employer"]), invoice_of(people["self"])
    kukar = client_as(branch_officer_kukar).get("/billing/invoices/").content.decode()
    assert row_ids(kukar) == [str(firm.pk)]
    assert "Rp924.000" in kukar
    assert "15 Desember 2026" in kukar
    kubu = client_as(branch_officer_kubu_raya).get("/billing/invoices/").content.decode()
    assert row_ids(kubu) == [str(own.pk)]
    everyone = client_as(admin).get("/billing/invoices/").content.decode()
    assert row_ids(everyone) == [str(own.pk), str(firm.pk)]


def test_invoice_filters(
    client_as: Callable[[User], Client],
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm, own = invoice_of(people["employer"]), invoice_of(people["self"])
    payment_record(
        virtual_account=own.payer.virtual_account or "",
        amount=16_800,
        paid_on=dt.date(2026, 11, 10),
        bank_reference="REF-WEB-1",
        actor=None,
    )
    client = client_as(admin)

    def ids(**params: str) -> list[str]:
        return row_ids(client.get("/billing/invoices/", params).content.decode())

    assert ids(status="paid") == [str(own.pk)]
    assert ids(status="open") == [str(firm.pk)]
    assert ids(status="partly_paid") == []
    assert ids(month="2026-10") == []
    assert ids(month="2026-11", payer=str(firm.payer_id)) == [str(firm.pk)]
    assert ids(text=firm.number.lower()) == [str(firm.pk)]
    assert ids(text=own.payer.virtual_account or "") == [str(own.pk)]
    response = client.get("/billing/invoices/", {"text": "PT Mahakam"})
    assert "Isi nomor tagihan (INV-…) atau nomor virtual account." in response.content.decode()


def test_invoice_list_pages_by_keyset(
    client_as: Callable[[User], Client], admin: User, billed: BillingRun, people: dict[str, Payer]
) -> None:
    firm, own = invoice_of(people["employer"]), invoice_of(people["self"])
    client = client_as(admin)
    from lindungi.contributions.billing import selectors

    page = selectors.invoice_page(actor=admin, query=selectors.InvoiceQuery(limit=1))
    assert ([r.invoice.pk for r in page.items], page.next_after) == ([own.pk], own.pk)
    html = client.get("/billing/invoices/", {"after": str(own.pk)}).content.decode()
    assert row_ids(html) == [str(firm.pk)]


@pytest.mark.parametrize("extra", [0, 30])
def test_invoice_list_query_count(
    client_as: Callable[[User], Client],
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
    extra: int,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(extra):
        worker = _worker(f"Peserta {n}", KUKAR)
        _member(
            worker,
            Payer.objects.create(kind="self", worker=worker, label=f"P {n}"),
            "BPU",
            1_000_000,
        )
    if extra:
        billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)
    client = client_as(admin)
    client.get("/billing/invoices/")
    # session, user, the newest invoice id, one page with payers and paid sums
    with django_assert_max_num_queries(4):
        assert len(row_ids(client.get("/billing/invoices/").content.decode())) == min(2 + extra, 25)


def test_invoice_detail_lines_and_masking(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm = invoice_of(people["employer"])
    html = client_as(branch_officer_kukar).get(f"/billing/invoices/{firm.pk}/").content.decode()
    assert 'id="invoice-total">Rp924.000<' in html
    assert 'id="due-date">15 Desember 2026<' in html
    assert "Belum dibayar" in html
    assert html.count("Budi Santoso") == 4  # four programmes, in scope: the full name
    assert "Rahmat Hidayat" not in html  # lives in Kubu Raya: masked for a Kukar officer
    assert html.count("R\u2022\u2022\u2022 H\u2022\u2022\u2022") == 4
    assert "Rp185.000" in html  # JHT, employer's share
    assert "Rp100.000" in html  # JHT, worker's share
    full = client_as(admin).get(f"/billing/invoices/{firm.pk}/").content.decode()
    assert full.count("Rahmat Hidayat") == 4


def test_invoice_out_of_scope_is_404_and_changes_nothing(
    client_as: Callable[[User], Client],
    branch_officer_kubu_raya: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm = invoice_of(people["employer"])
    before = state()
    client = client_as(branch_officer_kubu_raya)
    assert client.get(f"/billing/invoices/{firm.pk}/").status_code == 404
    assert client.get(f"/billing/payers/{firm.payer_id}/statement/").status_code == 404
    assert state() == before


def test_invoice_detail_query_count(
    client_as: Callable[[User], Client],
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
    django_assert_max_num_queries: Any,
) -> None:
    firm = invoice_of(people["employer"])
    client = client_as(admin)
    client.get(f"/billing/invoices/{firm.pk}/")
    # session, user, invoice, paid sum, line sums, invoice again (lines), lines page, line sums
    with django_assert_max_num_queries(8):
        assert client.get(f"/billing/invoices/{firm.pk}/").status_code == 200


# --- statements ------------------------------------------------------------------------------


def test_statement_page_and_downloads(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    payer = people["employer"]
    client = client_as(branch_officer_kukar)
    period = {"from_month": "2026-11", "to_month": "2026-11"}
    html = client.get(f"/billing/payers/{payer.pk}/statement/", period).content.decode()
    assert 'id="st-opening">Rp0<' in html
    assert 'id="st-charges">Rp924.000<' in html
    assert 'id="st-closing"><strong>Rp924.000<' in html
    pdf = client.get(f"/billing/payers/{payer.pk}/statement/", {**period, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"PT Mahakam Tagih" in pdf.content
    xlsx = client.get(f"/billing/payers/{payer.pk}/statement/", {**period, "format": "xlsx"})
    assert xlsx["Content-Disposition"] == (
        f'attachment; filename="rekening-koran-{payer.pk}-202611-202611.xlsx"'
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    assert sheet.to_python()[1][:2] == ["Pembayar", "PT Mahakam Tagih"]


def test_statement_needs_view_payments(
    client_as: Callable[[User], Client],
    labour_inspector_kaltim: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    url = f"/billing/payers/{people['employer'].pk}/statement/"
    assert client_as(labour_inspector_kaltim).get(url).status_code == 403


def test_statement_bad_period_is_a_form_error(
    client_as: Callable[[User], Client], admin: User, people: dict[str, Payer]
) -> None:
    url = f"/billing/payers/{people['employer'].pk}/statement/"
    response = client_as(admin).get(url, {"from_month": "2026-11", "to_month": "2026-01"})
    assert response.status_code == 422
    assert "Bulan akhir tidak boleh sebelum bulan awal." in response.content.decode()


def test_nav_link_only_for_billing_viewers(
    client_as: Callable[[User], Client], branch_officer_kukar: User, dprd_kaltim: User
) -> None:
    assert 'href="/billing/invoices/"' in client_as(branch_officer_kukar).get("/").content.decode()
    assert 'href="/billing/invoices/"' not in client_as(dprd_kaltim).get("/").content.decode()


def test_status_search_is_bounded_and_continues(
    client_as: Callable[[User], Client],
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lindungi.contributions.billing import selectors

    monkeypatch.setattr(selectors, "ID_WINDOW", 1)  # each page examines one invoice id
    monkeypatch.setattr(selectors, "MAX_WINDOWS", 1)
    firm, own = invoice_of(people["employer"]), invoice_of(people["self"])
    payment_record(
        virtual_account=firm.payer.virtual_account or "",
        amount=400_000,
        paid_on=dt.date(2026, 11, 20),
        bank_reference="REF-WEB-2",
        actor=None,
    )
    client = client_as(admin)
    first = client.get("/billing/invoices/", {"status": "partly_paid"}).content.decode()
    assert row_ids(first) == []  # the newest invoice (own) is unpaid…
    assert f"after={own.pk}" in first  # …and the search offers to go on below it
    rest = client.get("/billing/invoices/", {"status": "partly_paid", "after": str(own.pk)})
    assert row_ids(rest.content.decode()) == [str(firm.pk)]


def test_request_of_a_month_without_rules_is_refused(
    client_as: Callable[[User], Client], branch_officer_kukar: User, people: dict[str, Payer]
) -> None:
    before = state()
    response = client_as(branch_officer_kukar).post("/billing/runs/request/", {"month": "1990-01"})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert state() == before


def test_without_status_a_page_looks_below_the_window(
    client_as: Callable[[User], Client],
    admin: User,
    people: dict[str, Payer],
    billed: BillingRun,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    from lindungi.contributions.billing import selectors

    monkeypatch.setattr(selectors, "ID_WINDOW", 1)
    monkeypatch.setattr(selectors, "MAX_WINDOWS", 2)
    firm, own = invoice_of(people["employer"]), invoice_of(people["self"])
    client = client_as(admin)
    client.get("/billing/invoices/")
    with django_assert_max_num_queries(5):  # session, user, newest id, two windows
        html = client.get("/billing/invoices/").content.decode()
    assert row_ids(html) == [str(own.pk), str(firm.pk)]
    page = selectors.invoice_page(actor=admin, query=selectors.InvoiceQuery())
    assert page.next_after == firm.pk  # continue below the two windows it examined
