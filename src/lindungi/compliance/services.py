"""Writes on cases: open from findings, move along the state machine, assign, note, attach.

Every service checks access through core.access, runs in one transaction and writes its
timeline event (CaseEvent) and audit event in it. `case_move` is the one transition function.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.compliance import rules
from lindungi.compliance.calendar import holidays_after
from lindungi.compliance.letters import letter_issue
from lindungi.compliance.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    Finding,
    FindingStatus,
)
from lindungi.compliance.rules import State, TransitionRefused
from lindungi.compliance.sanction import case_fine
from lindungi.compliance.verify import case_verify
from lindungi.core import access, audit
from lindungi.core.access import Actor, Role
from lindungi.core.errors import Conflict, PermissionDenied, ValidationError

MAX_ATTACHMENT = 10 * 1024 * 1024
SIDES = {
    Role.ADMIN: rules.BPJS,
    Role.COMPLIANCE_OFFICER: rules.BPJS,
    Role.LABOUR_INSPECTOR: rules.INSPECTOR,
}


def side_of(actor: Actor) -> str:
    """Which side of the joint supervision the actor acts for ('' = neither)."""
    kind, _ = actor.organisation
    return "" if kind else SIDES.get(actor.role, "")  # type: ignore[call-overload]


def _locked(actor: Actor, case_id: int) -> Case:
    case = access.get(actor, access.WORK_CASE, Case.objects.select_for_update(), pk=case_id)
    if not side_of(actor):
        raise PermissionDenied(access.WORK_CASE)
    return case


def _event(case: Case, actor: Actor | None, kind: str, **values: object) -> CaseEvent:
    user = actor if getattr(actor, "pk", None) else None
    return CaseEvent.objects.create(case=case, actor=user, kind=kind, **values)  # type: ignore[misc]


@transaction.atomic
def case_open(*, finding_id: int, actor: Actor, today: date | None = None) -> Case:
    """A case for the finding's business holding all its open findings; reuses an open case."""
    finding = access.get(actor, access.WORK_CASE, Finding.objects.all(), pk=finding_id)
    if not side_of(actor):
        raise PermissionDenied(access.WORK_CASE)
    day = today or timezone.localdate()
    free = list(
        access.scope(actor, Finding.objects.select_for_update()).filter(
            subject=finding.subject, case__isnull=True, status=FindingStatus.OPEN
        )
    )
    if not free:
        raise Conflict("Temuan sudah masuk kasus (finding already in a case)")
    case = (
        Case.objects.select_for_update()
        .filter(subject=finding.subject)
        .exclude(state__in=list(rules.TERMINAL))
        .first()
    )
    created = case is None
    if case is None:
        case = Case.objects.create(
            subject=finding.subject,
            employer_id=finding.employer_id,
            nib=finding.nib,
            name=finding.name,
            region_code=finding.region_code,
            office_code=finding.region_code[:4] or "00",
            state=State.OPEN,
            state_since=day,
        )
    Finding.objects.filter(pk__in=[f.pk for f in free]).update(
        case=case, status=FindingStatus.IN_CASE
    )
    _totals(case)
    kinds = sorted({f.kind for f in free})
    _event(
        case,
        actor,
        "opened" if created else "findings_added",
        to_state=case.state,
        data={"findings": [f.pk for f in free], "kinds": kinds},
    )
    audit.record(
        actor=actor,
        action="compliance.case_open",
        obj=case,
        region_code=case.region_code,
        after={"findings": [f.pk for f in free]},
    )
    return case


def _totals(case: Case) -> None:
    findings = list(Finding.objects.filter(case=case))
    case.workers_unprotected = max((f.workers_unprotected for f in findings), default=0)
    case.contributions_lost = sum(f.contributions_lost for f in findings)
    case.updated_at = timezone.now()
    case.save(update_fields=["workers_unprotected", "contributions_lost", "updated_at"])


@transaction.atomic
def case_move(
    *, case_id: int, to: str, actor: Actor, note: str = "", today: date | None = None
) -> Case:
    """Move a case along an allowed edge; sets the deadline, issues the step's letter, and
    refuses 'resolved' until the registry shows the gaps closed. A refusal changes nothing."""
    case = _locked(actor, case_id)
    day = today or timezone.localdate()
    try:
        step = rules.step_for(case.state, to, side_of(actor))
    except TransitionRefused as exc:
        if exc.reason == "not_your_step":
            raise PermissionDenied(f"{access.WORK_CASE}:{case.state}->{to}") from None
        raise Conflict(f"Transisi {case.state} → {to} tidak diizinkan (not allowed)") from None
    data: dict[str, object] = {}
    if step.verify:
        check = case_verify(case, on=day)
        if not check.ok:
            raise Conflict("Belum patuh menurut registri (still open): " + ", ".join(check.gaps))
        case.workers_recovered = check.members
        data["members_now"] = check.members
        Finding.objects.filter(case=case).update(status=FindingStatus.RESOLVED)
    if to == State.FINE:
        data.update(case_fine(case, day).as_dict())
    before = case.state
    case.state, case.state_since = to, day
    case.due_on = rules.due_date(step, day, holidays_after(day))
    case.updated_at = timezone.now()
    case.save(update_fields=["state", "state_since", "due_on", "updated_at", "workers_recovered"])
    if step.letter:
        data["letter"] = letter_issue(case=case, kind=step.letter, on=day, actor=actor).number
    _event(
        case,
        actor,
        "transition",
        from_state=before,
        to_state=to,
        note=note,
        data={"due_on": case.due_on.isoformat() if case.due_on else None, **data},
    )
    audit.record(
        actor=actor,
        action="compliance.case_move",
        obj=case,
        region_code=case.region_code,
        before={"state": before},
        after={"state": to, **data},
        note=note,
    )
    return case


@transaction.atomic
def case_assign(*, case_id: int, assignee_id: int, actor: Actor) -> Case:
    """Give the case to an officer who may work it and whose region holds it."""
    case = _locked(actor, case_id)
    assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None or not side_of(assignee) or not access.has(assignee, access.WORK_CASE):
        raise ValidationError({"assignee": "Petugas tidak dapat menangani kasus"})
    if not access.in_scope(assignee, case):
        raise ValidationError({"assignee": "Kasus di luar wilayah petugas"})
    before = case.assigned_to_id
    case.assigned_to = assignee
    case.updated_at = timezone.now()
    case.save(update_fields=["assigned_to", "updated_at"])
    _event(case, actor, "assigned", data={"from": before, "to": assignee.pk, "name": str(assignee)})
    audit.record(
        actor=actor,
        action="compliance.case_assign",
        obj=case,
        region_code=case.region_code,
        before={"assigned_to": before},
        after={"assigned_to": assignee.pk},
    )
    return case


@transaction.atomic
def case_note(*, case_id: int, text: str, actor: Actor) -> CaseEvent:
    """Add a note to the case's timeline."""
    case = _locked(actor, case_id)
    clean = text.strip()
    if not clean:
        raise ValidationError({"text": "Catatan kosong"})
    event = _event(case, actor, "note", note=clean[:5000])
    audit.record(
        actor=actor,
        action="compliance.case_note",
        obj=case,
        region_code=case.region_code,
        after={"event": event.pk},
    )
    return event


@transaction.atomic
def case_attach(
    *, case_id: int, file_name: str, content_type: str, content: bytes, actor: Actor
) -> CaseAttachment:
    """Keep a file with the case (at most 10 MB)."""
    case = _locked(actor, case_id)
    if not content:
        raise ValidationError({"file": "Berkas kosong"})
    if len(content) > MAX_ATTACHMENT:
        raise ValidationError({"file": "Berkas lebih dari 10 MB"})
    item = CaseAttachment.objects.create(
        case=case,
        file_name=file_name[:200] or "lampiran",
        content_type=content_type[:100],
        content=content,
        size=len(content),
        uploaded_by=actor if isinstance(actor, User) else None,
    )
    _event(case, actor, "attachment", data={"attachment": item.pk, "name": item.file_name})
    audit.record(
        actor=actor,
        action="compliance.case_attach",
        obj=case,
        region_code=case.region_code,
        after={"attachment": item.pk},
    )
    return item
