"""API: find, register and correct employers; the members they pay for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lindungi.registry import selectors, services
from lindungi.registry.api._common import Changes, PageFilters, Strict, actor_of
from lindungi.registry.api.memberships import MembershipOut
from lindungi.registry.models import Employer, Membership
from lindungi.registry.selectors import EmployerQuery, Page

router = Router(tags=["employers"])


class EmployerOut(Schema):
    id: int
    npp: str | None
    nib: str | None
    name: str
    kbli: str
    size_class: str
    jkk_risk_group: int
    village_code: str
    address_line: str
    contact_name: str
    contact_phone: str = Field(description="The business's contact line, not personal data")
    contact_email: str
    active: bool
    registered_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_village_code(obj: Employer) -> str:
        return obj.village_id


class EmployerPage(Schema):
    items: list[EmployerOut]
    next_after: int | None


class EmployerFilters(PageFilters):
    text: str = Field("", description="NPP, NIB or part of the name")
    region: str = Field("", description="Region code prefix, dotted or not")
    size_class: str = ""


class EmployerIn(Strict):
    """Mirrors registry.services.EmployerInput."""

    name: str
    size_class: str = Field(description="micro, small, medium or large")
    jkk_risk_group: int = Field(description="1-5 (I-V)")
    village_code: str
    npp: str = ""
    nib: str = ""
    kbli: str = ""
    address_line: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


class EmployerChanges(Changes):
    name: str | None = None
    size_class: str | None = None
    jkk_risk_group: int | None = None
    village_code: str | None = None
    npp: str | None = None
    nib: str | None = None
    kbli: str | None = None
    address_line: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


class EmployerCorrectIn(Strict):
    changes: EmployerChanges
    reason: str = ""


class MemberOut(MembershipOut):
    worker_full_name: str

    @staticmethod
    def resolve_worker_full_name(obj: Membership) -> str:
        return obj.worker.full_name


class MemberPage(Schema):
    items: list[MemberOut]
    next_after: int | None


@router.get("/employers", response=EmployerPage, summary="Search employers (keyset pages)")
def employer_list(request: HttpRequest, filters: Query[EmployerFilters]) -> Page[Employer]:
    query = EmployerQuery(**filters.model_dump())
    return selectors.employer_search(actor=actor_of(request), query=query)


@router.get("/employers/{employer_id}", response=EmployerOut)
def employer_detail(request: HttpRequest, employer_id: int) -> Employer:
    return selectors.employer_get(actor=actor_of(request), employer_id=employer_id)


@router.post("/employers", response={201: EmployerOut}, summary="Register an employer")
def employer_create(request: HttpRequest, body: EmployerIn) -> Employer:
    data = services.EmployerInput(**body.model_dump())
    return services.employer_register(data=data, actor=actor_of(request))


@router.patch("/employers/{employer_id}", response=EmployerOut, summary="Correct an employer")
def employer_update(request: HttpRequest, employer_id: int, body: EmployerCorrectIn) -> Employer:
    return services.employer_correct(
        employer_id=employer_id,
        changes=body.changes.model_dump(exclude_unset=True),
        reason=body.reason,
        actor=actor_of(request),
    )


@router.get(
    "/employers/{employer_id}/members",
    response=MemberPage,
    summary="Open memberships the employer pays for (keyset pages)",
)
def employer_member_list(
    request: HttpRequest, employer_id: int, page: Query[PageFilters]
) -> dict[str, Any]:
    actor = actor_of(request)
    employer = selectors.employer_get(actor=actor, employer_id=employer_id)
    qs = selectors.employer_memberships(actor=actor, employer=employer).select_related("payer")
    # employer_memberships orders newest first by id; page it the way the selectors do.
    if page.after is not None:
        qs = qs.filter(pk__lt=page.after)
    rows = list(qs[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": rows, "next_after": rows[-1].pk if more else None}
