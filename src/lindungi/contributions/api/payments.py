"""API: payments, bank-statement imports, the unmatched queue, arrears, a worker's coverage
and contribution history. The same selectors and services as the web screens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from lindungi.contributions import arrears_regions, history
from lindungi.contributions.coverage.selectors import coverage_on
from lindungi.contributions.fines import arrears
from lindungi.contributions.models import Payment, PaymentImport
from lindungi.contributions.payments import selectors, services
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.registry.api._common import Strict, actor_of
from lindungi.registry.models import Payer

router = Router(tags=["payments"])

MAX_UPLOAD = 50 * 1024 * 1024  # a month's statement of a large branch is a few MB
Limit = Annotated[int, Field(ge=1, le=500, description="Rows per page, 1-500")]


class AllocationOut(Schema):
    line_id: int
    invoice_number: str
    month: date
    programme: str
    amount: int


class PaymentOut(Schema):
    id: int
    bank_reference: str
    virtual_account: str
    amount: int = Field(description="Whole rupiah")
    paid_on: date
    status: str
    payer_id: int | None
    payer_label: str | None
    region_code: str
    source_import_id: int | None

    @staticmethod
    def resolve_payer_label(obj: Payment) -> str | None:
        return obj.payer.label if obj.payer is not None else None


class PaymentDetailOut(PaymentOut):
    allocated: int
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocated(obj: Payment) -> int:
        return int(getattr(obj, "allocated_total", 0))

    @staticmethod
    def resolve_allocations(obj: Payment) -> list[AllocationOut]:
        return list(getattr(obj, "allocation_rows", []))


class PaymentPage(Schema):
    items: list[PaymentOut]
    next_before: int | None


class UnmatchedQueueOut(PaymentPage):
    count: int
    amount: int


class PaymentFilters(Schema):
    status: str = Field("", description="matched, unmatched or reversed")
    paid_from: date | None = None
    paid_to: date | None = None
    payer_id: int | None = None
    import_id: int | None = None
    before: int | None = Field(None, description="next_before of the previous page")
    limit: Limit = 100


class PaymentIn(Strict):
    virtual_account: str = Field(description="The payer's virtual account; blank: queued")
    amount: int = Field(description="Whole rupiah above zero")
    paid_on: date
    bank_reference: str


class PaymentMatchIn(Strict):
    payer_id: int


class PaymentReverseIn(Strict):
    reason: str


class ImportProblemOut(Schema):
    row: int | None
    column: str | None
    value: str | None
    message: str


class PaymentImportOut(Schema):
    id: int
    file_name: str
    sha256: str
    imported_at: datetime
    rows_read: int
    created: int
    duplicates: int
    matched: int
    unmatched: int
    invalid: int
    allocations: int
    seconds: float
    problems: list[ImportProblemOut]

    @staticmethod
    def resolve_created(obj: PaymentImport) -> int:
        return obj.payments_created


class PayerOut(Schema):
    id: int
    kind: str
    label: str
    virtual_account: str | None
    npp: str | None

    @staticmethod
    def resolve_npp(obj: Payer) -> str | None:
        return obj.employer.npp if obj.employer is not None else None


class PayerArrearsOut(Schema):
    payer_id: int
    payer_kind: str
    label: str
    region_code: str
    unpaid: int
    months_unpaid: int
    months_overdue: int
    oldest_due: date | None
    fine_unpaid: int
    fine_paid_late: int
    fine: int


class RegionArrearsOut(Schema):
    code: str
    name: str
    payers: int
    payers_unpaid: int
    unpaid: int
    fine_unpaid: int
    fine_paid_late: int
    fine: int


class CoverageRuleOut(Schema):
    id: int
    table: str
    regulation: str
    status: str


class CoverageOut(Schema):
    status: str = Field(description="covered, in_grace, lapsed or not_a_member")
    reason: str
    reason_code: str
    on: date
    programme: str
    paid_through: str | None = Field(description="YYYY-MM")
    membership_id: int | None
    segment: str | None
    payer_kind: str | None
    unpaid_months: int
    overdue_months: int
    first_unpaid: str | None = Field(description="YYYY-MM")
    first_due: date | None
    rules: list[CoverageRuleOut]


class ContributionMonthOut(Schema):
    membership_id: int
    segment: str
    payer_label: str
    month: date
    due_date: date | None
    billed: int
    allocated: int
    outstanding: int
    state: str
    last_paid_on: date | None
    programmes: dict[str, int]


def _page(items: list[Payment], limit: int) -> dict[str, Any]:
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_before": items[-1].pk if more and items else None}


def _detail(request: HttpRequest, payment_id: int) -> Payment:
    """The payment with its allocations attached for PaymentDetailOut."""
    actor = actor_of(request)
    payment = selectors.payment_get(actor=actor, payment_id=payment_id)
    rows = [
        AllocationOut(
            line_id=a.line_id,
            invoice_number=a.line.invoice.number,
            month=a.line.month,
            programme=a.line.programme,
            amount=a.amount,
        )
        for a in selectors.payment_allocations(actor=actor, payment_id=payment_id)
    ]
    payment.allocation_rows = rows  # type: ignore[attr-defined]
    payment.allocated_total = sum(a.amount for a in rows)  # type: ignore[attr-defined]
    return payment


@router.get("/payments", response=PaymentPage, summary="Payments in scope (keyset pages)")
def payment_list(request: HttpRequest, filters: Query[PaymentFilters]) -> dict[str, Any]:
    items = selectors.payment_list(
        actor=actor_of(request),
        status=filters.status or None,
        payer_id=filters.payer_id,
        import_id=filters.import_id,
        before_id=filters.before,
        paid_from=filters.paid_from,
        paid_to=filters.paid_to,
        limit=filters.limit + 1,
    )
    return _page(items, filters.limit)


@router.get(
    "/payments/unmatched", response=UnmatchedQueueOut, summary="The unmatched-payments queue"
)
def unmatched_queue(
    request: HttpRequest, before: int | None = None, limit: Limit = 100
) -> dict[str, Any]:
    actor = actor_of(request)
    items = selectors.unmatched_queue(actor=actor, before_id=before, limit=limit + 1)
    return {**_page(items, limit), **selectors.queue_totals(actor=actor)}


@router.get("/payments/payers", response=list[PayerOut], summary="Find a payer to match")
def payer_search(request: HttpRequest, q: str) -> list[Payer]:
    return selectors.payer_search(actor=actor_of(request), text=q)


@router.get(
    "/payments/imports/{import_id}", response=PaymentImportOut, summary="An import's report"
)
def import_get(request: HttpRequest, import_id: int) -> PaymentImport:
    return selectors.import_get(actor=actor_of(request), import_id=import_id)


@router.post(
    "/payments/imports",
    response={201: PaymentImportOut},
    summary="Import a bank statement (CSV/XLSX)",
)
def import_create(request: HttpRequest, file: File[UploadedFile]) -> tuple[int, PaymentImport]:
    actor = actor_of(request)
    access.require(actor, access.RECORD_PAYMENT)  # 403 before reading the upload
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ValidationError({"file": "Berkas terlalu besar (file too large, max 50 MB)"})
    imported = services.payment_import(data=file.read(), file_name=file.name or "", actor=actor)
    return 201, imported


@router.get("/payments/{payment_id}", response=PaymentDetailOut)
def payment_get(request: HttpRequest, payment_id: int) -> Payment:
    return _detail(request, payment_id)


@router.post("/payments", response={201: PaymentDetailOut}, summary="Record one payment")
def payment_record(request: HttpRequest, body: PaymentIn) -> tuple[int, Payment]:
    payment = services.payment_record(
        virtual_account=body.virtual_account,
        amount=body.amount,
        paid_on=body.paid_on,
        bank_reference=body.bank_reference,
        actor=actor_of(request),
    )
    return 201, _detail(request, payment.pk)


@router.post("/payments/{payment_id}/match", response=PaymentDetailOut, summary="Match to a payer")
def payment_match(request: HttpRequest, payment_id: int, body: PaymentMatchIn) -> Payment:
    services.payment_match(payment_id=payment_id, payer_id=body.payer_id, actor=actor_of(request))
    return _detail(request, payment_id)


@router.post("/payments/{payment_id}/reverse", response=PaymentDetailOut)
def payment_reverse(request: HttpRequest, payment_id: int, body: PaymentReverseIn) -> Payment:
    services.payment_reverse(payment_id=payment_id, reason=body.reason, actor=actor_of(request))
    return _detail(request, payment_id)


@router.get("/arrears/regions", response=list[RegionArrearsOut], summary="Arrears by region")
def arrears_by_region(
    request: HttpRequest, parent: str = "", as_of: date | None = None
) -> list[arrears_regions.RegionArrears]:
    return arrears_regions.arrears_by_region(
        actor=actor_of(request), as_of=as_of or timezone.localdate(), parent=parent
    )


@router.get("/arrears/payers", response=list[PayerArrearsOut], summary="Arrears by payer")
def arrears_by_payer(
    request: HttpRequest,
    region: str = "",
    as_of: date | None = None,
    payer_id: int | None = None,
    limit: Limit = 100,
) -> list[Any]:
    return arrears(
        actor=actor_of(request),
        as_of=as_of or timezone.localdate(),
        region=region or None,
        payer_id=payer_id,
        limit=limit,
    )


@router.get(
    "/workers/{worker_id}/coverage",
    response=CoverageOut,
    summary="A worker's protection on a date",
)
def worker_coverage(
    request: HttpRequest, worker_id: int, on: date | None = None, programme: str = "JKK"
) -> dict[str, Any]:
    found = coverage_on(
        worker_id=worker_id,
        on=on or timezone.localdate(),
        programme=programme,
        actor=actor_of(request),
    )
    return found.as_dict()


@router.get("/workers/{worker_id}/contributions", response=list[ContributionMonthOut])
def worker_contributions(request: HttpRequest, worker_id: int) -> list[history.MonthRow]:
    return history.worker_contribution_history(actor=actor_of(request), worker_id=worker_id)
