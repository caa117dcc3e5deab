"""API: billing runs (request, progress), invoices with their lines, payer statements.

The same selectors and services as the web screens; errors are the LindungiError family,
mapped to responses in lindungi.api.root. A run requested here (or on the web) starts after
the request commits, in a thread of this process (`billing.background`), unless the deployment
leaves queued runs to `lindungi worker` (docs/screens-billing.md).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from lindungi.contributions.billing import selectors
from lindungi.contributions.billing.background import request_run
from lindungi.contributions.billing.selectors import InvoiceQuery, InvoiceRow, LineRow, Page
from lindungi.contributions.models import BillingRun
from lindungi.contributions.statements.download import statement_download
from lindungi.contributions.statements.selectors import Statement, payer_statement
from lindungi.core.errors import ValidationError
from lindungi.registry.api._common import Strict, actor_of

router = Router(tags=["billing"])
logger = logging.getLogger(__name__)

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


def parse_month(value: str, *, field: str = "month") -> date:
    """'2026-11' → 2026-11-01; ValidationError naming `field` otherwise."""
    try:
        return date.fromisoformat(f"{value.strip()}-01")
    except ValueError as exc:
        raise ValidationError({field: "Bulan harus berbentuk YYYY-MM (month as YYYY-MM)"}) from exc


# --- schemas -------------------------------------------------------------------------------


class RunOut(Schema):
    id: int
    month: str
    status: str
    stage: str
    progress_done: int
    progress_total: int
    percent: int | None
    finished: bool
    requested_by: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None
    invoices_created: int
    lines_created: int
    adjustment_lines: int
    amount_billed: int = Field(description="Whole rupiah")
    memberships_skipped: int
    rule_rows: list[dict[str, Any]]
    error: str


def run_out(run: BillingRun) -> dict[str, Any]:
    progress = selectors.run_progress(run)
    seconds = (
        (run.finished_at - run.started_at).total_seconds()
        if run.finished_at and run.started_at
        else None
    )
    return {
        "id": run.pk,
        "month": f"{run.month:%Y-%m}",
        "status": run.status,
        "stage": run.stage,
        "progress_done": run.progress_done,
        "progress_total": run.progress_total,
        "percent": progress.percent,
        "finished": progress.finished,
        "requested_by": run.requested_by.username if run.requested_by else None,
        "requested_at": run.requested_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "seconds": seconds,
        "invoices_created": run.invoices_created,
        "lines_created": run.lines_created,
        "adjustment_lines": run.adjustment_lines,
        "amount_billed": run.amount_billed,
        "memberships_skipped": run.memberships_skipped,
        "rule_rows": run.rule_rows,
        "error": run.error,
    }


class RunIn(Strict):
    month: Month


class InvoiceOut(Schema):
    id: int
    number: str
    payer_id: int
    payer_label: str
    payer_kind: str
    virtual_account: str | None
    region_code: str
    month: date
    kind: str
    run_id: int
    issued_at: datetime
    due_date: date
    total: int = Field(description="Whole rupiah; negative for a net credit adjustment")
    allocated: int
    outstanding: int
    status: Literal["open", "partly_paid", "paid", "credit"]
    overdue: bool


def invoice_out(row: InvoiceRow) -> dict[str, Any]:
    invoice = row.invoice
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "payer_id": invoice.payer_id,
        "payer_label": invoice.payer.label,
        "payer_kind": invoice.payer.kind,
        "virtual_account": invoice.payer.virtual_account,
        "region_code": invoice.region_code,
        "month": invoice.month,
        "kind": invoice.kind,
        "run_id": invoice.run_id,
        "issued_at": invoice.issued_at,
        "due_date": invoice.due_date,
        "total": invoice.total,
        "allocated": row.allocated,
        "outstanding": row.outstanding,
        "status": row.status,
        "overdue": row.overdue,
    }


class InvoicePage(Schema):
    items: list[InvoiceOut]
    next_after: int | None


class InvoiceFilters(Schema):
    month: Month | None = None
    payer_id: int | None = None
    status: str = Field("", description="open, partly_paid, paid, credit or overdue")
    text: str = Field("", description="An invoice number (INV-…) or a virtual account")
    after: int | None = Field(None, description="next_after of the previous page")
    limit: Annotated[int, Field(ge=1, le=100)] = 25


class LineOut(Schema):
    id: int
    membership_id: int
    kpj: str
    worker_name: str = Field(description="Masked unless the worker is in the caller's scope")
    segment: str
    month: date
    programme: str
    employer_share: int
    worker_share: int
    amount: int
    is_adjustment: bool
    allocated: int


def line_out(row: LineRow) -> dict[str, Any]:
    line = row.line
    return {
        "id": line.pk,
        "membership_id": line.membership_id,
        "kpj": row.kpj,
        "worker_name": row.worker_name,
        "segment": row.segment,
        "month": line.month,
        "programme": line.programme,
        "employer_share": line.employer_share,
        "worker_share": line.worker_share,
        "amount": line.amount,
        "is_adjustment": line.is_adjustment,
        "allocated": row.allocated,
    }


class InvoiceDetailOut(InvoiceOut):
    line_count: int
    employer_share: int
    worker_share: int
    adjustment_line_count: int
    lines: list[LineOut]
    lines_next_after: int | None


class StatementRowOut(Schema):
    at: datetime
    kind: str
    reference: str
    note: str
    debit: int
    credit: int
    balance: int


class StatementOut(Schema):
    payer_id: int
    payer_label: str
    payer_kind: str
    virtual_account: str
    from_month: date
    to_month: date
    opening: int
    charges: int
    payments: int
    reversals: int
    fines: int
    closing: int
    rows: list[StatementRowOut]


class StatementFilters(Schema):
    from_month: Month
    to_month: Month
    format: Literal["json", "pdf", "xlsx"] = "json"


# --- endpoints -----------------------------------------------------------------------------


@router.get("/billing/runs", response=list[RunOut], summary="Billing runs, newest first")
def run_list(
    request: HttpRequest, month: Month | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    chosen = parse_month(month) if month else None
    runs = selectors.billing_run_list(actor=actor_of(request), month=chosen, limit=limit)
    return [run_out(run) for run in runs]


@router.post("/billing/runs", response={202: RunOut}, summary="Queue a month's billing run")
def run_request(request: HttpRequest, body: RunIn) -> dict[str, Any]:
    run = request_run(month=parse_month(body.month), actor=actor_of(request))
    run.refresh_from_db()  # "inline" mode has already executed it
    return run_out(run)


@router.get("/billing/runs/{run_id}", response=RunOut, summary="One run with its progress")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(selectors.billing_run_get(actor=actor_of(request), run_id=run_id))


@router.get("/invoices", response=InvoicePage, summary="Invoices in scope (keyset pages)")
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, Any]:
    query = InvoiceQuery(
        month=parse_month(filters.month) if filters.month else None,
        payer_id=filters.payer_id,
        status=filters.status,
        text=filters.text,
        after=filters.after,
        limit=filters.limit,
    )
    page: Page[InvoiceRow] = selectors.invoice_page(actor=actor_of(request), query=query)
    return {"items": [invoice_out(row) for row in page.items], "next_after": page.next_after}


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut, summary="Invoice with lines")
def invoice_detail(
    request: HttpRequest, invoice_id: int, lines_after: int | None = None, lines_limit: int = 100
) -> dict[str, Any]:
    actor = actor_of(request)
    row, totals = selectors.invoice_detail(actor=actor, invoice_id=invoice_id)
    lines = selectors.invoice_line_page(
        actor=actor, invoice_id=invoice_id, after=lines_after, limit=lines_limit
    )
    return {
        **invoice_out(row),
        "line_count": totals.lines,
        "employer_share": totals.employer_share,
        "worker_share": totals.worker_share,
        "adjustment_line_count": totals.adjustment_lines,
        "lines": [line_out(line) for line in lines.items],
        "lines_next_after": lines.next_after,
    }


@router.get(
    "/payers/{payer_id}/statement",
    response=StatementOut,
    summary="A payer's statement for a period (JSON, or ?format=pdf|xlsx)",
)
def statement(
    request: HttpRequest, payer_id: int, filters: Query[StatementFilters]
) -> Statement | HttpResponse:
    found = payer_statement(
        actor=actor_of(request),
        payer_id=payer_id,
        from_month=parse_month(filters.from_month, field="from_month"),
        to_month=parse_month(filters.to_month, field="to_month"),
    )
    if filters.format == "json":
        return found
    return statement_download(found, filters.format, actor=actor_of(request))
