"""Reads, always scoped: findings (employer users see their own), cases (staff only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr

from lindungi.accounts.models import User
from lindungi.compliance import rules
from lindungi.compliance.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    Finding,
    Letter,
)
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.reference.models import undotted

PAGE = 50


def _staff(actor: Actor) -> None:
    """Cases, notes and letters are internal: organisation users (employers) never see them."""
    access.require(actor, access.VIEW_COMPLIANCE)
    kind, _ = actor.organisation
    if kind:
        raise PermissionDenied(access.VIEW_COMPLIANCE)


@dataclass(frozen=True)
class FindingQuery:
    month: date | None = None
    kind: str = ""
    region: str = ""
    sector: str = ""  # KBLI prefix
    status: str = ""
    after: int | None = None


def findings(*, actor: Actor, query: FindingQuery) -> list[Finding]:
    """A page of findings in scope, newest first (keyset pages by id)."""
    access.require(actor, access.VIEW_COMPLIANCE)
    qs = access.scope(actor, Finding.objects.all())
    if query.month:
        qs = qs.filter(month=query.month)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.region:
        qs = qs.filter(access.region_q("region_code", [undotted(query.region)]))
    if query.sector:
        qs = qs.filter(kbli__startswith=query.sector)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.after:
        qs = qs.filter(id__lt=query.after)
    return list(qs.order_by("-id")[:PAGE])


def finding_get(*, actor: Actor, finding_id: int) -> Finding:
    return access.get(actor, access.VIEW_COMPLIANCE, Finding.objects.all(), pk=finding_id)


def findings_summary(
    *, actor: Actor, month: date | None, by: str = "region"
) -> list[dict[str, Any]]:
    """Counts, workers and contributions lost per regency (or KBLI section) and kind."""
    access.require(actor, access.VIEW_COMPLIANCE)
    qs = access.scope(actor, Finding.objects.all())
    if month:
        qs = qs.filter(month=month)
    key = Substr("region_code", 1, 4) if by == "region" else Substr("kbli", 1, 2)
    rows = (
        qs.annotate(group=key)
        .values("group", "kind")
        .annotate(n=Count("id"), workers=Sum("workers_unprotected"), lost=Sum("contributions_lost"))
        .order_by("group", "kind")
    )
    return [dict(r) for r in rows]


def latest_month(*, actor: Actor) -> date | None:
    access.require(actor, access.VIEW_COMPLIANCE)
    found = access.scope(actor, Finding.objects.all()).aggregate(m=Max("month"))["m"]
    return found if isinstance(found, date) else None


def cases(
    *, actor: Actor, state: str = "", overdue_on: date | None = None, assignee: int | None = None
) -> QuerySet[Case]:
    """Cases in scope, most urgent deadline first."""
    _staff(actor)
    qs = access.scope(actor, Case.objects.all()).select_related("assigned_to")
    if state:
        qs = qs.filter(state=state)
    if overdue_on is not None:
        qs = qs.filter(due_on__lt=overdue_on).exclude(state__in=list(rules.TERMINAL))
    if assignee is not None:
        qs = qs.filter(assigned_to_id=assignee)
    return qs.order_by("due_on", "id")


def case_get(*, actor: Actor, case_id: int) -> Case:
    _staff(actor)
    return access.get(
        actor,
        access.VIEW_COMPLIANCE,
        Case.objects.select_related("assigned_to", "employer"),
        pk=case_id,
    )


def case_board(*, actor: Actor) -> dict[str, int]:
    """Cases per state, every state listed (zero when none)."""
    _staff(actor)
    counts = dict(
        access.scope(actor, Case.objects.all()).values_list("state").annotate(n=Count("id"))
    )
    return {s.value: int(counts.get(s.value, 0)) for s in rules.State}


def case_timeline(*, case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id"))


def case_letters(*, case: Case) -> list[Letter]:
    return list(Letter.objects.filter(case=case).defer("pdf").order_by("issued_at", "id"))


def case_attachments(*, case: Case) -> list[CaseAttachment]:
    return list(CaseAttachment.objects.filter(case=case).defer("content").order_by("id"))


def letter_get(*, actor: Actor, letter_id: int) -> Letter:
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        raise NotFound("letter")
    case_get(actor=actor, case_id=letter.case_id)
    return letter


def attachment_get(*, actor: Actor, attachment_id: int) -> CaseAttachment:
    item = CaseAttachment.objects.filter(pk=attachment_id).first()
    if item is None:
        raise NotFound("attachment")
    case_get(actor=actor, case_id=item.case_id)
    return item


def recovery(*, actor: Actor) -> dict[str, int]:
    """Resolved cases, the workers they brought in and the monthly contributions recovered."""
    _staff(actor)
    done = access.scope(actor, Case.objects.filter(state__in=list(rules.TERMINAL)))
    totals = done.filter(state=rules.State.RESOLVED).aggregate(
        cases=Count("id"), workers=Sum("workers_unprotected"), lost=Sum("contributions_lost")
    )
    return {
        "resolved": int(totals["cases"] or 0),
        "workers": int(totals["workers"] or 0),
        "contributions": int(totals["lost"] or 0),
    }


def workload(*, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Per officer: cases not yet resolved/closed, overdue among them, workers recovered."""
    _staff(actor)
    active = ~Q(state__in=list(rules.TERMINAL))
    rows = (
        access.scope(actor, Case.objects.all())
        .values("assigned_to")
        .annotate(
            open=Count("id", filter=active),
            overdue=Count("id", filter=active & Q(due_on__lt=today)),
            resolved=Count("id", filter=Q(state=rules.State.RESOLVED)),
            recovered=Sum("workers_recovered"),
        )
        .order_by("assigned_to")
    )
    result: list[dict[str, Any]] = [dict(r) for r in rows]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["assigned_to"] for r in result])}
    for row in result:
        row["name"] = names.get(row["assigned_to"], "")
        row["recovered"] = int(row["recovered"] or 0)
    return result


def assignable(*, actor: Actor, case: Case) -> list[User]:
    """Officers who could take the case: compliance staff whose region holds it."""
    _staff(actor)
    staff = User.objects.filter(
        is_active=True,
        organisation_kind="",
        role__in=["admin", "compliance_officer", "labour_inspector"],
    ).order_by("username")[:200]
    return [
        u
        for u in staff
        if any(case.region_code.startswith(p) for p in u.region_prefixes) or not u.region_prefixes
    ]
