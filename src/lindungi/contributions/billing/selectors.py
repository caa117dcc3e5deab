"""Billing runs and invoices as the acting user may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.models import Allocation, BillingRun, Invoice, InvoiceLine, RunStatus
from lindungi.core import access
from lindungi.core.access import VIEW_BILLING, VIEW_WORKER, Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.core.pii import MASK
from lindungi.registry.selectors import PAGE_SIZE


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
    qs = qs.select_related("requested_by").order_by("-requested_at", "-id")
    return list(qs[: max(1, min(limit, 500))])


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


# --- screens and API: invoice pages, status from allocations, lines with masked names ------


class InvoiceStatus:
    """Derived from net allocations against the total; never stored."""

    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    CREDIT = "credit"  # a negative adjustment: the payer is owed, nothing to pay
    OVERDUE = "overdue"  # filter only: open or partly paid and past its due date

    FILTERS = (OPEN, PARTLY_PAID, PAID, CREDIT, OVERDUE)


def invoice_status(*, total: int, allocated: int) -> str:
    """Open, partly paid, paid or credit from the invoice total and its net allocations."""
    if total < 0:
        return InvoiceStatus.CREDIT
    if allocated >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if allocated > 0 else InvoiceStatus.OPEN


def _allocated_subquery() -> Coalesce:
    """Net allocations to one invoice's lines, as a correlated subquery (one query per page)."""
    per_invoice = (
        Allocation.objects.filter(line__invoice_id=OuterRef("pk"))
        .order_by()
        .values("line__invoice_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(per_invoice, output_field=BigIntegerField()), Value(0))


def _status_q(status: str, today: date) -> Q:
    owed = Q(allocated__lt=F("total"))
    return {
        InvoiceStatus.OPEN: Q(total__gt=0, allocated__lte=0),
        InvoiceStatus.PARTLY_PAID: Q(allocated__gt=0) & owed,
        InvoiceStatus.PAID: Q(total__gte=0, allocated__gte=F("total")),
        InvoiceStatus.CREDIT: Q(total__lt=0),
        InvoiceStatus.OVERDUE: Q(total__gt=0, due_date__lt=today) & owed,
    }[status]


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One keyset page: the rows and the id to continue after (None on the last page)."""

    items: list[T]
    next_after: int | None


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice with what was paid on it and what that makes of it on a given day."""

    invoice: Invoice
    allocated: int
    status: str
    overdue: bool

    @property
    def outstanding(self) -> int:
        return max(0, self.invoice.total - self.allocated)


def invoice_row(invoice: Invoice, allocated: int, today: date) -> InvoiceRow:
    status = invoice_status(total=invoice.total, allocated=allocated)
    owed = status in (InvoiceStatus.OPEN, InvoiceStatus.PARTLY_PAID)
    return InvoiceRow(invoice, allocated, status, owed and invoice.due_date < today)


@dataclass(frozen=True)
class InvoiceQuery:
    month: date | None = None
    payer_id: int | None = None
    status: str = ""
    text: str = ""  # an invoice number (INV-…) or a payer's virtual account
    after: int | None = None  # keyset: ids below this one
    limit: int = PAGE_SIZE


MSG_TEXT = _("Isi nomor tagihan (INV-…) atau nomor virtual account.")
MSG_STATUS = _("Status tidak dikenal.")


def _text_q(text: str) -> Q:
    text = text.strip()
    if text.upper().startswith("INV-"):
        return Q(number=text.upper())
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) == len(text.replace(" ", "").replace(".", "").replace("-", "")):
        return Q(payer__virtual_account=digits)
    raise ValidationError({"text": str(MSG_TEXT)})


# A page reads windows of invoice ids, newest first, each a primary-key range: SQLite would
# otherwise walk the region index and sort every invoice of the region (1.8 s for 600,000)
# to find 26 of them. A page stops after MAX_WINDOWS windows: when a filter matches little,
# it holds fewer rows (even none) and a `next_after` to continue below what it examined.
ID_WINDOW = 20_000
MAX_WINDOWS = 5


def invoice_page(
    *, actor: Actor, query: InvoiceQuery, today: date | None = None
) -> Page[InvoiceRow]:
    """One keyset page of invoices in scope, newest first, with status; never a COUNT.

    A page examines at most ID_WINDOW x MAX_WINDOWS invoice ids: it may hold fewer rows than
    `limit` (even none) and still have a `next_after` to continue the search below them.
    """
    today = today or timezone.localdate()
    if query.status and query.status not in InvoiceStatus.FILTERS:
        raise ValidationError({"status": str(MSG_STATUS)})
    qs = invoice_list(actor=actor, payer_id=query.payer_id, month=query.month)
    if query.text.strip():
        qs = qs.filter(_text_q(query.text))
    qs = qs.annotate(allocated=_allocated_subquery())
    if query.status:
        qs = qs.filter(_status_q(query.status, today))
    limit = max(1, min(query.limit, 100))
    if query.payer_id is not None or query.text.strip():
        return _indexed_page(qs, query.after, limit, today)  # one payer: its own index
    newest = _newest_id(query.month)
    if newest is None:
        return Page(items=[], next_after=None)
    top = min(query.after, newest + 1) if query.after is not None else newest + 1
    found: list[Invoice] = []
    for _window in range(MAX_WINDOWS):
        floor = max(0, top - ID_WINDOW)
        window = qs.filter(pk__gte=floor, pk__lt=top).order_by("-pk")
        found += window[: limit + 1 - len(found)]
        if len(found) > limit:
            rows = [_row(i, today) for i in found[:limit]]
            return Page(items=rows, next_after=rows[-1].invoice.pk)
        if floor == 0:
            break
        top = floor
    return Page(items=[_row(i, today) for i in found], next_after=floor or None)


def _indexed_page(
    qs: QuerySet[Invoice], after: int | None, limit: int, today: date
) -> Page[InvoiceRow]:
    if after is not None:
        qs = qs.filter(pk__lt=after)
    found = list(qs.order_by("-pk")[: limit + 1])
    rows = [_row(i, today) for i in found[:limit]]
    return Page(items=rows, next_after=rows[-1].invoice.pk if len(found) > limit else None)


def _newest_id(month: date | None) -> int | None:
    """The newest invoice id (of the month: through its runs' index, one probe per run)."""
    if month is None:
        runs: list[int | None] = [None]
    else:
        runs = list(BillingRun.objects.filter(month=month).values_list("pk", flat=True))
    newest: int | None = None
    for run_id in runs:
        qs = Invoice.objects.all() if run_id is None else Invoice.objects.filter(run_id=run_id)
        pk = next(iter(qs.order_by("-pk").values_list("pk", flat=True)[:1]), None)
        newest = pk if newest is None or (pk is not None and pk > newest) else newest
    return newest


def _row(invoice: Invoice, today: date) -> InvoiceRow:
    return invoice_row(invoice, int(invoice.allocated), today)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class InvoiceTotals:
    lines: int
    employer_share: int
    worker_share: int
    adjustment_lines: int


def invoice_detail(
    *, actor: Actor, invoice_id: int, today: date | None = None
) -> tuple[InvoiceRow, InvoiceTotals]:
    """One invoice in scope with its status and the sums of its lines (two queries)."""
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    allocated = Allocation.objects.filter(line__invoice_id=invoice.pk).aggregate(
        s=Coalesce(Sum("amount"), Value(0), output_field=BigIntegerField())
    )["s"]
    sums = invoice.lines.aggregate(
        n=Count("id"),
        er=Coalesce(Sum("employer_share"), Value(0), output_field=BigIntegerField()),
        wk=Coalesce(Sum("worker_share"), Value(0), output_field=BigIntegerField()),
        adj=Count("id", filter=Q(is_adjustment=True)),
    )
    totals = InvoiceTotals(int(sums["n"]), int(sums["er"]), int(sums["wk"]), int(sums["adj"]))
    return invoice_row(invoice, int(allocated), today or timezone.localdate()), totals


@dataclass(frozen=True)
class LineRow:
    """One invoice line as screens show it: the worker's name masked outside the viewer's reach."""

    line: InvoiceLine
    worker_name: str
    kpj: str
    segment: str
    allocated: int


def mask_name(name: str) -> str:
    """First letter of each word: Budi Santoso → B••• S•••."""
    return " ".join(word[0] + MASK * 3 for word in name.split() if word)


def _may_see_name(actor: Actor, village_code: str) -> bool:
    if not access.has(actor, VIEW_WORKER):
        return False
    prefixes = actor.region_prefixes
    return not prefixes or any(village_code.startswith(p) for p in prefixes)


def invoice_line_page(
    *, actor: Actor, invoice_id: int, after: int | None = None, limit: int = 100
) -> Page[LineRow]:
    """One keyset page of an invoice's lines (a large employer has tens of thousands)."""
    qs = invoice_lines(actor=actor, invoice_id=invoice_id)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    qs = qs.select_related("membership__worker").order_by("pk")
    limit = max(1, min(limit, 500))
    found = list(qs[: limit + 1])
    lines = found[:limit]
    paid = _line_allocated([line.pk for line in lines])
    rows = [_line_row(actor, line, paid.get(line.pk, 0)) for line in lines]
    more = len(found) > limit
    return Page(items=rows, next_after=lines[-1].pk if more and lines else None)


def _line_row(actor: Actor, line: InvoiceLine, allocated: int) -> LineRow:
    worker = line.membership.worker
    name = worker.full_name
    shown = name if _may_see_name(actor, worker.village_id) else mask_name(name)
    return LineRow(line, shown, line.membership.kpj or "", line.membership.segment, allocated)


def _line_allocated(line_ids: list[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    rows = (
        Allocation.objects.filter(line_id__in=line_ids)
        .order_by()
        .values("line_id")
        .annotate(total=Sum("amount"))
        .values_list("line_id", "total")
    )
    return {line_id: int(total) for line_id, total in rows}
