"""API: start and end memberships; the payer is an employer or the worker themself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from lindungi.accounts.models import User
from lindungi.core import access
from lindungi.registry import selectors, services
from lindungi.registry.api._common import Strict, actor_of
from lindungi.registry.models import Membership, Payer

router = Router(tags=["memberships"])


class MembershipOut(Schema):
    id: int
    worker_id: int
    segment: str
    payer_id: int
    payer_kind: str
    payer_label: str
    programmes: list[str]
    declared_wage: int = Field(description="Whole rupiah")
    start: date
    end: date | None
    end_reason: str
    kpj: str | None
    created_at: datetime

    @staticmethod
    def resolve_payer_kind(obj: Membership) -> str:
        return obj.payer.kind

    @staticmethod
    def resolve_payer_label(obj: Membership) -> str:
        return obj.payer.label


class EmployerPayerIn(Strict):
    kind: Literal["employer"]
    employer_id: int


class SelfPayerIn(Strict):
    kind: Literal["self"]


class MembershipIn(Strict):
    worker_id: int
    segment: str = Field(description="PU, BPU, JAKON or PMI")
    payer: Annotated[EmployerPayerIn | SelfPayerIn, Field(discriminator="kind")]
    programmes: list[str] = Field(description="JKK, JKM, JHT, JP, JKP")
    declared_wage: int = Field(description="Monthly wage or declared income, whole rupiah")
    start: date
    kpj: str = ""


class MembershipEndIn(Strict):
    on: date
    reason: str = Field(description="resigned, died, lapsed, program_ended, ...")


def _payer(actor: User, body: MembershipIn) -> Payer:
    if isinstance(body.payer, EmployerPayerIn):
        employer = selectors.employer_get(actor=actor, employer_id=body.payer.employer_id)
        return services.payer_for_employer(employer)
    worker = selectors.worker_get(actor=actor, worker_id=body.worker_id)
    return services.payer_for_self(worker)


@router.post("/memberships", response={201: MembershipOut}, summary="Start a membership")
def membership_create(request: HttpRequest, body: MembershipIn) -> Membership:
    actor = actor_of(request)
    access.require(actor, access.START_MEMBERSHIP)  # 403 before any lookup, as in the service
    # One transaction: a payer account created here is rolled back if the start is refused.
    with transaction.atomic():
        return services.membership_start(
            worker_id=body.worker_id,
            segment=body.segment,
            payer=_payer(actor, body),
            programmes=body.programmes,
            declared_wage=body.declared_wage,
            start=body.start,
            kpj=body.kpj,
            actor=actor,
        )


@router.post("/memberships/{membership_id}/end", response=MembershipOut)
def membership_end(request: HttpRequest, membership_id: int, body: MembershipEndIn) -> Membership:
    return services.membership_end(
        membership_id=membership_id, on=body.on, reason=body.reason, actor=actor_of(request)
    )
