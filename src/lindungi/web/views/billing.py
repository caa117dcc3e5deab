"""Billing screens: runs (request, progress, totals), invoices with lines, payer statements.

A run requested here is queued by `billing_run_request` and, once that commits, executed in a
thread of this process (`contributions.billing.background`, shared with the API); the run page
polls its progress every second through HTMX until the run is done or failed.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindungi.contributions.billing import selectors
from lindungi.contributions.billing.background import request_run
from lindungi.contributions.billing.selectors import InvoiceQuery
from lindungi.contributions.models import BillingRun
from lindungi.contributions.statements.download import statement_download
from lindungi.contributions.statements.layout import period_text
from lindungi.contributions.statements.selectors import kind_label, payer_get, payer_statement
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.views.billing_forms import (
    STATUS_LABELS,
    InvoiceFilterForm,
    RunRequestForm,
    StatementForm,
    this_month,
)


def _runs_page(request: HttpRequest, form: RunRequestForm, status: int = 200) -> HttpResponse:
    runs = selectors.billing_run_list(actor=actor(request), limit=50)
    rows = [(run, _seconds(run)) for run in runs]
    context = {"nav": "billing", "rows": rows, "form": form}
    return render_page(request, "web/billing/runs.html", context, status=status)


def _seconds(run: BillingRun) -> float | None:
    if run.started_at is None or run.finished_at is None:
        return None
    return (run.finished_at - run.started_at).total_seconds()


@page
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    return _runs_page(request, RunRequestForm(initial={"month": this_month()}))


@page
@require_POST
def run_request(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    access.require(user, access.RUN_BILLING)  # refuse before reading the form
    form = RunRequestForm(request.POST)
    if form.is_valid():
        with on_form(form):
            run = request_run(month=form.cleaned_data["month"], actor=user)
            messages.success(request, _("Penagihan #%(run)s diantrekan.") % {"run": run.pk})
            return redirect("web:billing_run", run_id=run.pk)
    return _runs_page(request, form, status=422)


@page
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.billing_run_get(actor=actor(request), run_id=run_id)
    context = {
        "nav": "billing",
        "run": run,
        "progress": selectors.run_progress(run),
        "seconds": _seconds(run),
    }
    return render_page(request, "web/billing/run.html", context)


@page
@require_GET
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress fragment the run page swaps in every second while the run works."""
    run = selectors.billing_run_get(actor=actor(request), run_id=run_id)
    context = {"run": run, "progress": selectors.run_progress(run), "seconds": _seconds(run)}
    return render_page(request, "web/billing/_progress.html", context)


@page
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        query = InvoiceQuery(
            month=data["month"],
            payer_id=data["payer"],
            status=data["status"],
            text=data["text"],
            after=data["after"],
        )
        try:
            result = selectors.invoice_page(actor=actor(request), query=query)
        except ValidationError as exc:
            form.add_error("text", exc.first_message)
    context = {"nav": "invoices", "form": form, "page": result, "labels": STATUS_LABELS}
    return render_page(request, "web/billing/invoices.html", context)


@page
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = actor(request)
    row, totals = selectors.invoice_detail(actor=user, invoice_id=invoice_id)
    after = request.GET.get("after", "")
    lines = selectors.invoice_line_page(
        actor=user, invoice_id=invoice_id, after=int(after) if after.isdigit() else None
    )
    context = {
        "nav": "invoices",
        "row": row,
        "invoice": row.invoice,
        "totals": totals,
        "lines": lines,
        "labels": STATUS_LABELS,
        "may_see_statement": access.has(user, access.VIEW_PAYMENTS),
    }
    return render_page(request, "web/billing/invoice.html", context)


@page
@require_GET
def payer_statement_page(request: HttpRequest, payer_id: int) -> HttpResponse:
    user = actor(request)
    payer = payer_get(actor=user, payer_id=payer_id)  # 403/404 before reading the period
    month = this_month()
    initial = {"from_month": month.replace(month=1), "to_month": month}
    form = StatementForm(request.GET or None, initial=initial)
    statement = None
    if not form.is_bound or form.is_valid():
        period = dict(form.cleaned_data) if form.is_bound else initial
        with on_form(form):
            statement = payer_statement(
                actor=user,
                payer_id=payer.pk,
                from_month=period["from_month"],
                to_month=period["to_month"],
            )
            kind = request.GET.get("format", "")
            if kind in ("pdf", "xlsx"):
                return statement_download(statement, kind, actor=user)
    context = {
        "nav": "invoices",
        "payer": payer,
        "form": form,
        "statement": statement,
        "period": period_text(statement) if statement else "",
        "rows": [(row, kind_label(row.kind)) for row in statement.rows] if statement else [],
        "query": _period_query(statement.from_month, statement.to_month) if statement else "",
    }
    status = 422 if form.is_bound and form.errors else 200
    return render_page(request, "web/billing/statement.html", context, status=status)


def _period_query(first: date, last: date) -> str:
    return f"from_month={first:%Y-%m}&to_month={last:%Y-%m}"
