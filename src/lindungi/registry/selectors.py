"""Reads on the registry, always within the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

from lindungi.core import access, pii
from lindungi.core.access import Actor
from lindungi.core.models import AuditEvent
from lindungi.registry import search
from lindungi.registry.models import Employer, Membership, Worker, WorkerStatus

T = TypeVar("T", bound=Model)
PAGE_SIZE = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list: no COUNT over millions of rows, ever."""

    items: list[T]
    next_after: int | None


@dataclass(frozen=True)
class WorkerQuery:
    text: str = ""  # a 16-digit NIK, an 11-digit KPJ, or (part of) a name
    region: str = ""  # region code prefix, dotted or not
    occupation: str = ""
    segment: str = ""
    status: str = ""
    after: int | None = None  # id of the last row of the previous page
    limit: int = PAGE_SIZE


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _by_text(qs: QuerySet[Worker], text: str) -> QuerySet[Worker]:
    text = text.strip()
    digits = _digits(text)
    if digits and len(digits) == len(text.replace(".", "").replace(" ", "")):
        if len(digits) == 16:
            return qs.filter(nik_index=pii.blind_index(digits, field="nik"))
        if len(digits) == 11:
            return qs.filter(memberships__kpj=digits)
        return qs.none()
    return search.filter_by_name(qs, text)


def _page(qs: QuerySet[T], after: int | None, limit: int) -> Page[T]:
    limit = max(1, min(limit, 100))
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_after=rows[-1].pk if more and rows else None)


def worker_search(*, actor: Actor, query: WorkerQuery) -> Page[Worker]:
    """Workers in scope matching the query, newest first, one keyset page."""
    access.require(actor, access.VIEW_WORKER)
    qs = access.scope(actor, Worker.objects.exclude(status=WorkerStatus.MERGED))
    if query.text.strip():
        qs = _by_text(qs, query.text)
    if query.region.strip():
        prefix = query.region.replace(".", "").strip()
        qs = qs.filter(access.region_q("village_id", [prefix]))
    if query.occupation:
        qs = qs.filter(occupation_id=query.occupation)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.segment:
        qs = qs.filter(memberships__segment=query.segment, memberships__end__isnull=True)
    qs = qs.select_related("village", "occupation")
    return _page(qs, query.after, query.limit)


def worker_get(*, actor: Actor, worker_id: int) -> Worker:
    """One worker in scope, or NotFound (also when it exists outside the scope)."""
    return access.get(
        actor,
        access.VIEW_WORKER,
        Worker.objects.select_related("village", "occupation", "merged_into"),
        pk=worker_id,
    )


def worker_memberships(*, actor: Actor, worker: Worker) -> list[Membership]:
    """The worker's memberships the actor may see, newest first."""
    access.require(actor, access.VIEW_MEMBERSHIP)
    qs = access.scope(actor, Membership.objects.filter(worker=worker))
    return list(qs.select_related("payer").order_by("-start", "-pk"))


def membership_get(*, actor: Actor, membership_id: int) -> Membership:
    """One membership in scope, or NotFound (also when it exists outside the scope)."""
    return access.get(
        actor,
        access.VIEW_MEMBERSHIP,
        Membership.objects.select_related("worker", "payer"),
        pk=membership_id,
    )


def worker_history(*, actor: Actor, worker: Worker) -> list[AuditEvent]:
    """The audit trail of one worker in scope (who changed what, and who revealed the NIK)."""
    worker_get(actor=actor, worker_id=worker.pk)
    return list(
        AuditEvent.objects.filter(object_type="registry.worker", object_id=str(worker.pk)).order_by(
            "-at", "-pk"
        )[:200]
    )


def worker_masked_nik(worker: Worker) -> str:
    """The NIK as every screen shows it until someone with the right reveals it."""
    return pii.mask_nik(pii.decrypt(worker.nik_enc, field="nik")) if worker.nik_enc else ""


def worker_masked_phone(worker: Worker) -> str:
    return pii.mask_phone(pii.decrypt(worker.phone_enc, field="phone")) if worker.phone_enc else ""


@dataclass(frozen=True)
class EmployerQuery:
    text: str = ""  # NPP, NIB or part of the name
    region: str = ""
    size_class: str = ""
    after: int | None = None
    limit: int = PAGE_SIZE


def employer_search(*, actor: Actor, query: EmployerQuery) -> Page[Employer]:
    """Employers in scope matching the query, newest first, one keyset page."""
    access.require(actor, access.VIEW_EMPLOYER)
    qs = access.scope(actor, Employer.objects.all())
    text = query.text.strip()
    if text:
        upper = text.upper().replace(".", "").replace(" ", "")
        if upper.isdigit() and len(upper) == 13:
            qs = qs.filter(nib=upper)
        elif len(upper) == 8 and upper[2:].isdigit():
            qs = qs.filter(npp=upper)
        else:
            qs = qs.filter(name__icontains=text)
    if query.region.strip():
        qs = qs.filter(access.region_q("village_id", [query.region.replace(".", "").strip()]))
    if query.size_class:
        qs = qs.filter(size_class=query.size_class)
    return _page(qs.select_related("village"), query.after, query.limit)


def employer_get(*, actor: Actor, employer_id: int) -> Employer:
    """One employer in scope, or NotFound."""
    return access.get(
        actor, access.VIEW_EMPLOYER, Employer.objects.select_related("village"), pk=employer_id
    )


def employer_memberships(*, actor: Actor, employer: Employer) -> QuerySet[Membership]:
    """Open memberships the employer pays for, as the actor may see them."""
    access.require(actor, access.VIEW_MEMBERSHIP)
    qs = Membership.objects.filter(payer__employer=employer, end__isnull=True)
    return access.scope(actor, qs).select_related("worker").order_by("-pk")


def registry_counts(*, actor: Actor) -> dict[str, int]:
    """Headline counts in the actor's scope for the home page."""
    counts: dict[str, int] = {}
    if access.has(actor, access.VIEW_WORKER):
        workers = access.scope(actor, Worker.objects.filter(status=WorkerStatus.ACTIVE))
        counts["workers"] = workers.count()
    if access.has(actor, access.VIEW_MEMBERSHIP):
        active = access.scope(actor, Membership.objects.filter(end__isnull=True))
        counts["memberships"] = active.count()
    if access.has(actor, access.VIEW_EMPLOYER):
        counts["employers"] = access.scope(actor, Employer.objects.filter(active=True)).count()
    return counts
