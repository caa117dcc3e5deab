"""API: billing runs (request, progress), invoices with status and lines, payer statements.

Same data as the web tests: a Kutai Kartanegara employer (two PU workers at Rp5,000,000, one
living in Kubu Raya) and a self-paying BPU worker in Kubu Raya; November 2026 bills Rp940,800.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
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
        sex="P",
        village_id=village,
    )


def _member(worker: Worker, payer: Payer, segment: str, wage: int) -> None:
    pu = segment == "PU"
    Membership.objects.create(
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
        npp="00000099",
        name="PT Kutai Api",
        kbli="47111",
        size_class="medium",
        jkk_risk_group=1,
        village_id=KUKAR,
    )
    employer = Payer.objects.create(kind="employer", employer=firm, label=firm.name)
    _member(_worker("Dewi Lestari", KUKAR), employer, "PU", 5_000_000)
    _member(_worker("Rina Wati", KUBU_RAYA), employer, "PU", 5_000_000)
    siti = _worker("Siti Aminah", KUBU_RAYA)
    own = Payer.objects.create(kind="self", worker=siti, label=siti.full_name)
    _member(siti, own, "BPU", 1_000_000)
    return {"employer": employer, "self": own}


@pytest.fixture
def billed(people: dict[str, Payer]) -> BillingRun:
    return billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)


def state() -> dict[str, int]:
    return {
        "runs": BillingRun.objects.count(),
        "invoices": Invoice.objects.count(),
        "lines": InvoiceLine.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- runs ------------------------------------------------------------------------------------


def test_post_run_queues_and_executes_after_commit(
    api_as: Callable[[User], Any],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    api = api_as(branch_officer_kukar)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/billing/runs", {"month": "2026-11"})
    assert response.status_code == 202
    body = response.json()
    run = BillingRun.objects.get()
    assert (body["id"], body["month"], body["requested_by"]) == (run.pk, "2026-11", "cabang_kukar")
    got = api.get(f"/billing/runs/{run.pk}").json()
    assert {k: got[k] for k in ("status", "stage", "percent", "finished")} == {
        "status": "done",
        "stage": "done",
        "percent": 100,
        "finished": True,
    }
    assert (got["invoices_created"], got["lines_created"], got["amount_billed"]) == (2, 10, 940_800)
    assert got["progress_done"] == got["progress_total"] == 3
    assert any(r["table"] == "pu_jkk_rate" and r["key"] == "I" for r in got["rule_rows"])


def test_post_run_with_thread_mode_off_only_queues(
    api_as: Callable[[User], Any],
    admin: User,
    people: dict[str, Payer],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "off"
    with django_capture_on_commit_callbacks(execute=True):
        body = api_as(admin).post("/billing/runs", {"month": "2026-11"}).json()
    assert (body["status"], body["finished"], body["percent"]) == ("queued", False, None)
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize("persona", ["planner_kukar", "labour_inspector_kaltim", "dprd_kaltim"])
def test_post_run_denied_changes_nothing(
    request: pytest.FixtureRequest,
    api_as: Callable[[User], Any],
    people: dict[str, Payer],
    persona: str,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    api = api_as(request.getfixturevalue(persona))
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/billing/runs", {"month": "2026-11"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"month": "2031-01"}, "month"), ({"month": "11-2026"}, "month"), ({}, "month")],
)
def test_post_run_invalid_month(
    api_as: Callable[[User], Any],
    admin: User,
    people: dict[str, Payer],
    body: dict[str, str],
    field: str,
) -> None:
    api = api_as(admin)
    before = state()
    response = api.post("/billing/runs", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert state() == before


def test_run_list_and_month_filter(
    api_as: Callable[[User], Any],
    compliance_officer_kaltim: User,
    sponsor_csr: User,
    billed: BillingRun,
) -> None:
    api = api_as(compliance_officer_kaltim)
    assert [r["id"] for r in api.get("/billing/runs").json()] == [billed.pk]
    assert api.get("/billing/runs", month="2026-10").json() == []
    assert api_as(sponsor_csr).get("/billing/runs").status_code == 403
    assert api.get("/billing/runs/999999").status_code == 404


# --- invoices --------------------------------------------------------------------------------


def test_invoice_list_scope_and_fields(
    api_as: Callable[[User], Any],
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm = Invoice.objects.get(payer=people["employer"])
    body = api_as(branch_officer_kukar).get("/invoices").json()
    assert body["next_after"] is None
    assert body["items"] == [
        {
            "id": firm.pk,
            "number": f"INV-202611-{firm.payer_id}-{billed.pk}",
            "payer_id": firm.payer_id,
            "payer_label": "PT Kutai Api",
            "payer_kind": "employer",
            "virtual_account": f"88{firm.payer_id:012d}",
            "region_code": KUKAR,
            "month": "2026-11-01",
            "kind": "regular",
            "run_id": billed.pk,
            "issued_at": body["items"][0]["issued_at"],
            "due_date": "2026-12-15",
            "total": 924_000,
            "allocated": 0,
            "outstanding": 924_000,
            "status": "open",
            "overdue": False,
        }
    ]
    kubu = api_as(branch_officer_kubu_raya).get("/invoices").json()["items"]
    assert [i["payer_label"] for i in kubu] == ["Siti Aminah"]


def test_invoice_status_from_allocations_and_cursor(
    api_as: Callable[[User], Any], admin: User, people: dict[str, Payer], billed: BillingRun
) -> None:
    firm = Invoice.objects.get(payer=people["employer"])
    own = Invoice.objects.get(payer=people["self"])
    payment_record(
        virtual_account=f"88{firm.payer_id:012d}",
        amount=400_000,
        paid_on=dt.date(2026, 11, 20),
        bank_reference="API-1",
        actor=None,
    )
    api = api_as(admin)
    partly = api.get("/invoices", status="partly_paid").json()["items"]
    assert [(i["id"], i["allocated"], i["outstanding"]) for i in partly] == [
        (firm.pk, 400_000, 524_000)
    ]
    assert [i["id"] for i in api.get("/invoices", status="open").json()["items"]] == [own.pk]
    overdue = api.get("/invoices", status="overdue").json()["items"]  # BPU due 15 November
    assert [(i["id"], i["overdue"]) for i in overdue] == [(own.pk, True)]
    first = api.get("/invoices", limit=1).json()
    assert ([i["id"] for i in first["items"]], first["next_after"]) == ([own.pk], own.pk)
    rest = api.get("/invoices", limit=1, after=first["next_after"]).json()
    assert ([i["id"] for i in rest["items"]], rest["next_after"]) == ([firm.pk], None)
    bad = api.get("/invoices", status="lunas")
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["status"])


def test_invoice_detail_with_lines(
    api_as: Callable[[User], Any],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm = Invoice.objects.get(payer=people["employer"])
    body = api_as(branch_officer_kukar).get(f"/invoices/{firm.pk}").json()
    assert (body["line_count"], body["employer_share"], body["worker_share"]) == (
        8,
        624_000,
        300_000,
    )
    assert (body["adjustment_line_count"], body["lines_next_after"]) == (0, None)
    shares = {
        (ln["worker_name"], ln["programme"]): (ln["employer_share"], ln["worker_share"])
        for ln in body["lines"]
    }
    assert shares == {
        (name, programme): value
        for name in ("Dewi Lestari", "R\u2022\u2022\u2022 W\u2022\u2022\u2022")
        for programme, value in {
            "JKK": (12_000, 0),
            "JKM": (15_000, 0),
            "JHT": (185_000, 100_000),
            "JP": (100_000, 50_000),
        }.items()
    }
    assert {ln["segment"] for ln in body["lines"]} == {"PU"}
    assert not any(ln["is_adjustment"] for ln in body["lines"])
    page = api_as(branch_officer_kukar).get(f"/invoices/{firm.pk}", lines_limit=3).json()
    assert len(page["lines"]) == 3
    assert page["lines_next_after"] == page["lines"][-1]["id"]


def test_invoice_out_of_scope_is_404_and_changes_nothing(
    api_as: Callable[[User], Any],
    branch_officer_kubu_raya: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    firm = Invoice.objects.get(payer=people["employer"])
    api = api_as(branch_officer_kubu_raya)
    before = state()
    response = api.get(f"/invoices/{firm.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    statement = api.get(
        f"/payers/{firm.payer_id}/statement", from_month="2026-11", to_month="2026-11"
    )
    assert statement.status_code == 404
    assert state() == before


@pytest.mark.parametrize("extra", [0, 30])
def test_invoice_list_query_count(
    api_as: Callable[[User], Any],
    admin: User,
    people: dict[str, Payer],
    extra: int,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(extra):
        worker = _worker(f"Peserta {n}", KUKAR)
        own = Payer.objects.create(kind="self", worker=worker, label=f"P {n}")
        _member(worker, own, "BPU", 1_000_000)
    billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)
    api = api_as(admin)
    # token (+ its last-used stamp), the newest invoice id and the one page query
    with django_assert_max_num_queries(4):
        assert len(api.get("/invoices", limit=100).json()["items"]) == 2 + extra


# --- statements ------------------------------------------------------------------------------


def test_statement_json_pdf_xlsx(
    api_as: Callable[[User], Any],
    branch_officer_kukar: User,
    people: dict[str, Payer],
    billed: BillingRun,
) -> None:
    payer = people["employer"]
    payment_record(
        virtual_account=f"88{payer.pk:012d}",
        amount=1_000_000,
        paid_on=dt.date(2026, 11, 20),
        bank_reference="API-ST-1",
        actor=None,
    )
    api = api_as(branch_officer_kukar)
    url = f"/payers/{payer.pk}/statement"
    body = api.get(url, from_month="2026-11", to_month="2026-11").json()
    assert {k: body[k] for k in ("opening", "charges", "payments", "reversals", "fines")} == {
        "opening": 0,
        "charges": 924_000,
        "payments": 1_000_000,
        "reversals": 0,
        "fines": 0,
    }
    assert body["closing"] == -76_000  # credit
    assert [(r["kind"], r["debit"], r["credit"], r["balance"]) for r in body["rows"]] == [
        ("charge", 924_000, 0, 924_000),
        ("payment", 0, 1_000_000, -76_000),
    ]
    pdf = api.get(url, from_month="2026-11", to_month="2026-11", format="pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")
    assert b"PT Kutai Api" in pdf.content
    xlsx = api.get(url, from_month="2026-11", to_month="2026-11", format="xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    assert sheet.to_python()[-1][1:6] == ["Saldo akhir", "", "", "", -76_000]


def test_statement_errors(
    api_as: Callable[[User], Any],
    admin: User,
    labour_inspector_kaltim: User,
    people: dict[str, Payer],
) -> None:
    url = f"/payers/{people['employer'].pk}/statement"
    reversed_period = api_as(admin).get(url, from_month="2026-11", to_month="2026-01")
    assert (reversed_period.status_code, list(reversed_period.json()["errors"])) == (
        422,
        ["to_month"],
    )
    missing = api_as(admin).get(url, from_month="2026-11")
    assert missing.status_code == 422
    denied = api_as(labour_inspector_kaltim).get(url, from_month="2026-11", to_month="2026-11")
    assert denied.status_code == 403


def test_a_run_claimed_elsewhere_is_left_alone(
    people: dict[str, Payer], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from lindungi.contributions.billing.background import start_in_process

    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    run = billing_run_request(month=NOV, actor=None)
    BillingRun.objects.filter(pk=run.pk).update(claimed_by="host:42", status="running")
    with caplog.at_level("INFO", logger="lindungi.contributions.billing.background"):
        start_in_process(run.pk)
    assert f"billing run {run.pk} is claimed by another worker" in caplog.text
    assert Invoice.objects.count() == 0
    assert BillingRun.objects.get(pk=run.pk).claimed_by == "host:42"


def test_starting_a_finished_run_again_keeps_its_counts(
    people: dict[str, Payer], settings: Any
) -> None:
    from lindungi.contributions.billing.background import start_in_process

    settings.LINDUNGI_BILLING_IN_PROCESS = "inline"
    run = billing_run_request(month=NOV, actor=None)
    start_in_process(run.pk)
    start_in_process(run.pk)  # a double-clicked request that returned the same run
    run.refresh_from_db()
    assert (run.status, run.invoices_created, run.amount_billed) == ("done", 2, 940_800)
    assert Invoice.objects.count() == 2
