"""API: returned registration files (KPJ numbers, rejections), renewal and refill.

Thin: every endpoint calls a service or a selector; typed errors become responses in api/root.
Another sponsor's programme reads as 404 through selectors.programme_get.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from lindungi.accounts.models import User
from lindungi.core import access
from lindungi.ingest import reading
from lindungi.programs import refill, renewal, returns, selectors, selectors_lifecycle
from lindungi.programs.api import ProgrammeOut
from lindungi.programs.models import Programme, RefillRun, ReturnImport

router = Router(tags=["programs"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)  # set by the API's token or session authentication


class Strict(Schema):
    model_config = {"extra": "forbid"}


class ProblemOut(Schema):
    row: int
    column: str
    value: str
    code: str
    message: str


class ReturnImportOut(Schema):
    id: int
    programme_id: int
    batch_id: int
    file_name: str
    sha256: str
    imported_at: datetime
    rows_read: int
    accepted: int = Field(description="KPJ numbers written by this import")
    rejected: int = Field(description="Places ended because BPJS rejected the registration")
    already: int = Field(description="Rows an earlier import had already applied")
    invalid: int
    problems: list[ProblemOut] = []


class ReturnImportSummaryOut(Schema):
    id: int
    batch_id: int
    file_name: str
    imported_at: datetime
    rows_read: int
    accepted: int
    rejected: int
    already: int
    invalid: int


class FreedOut(Schema):
    beneficiary_id: int
    worker_id: int
    full_name: str
    reason: str
    event: date
    new_end: date


class QueuedOut(Schema):
    worker_id: int
    full_name: str
    village_code: str


class RefillPreviewOut(Schema):
    as_of: date
    start: date = Field(description="First month of the refilled beneficiaries")
    months: int
    freed: list[FreedOut]
    moved: int = Field(description="Merged workers whose survivor keeps the place")
    open_places: int
    per_worker: int = Field(description="Cost of one refilled beneficiary, whole rupiah")
    budget_left: int
    queue: dict[str, int] = Field(description="Queue candidates by reason now; '' = eligible")
    refill: int
    cost: int
    next: list[QueuedOut] = Field(description="The first of those who would be enrolled")


class RefillIn(Strict):
    as_of: date | None = Field(None, description="Default: today")


class RefillOut(Schema):
    id: int
    programme_id: int
    as_of: date
    freed: dict[str, int]
    moved: int
    open_places: int
    refilled: int
    start: date
    cost: int
    batch_id: int | None


class RenewIn(Strict):
    mode: str = Field(description="same (previous beneficiaries first) or reselect")
    budget: int = Field(description="Whole rupiah")
    start_month: date | None = Field(None, description="Default: the month after the period")
    months: int | None = Field(None, description="Default: the predecessor's")
    name: str = ""


@router.post(
    "/programs/{programme_id}/batches/{batch_id}/returns",
    response={201: ReturnImportOut},
    summary="Import the file BPJS returned for a batch (KPJ numbers, rejections)",
)
def return_import(
    request: HttpRequest, programme_id: int, batch_id: int, file: File[UploadedFile]
) -> ReturnImport:
    access.require(_actor(request), access.ENROL_BENEFICIARIES)  # 403 before reading the upload
    reading.check_size(file.size or 0)
    return returns.batch_return_import(
        programme_id=programme_id,
        batch_id=batch_id,
        content=bytes(file.read()),
        filename=file.name or "",
        actor=_actor(request),
    )


@router.get(
    "/programs/{programme_id}/returns",
    response=list[ReturnImportSummaryOut],
    summary="The programme's return imports, newest first",
)
def return_import_list(request: HttpRequest, programme_id: int) -> list[ReturnImport]:
    programme = selectors.programme_get(actor=_actor(request), programme_id=programme_id)
    return selectors_lifecycle.return_import_list(programme)


@router.get(
    "/programs/{programme_id}/returns/{import_id}",
    response=ReturnImportOut,
    summary="One return import with every bad row (row, column, value)",
)
def return_import_get(request: HttpRequest, programme_id: int, import_id: int) -> ReturnImport:
    return selectors_lifecycle.return_import_get(
        actor=_actor(request), programme_id=programme_id, import_id=import_id
    )


class AsOf(Schema):
    as_of: date | None = None


@router.get(
    "/programs/{programme_id}/refill",
    response=RefillPreviewOut,
    summary="What a refill would free and enrol on a date; writes nothing",
)
def refill_preview(request: HttpRequest, programme_id: int, filters: Query[AsOf]) -> dict[str, Any]:
    plan = refill.refill_preview(
        programme_id=programme_id,
        actor=_actor(request),
        as_of=filters.as_of or timezone.localdate(),
    )
    return {
        "as_of": plan.as_of,
        "start": plan.start,
        "months": plan.months,
        "freed": [vars(f) for f in plan.freed],
        "moved": len(plan.moved),
        "open_places": plan.open_places,
        "per_worker": plan.per_worker,
        "budget_left": plan.budget_left,
        "queue": plan.queue,
        "refill": plan.refill,
        "cost": plan.cost,
        "next": [
            {"worker_id": w.pk, "full_name": w.full_name, "village_code": w.village_id}
            for w in plan.shown
        ],
    }


@router.post(
    "/programs/{programme_id}/refill",
    response={201: RefillOut},
    summary="End freed places and enrol the queue for the remaining months",
)
def programme_refill(request: HttpRequest, programme_id: int, body: RefillIn) -> RefillRun:
    return refill.programme_refill(
        programme_id=programme_id,
        actor=_actor(request),
        as_of=body.as_of or timezone.localdate(),
    )


@router.post(
    "/programs/{programme_id}/renew",
    response={201: ProgrammeOut},
    summary="Draft the programme for the next period (same beneficiaries first, or reselect)",
)
def programme_renew(request: HttpRequest, programme_id: int, body: RenewIn) -> Programme:
    return renewal.programme_renew(
        programme_id=programme_id,
        actor=_actor(request),
        mode=body.mode,
        budget=body.budget,
        start_month=body.start_month,
        months=body.months,
        name=body.name,
    )
