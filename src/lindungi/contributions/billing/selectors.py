"""Billing runs and invoices as the acting user may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from lindungi.contributions.billing.services import VIEW_BILLING
from lindungi.contributions.models import BillingRun, Invoice, InvoiceLine, RunStatus
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound


def _runs(actor: Actor) -> QuerySet[BillingRun]:
    """A run is national and holds counts only, never personal rows: every holder of the
    permission sees every run, except organisation users (employers, sponsors), who see none."""
    access.require(actor, VIEW_BILLING)
    kind, _ = actor.organisation
    return BillingRun.objects.none() if kind else BillingRun.objects.all()


def billing_run_list(
    *, actor: Actor, month: date | None = None, limit: int = 50
) -> list[BillingRun]:
    """Runs, newest first, optionally of one month."""
    qs = _runs(actor)
    if month is not None:
        qs = qs.filter(month=month)
    return list(qs.order_by("-requested_at", "-id")[: max(1, min(limit, 500))])


def billing_run_get(*, actor: Actor, run_id: int) -> BillingRun:
    """One run; NotFound when missing or not visible."""
    try:
        return _runs(actor).get(pk=run_id)
    except (BillingRun.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("billing run") from exc


@dataclass(frozen=True)
class Progress:
    """What a progress bar shows: the stage, its counters and a percentage (None: unknown)."""

    status: str
    stage: str
    done: int
    total: int
    percent: int | None
    finished: bool


def run_progress(run: BillingRun) -> Progress:
    """Progress of a run from its counters (PostgreSQL updates them while the run works)."""
    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    if run.status == RunStatus.DONE:
        percent: int | None = 100
    elif run.progress_total > 0:
        percent = min(99, run.progress_done * 100 // run.progress_total)
    else:
        percent = None
    return Progress(run.status, run.stage, run.progress_done, run.progress_total, percent, finished)


def invoice_list(
    *,
    actor: Actor,
    run_id: int | None = None,
    payer_id: int | None = None,
    month: date | None = None,
) -> QuerySet[Invoice]:
    """Invoices in the actor's scope (payer's region or own organisation), newest first."""
    access.require(actor, VIEW_BILLING)
    qs = access.scope(actor, Invoice.objects.all())
    if run_id is not None:
        qs = qs.filter(run_id=run_id)
    if payer_id is not None:
        qs = qs.filter(payer_id=payer_id)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.select_related("payer").order_by("-month", "-id")


def invoice_get(*, actor: Actor, invoice_id: int) -> Invoice:
    """One invoice in scope; NotFound when missing or out of scope alike."""
    return access.get(actor, VIEW_BILLING, Invoice.objects.select_related("payer"), pk=invoice_id)


def invoice_lines(*, actor: Actor, invoice_id: int) -> QuerySet[InvoiceLine]:
    """The lines of one invoice in scope, by membership and programme."""
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    return invoice.lines.order_by("membership_id", "programme", "id")
