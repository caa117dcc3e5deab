"""API: preview and import worker lists, follow jobs, download problems, review, undo.

NIKs leave only masked. An upload is refused by size before it is read.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from lindungi.accounts.models import User
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.ingest import exports, reading, selectors, services, tasks
from lindungi.ingest.models import ImportJob, MappingTemplate, ReviewItem

router = Router(tags=["ingest"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


class JobOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    rows_read: int
    rows_valid: int
    rows_invalid: int
    rows_warned: int | None
    rows_unchanged: int
    rows_done: int
    rows_new: int
    rows_linked: int
    rows_duplicate: int
    rows_review: int
    rows_updated: int
    error: str


class PreviewOut(Schema):
    file_kind: str
    header: list[str]
    mapping: dict[str, str]
    unmapped: list[str]
    rows: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    read: int
    valid: int
    invalid: int
    warnings: int
    template: str


class UploadIn(Schema):
    kind: str = Field(description="dtks | village | employer | sponsor")
    template: str = Field("", description="Name of a saved column mapping")
    mapping: str = Field(
        "", description='JSON object: target field -> header, e.g. {"nik": "NO KTP"}'
    )


class ComparedOut(Schema):
    field: str
    label: str
    file: Any
    registry: Any
    agreement: str


class ReviewOut(Schema):
    id: int
    kind: str
    job_id: int
    line: int
    candidate_id: int | None
    probability: float | None
    conflicts: list[str]
    compared: list[ComparedOut]


class DecisionIn(Schema):
    decision: str = Field(description="same | different (match); apply | keep (conflict)")
    note: str = ""


class TemplateIn(Schema):
    kind: str
    name: str
    mapping: dict[str, str]


class TemplateOut(Schema):
    id: int
    kind: str
    name: str
    mapping: dict[str, str]


def _mapping(text: str) -> dict[str, str] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationError({"mapping": "Harus objek JSON (must be a JSON object)"})
    return {str(k): str(v) for k, v in value.items()}


def _read(request: HttpRequest, file: UploadedFile) -> bytes:
    access.require(_actor(request), access.IMPORT_LIST)  # 403 before reading the upload
    reading.check_size(file.size or 0)
    return bytes(file.read())


@router.post("/imports/preview", response=PreviewOut, summary="Check a file; writes nothing")
def import_preview(
    request: HttpRequest, file: File[UploadedFile], body: Form[UploadIn]
) -> services.Preview:
    data = _read(request, file)
    return services.import_preview(
        data=data,
        file_name=file.name or "",
        kind=body.kind,
        actor=_actor(request),
        mapping=_mapping(body.mapping),
        template=body.template or None,
    )


@router.post("/imports", response={201: JobOut}, summary="Import a worker list (CSV/XLSX)")
def import_create(
    request: HttpRequest, file: File[UploadedFile], body: Form[UploadIn]
) -> tuple[int, ImportJob]:
    data = _read(request, file)
    job = services.import_job_create(
        data=data,
        file_name=file.name or "",
        kind=body.kind,
        actor=_actor(request),
        mapping=_mapping(body.mapping),
        template=body.template or None,
    )
    tasks.start(job.pk)
    return 201, job


@router.get("/imports", response=list[JobOut], summary="Import jobs in your scope")
def import_list(request: HttpRequest) -> list[ImportJob]:
    return selectors.job_list(actor=_actor(request))


@router.get("/imports/templates", response=list[TemplateOut], summary="Saved column mappings")
def template_list(request: HttpRequest, kind: str = "") -> list[MappingTemplate]:
    return selectors.template_list(actor=_actor(request), kind=kind)


@router.post("/imports/templates", response={201: TemplateOut}, summary="Save a column mapping")
def template_save(request: HttpRequest, body: TemplateIn) -> tuple[int, MappingTemplate]:
    saved = services.template_save(
        kind=body.kind, name=body.name, mapping=body.mapping, actor=_actor(request)
    )
    return 201, saved


@router.get("/imports/reviews", response=list[ReviewOut], summary="Open clerical reviews")
def review_list(request: HttpRequest, job: int | None = None) -> list[dict[str, Any]]:
    items = selectors.review_list(actor=_actor(request), job_id=job)
    return [_review(i) for i in items]


@router.post("/imports/reviews/{item_id}/decide", response=ReviewOut, summary="Decide a review")
def review_decide(request: HttpRequest, item_id: int, body: DecisionIn) -> dict[str, Any]:
    services.review_decide(
        item_id=item_id, decision=body.decision, actor=_actor(request), note=body.note
    )
    item = selectors.review_get(actor=_actor(request), item_id=item_id)
    return _review(item)


def _review(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "job_id": item.row.job_id,
        "line": item.row.line,
        "candidate_id": item.candidate_id,
        "probability": item.probability,
        "conflicts": list(item.conflicts),
        "compared": selectors.side_by_side(item),
    }


@router.get("/imports/{job_id}", response=JobOut, summary="One job with its progress")
def import_get(request: HttpRequest, job_id: int) -> ImportJob:
    return selectors.job_get(actor=_actor(request), job_id=job_id)


@router.get("/imports/{job_id}/problems.xlsx", summary="Every problem of a job as XLSX")
def import_problems(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(actor=_actor(request), job_id=job_id)
    body = exports.job_problems_xlsx(job)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="masalah-impor-{job.pk}.xlsx"'
    return response


@router.post("/imports/{job_id}/undo", response=JobOut, summary="Undo a whole import")
def import_undo(request: HttpRequest, job_id: int) -> ImportJob:
    return services.import_job_undo(job_id=job_id, actor=_actor(request))
