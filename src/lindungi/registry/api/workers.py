"""API: find, register, correct, end and merge workers; reveal a NIK or phone (audited)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from lindungi.core.models import AuditEvent
from lindungi.registry import selectors, services
from lindungi.registry.api._common import Changes, PageFilters, Strict, actor_of
from lindungi.registry.api.memberships import MembershipOut
from lindungi.registry.models import Membership, Worker
from lindungi.registry.selectors import Page, WorkerQuery

router = Router(tags=["workers"])


class WorkerOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    phone_masked: str
    birth_place: str
    birth_date: date
    sex: str
    village_code: str
    address_line: str
    occupation_code: str | None
    welfare_decile: int | None
    village_role: str
    source: str
    status: str
    ended_on: date | None
    merged_into_id: int | None
    registered_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_nik_masked(obj: Worker) -> str:
        return selectors.worker_masked_nik(obj)

    @staticmethod
    def resolve_phone_masked(obj: Worker) -> str:
        return selectors.worker_masked_phone(obj)

    @staticmethod
    def resolve_village_code(obj: Worker) -> str:
        return obj.village_id

    @staticmethod
    def resolve_occupation_code(obj: Worker) -> str | None:
        return obj.occupation_id


class WorkerPage(Schema):
    items: list[WorkerOut]
    next_after: int | None


class WorkerFilters(PageFilters):
    text: str = Field("", description="16-digit NIK, 11-digit KPJ, or part of the name")
    region: str = Field("", description="Region code prefix, dotted or not")
    occupation: str = ""
    segment: str = ""
    status: str = ""


class WorkerIn(Strict):
    """Mirrors registry.services.WorkerInput."""

    full_name: str
    birth_date: date
    sex: str = Field(description="L or P")
    village_code: str = Field(description="10-digit village code, dotted or not")
    nik: str = ""
    birth_place: str = ""
    address_line: str = ""
    phone: str = ""
    occupation_code: str | None = None
    welfare_decile: int | None = None
    village_role: str = ""
    source: str = "manual"


class WorkerChanges(Changes):
    nullable = frozenset({"occupation_code", "welfare_decile"})

    full_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    village_code: str | None = None
    nik: str | None = None
    birth_place: str | None = None
    address_line: str | None = None
    phone: str | None = None
    occupation_code: str | None = None
    welfare_decile: int | None = None
    village_role: str | None = None


class WorkerCorrectIn(Strict):
    changes: WorkerChanges
    reason: str = ""


class WorkerEndIn(Strict):
    on: date
    status: str = Field(description="deceased or ended")
    note: str = ""


class WorkerMergeIn(Strict):
    duplicate_id: int
    note: str = ""


class RevealIn(Strict):
    field: str = Field(description="nik or phone")
    purpose: str = Field(min_length=1, max_length=500, description="Why; kept in the audit")


class RevealOut(Schema):
    value: str


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_label: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str


@router.get("/workers", response=WorkerPage, summary="Search workers (keyset pages)")
def worker_list(request: HttpRequest, filters: Query[WorkerFilters]) -> Page[Worker]:
    query = WorkerQuery(**filters.model_dump())
    return selectors.worker_search(actor=actor_of(request), query=query)


@router.get("/workers/{worker_id}", response=WorkerOut)
def worker_detail(request: HttpRequest, worker_id: int) -> Worker:
    return selectors.worker_get(actor=actor_of(request), worker_id=worker_id)


@router.post("/workers", response={201: WorkerOut}, summary="Register a worker")
def worker_create(request: HttpRequest, body: WorkerIn) -> Worker:
    data = services.WorkerInput(**body.model_dump())
    return services.worker_register(data=data, actor=actor_of(request))


@router.patch("/workers/{worker_id}", response=WorkerOut, summary="Correct a worker")
def worker_update(request: HttpRequest, worker_id: int, body: WorkerCorrectIn) -> Worker:
    return services.worker_correct(
        worker_id=worker_id,
        changes=body.changes.model_dump(exclude_unset=True),
        reason=body.reason,
        actor=actor_of(request),
    )


@router.post("/workers/{worker_id}/end", response=WorkerOut, summary="Mark deceased or ended")
def worker_end(request: HttpRequest, worker_id: int, body: WorkerEndIn) -> Worker:
    return services.worker_end(
        worker_id=worker_id, on=body.on, status=body.status, note=body.note, actor=actor_of(request)
    )


@router.post("/workers/{worker_id}/merge", response=WorkerOut, summary="Merge a duplicate in")
def worker_merge(request: HttpRequest, worker_id: int, body: WorkerMergeIn) -> Worker:
    return services.worker_merge(
        survivor_id=worker_id,
        duplicate_id=body.duplicate_id,
        note=body.note,
        actor=actor_of(request),
    )


@router.post("/workers/{worker_id}/reveal", response=RevealOut, summary="Reveal NIK or phone")
def worker_reveal(
    request: HttpRequest, worker_id: int, body: RevealIn, response: HttpResponse
) -> RevealOut:
    value = services.worker_reveal(
        worker_id=worker_id, field=body.field, purpose=body.purpose, actor=actor_of(request)
    )
    response["Cache-Control"] = "no-store"  # plaintext personal data: never kept by a cache
    return RevealOut(value=value)


@router.get("/workers/{worker_id}/memberships", response=list[MembershipOut])
def worker_membership_list(request: HttpRequest, worker_id: int) -> list[Membership]:
    actor = actor_of(request)
    worker = selectors.worker_get(actor=actor, worker_id=worker_id)
    return selectors.worker_memberships(actor=actor, worker=worker)


@router.get("/workers/{worker_id}/history", response=list[AuditEventOut])
def worker_history(request: HttpRequest, worker_id: int) -> list[AuditEvent]:
    actor = actor_of(request)
    worker = selectors.worker_get(actor=actor, worker_id=worker_id)
    return selectors.worker_history(actor=actor, worker=worker)
