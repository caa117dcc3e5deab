"""API: compliance findings, cross-check runs and imports, cases, letters, dashboards.

Thin: every endpoint calls a selector or a service of lindungi.compliance; errors become
responses in lindungi.api.root. Employer users (organisation scope) read their own findings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from lindungi.accounts.models import User
from lindungi.compliance import rules, selectors, services
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.imports import check_import
from lindungi.compliance.models import Case, CaseEvent, Finding
from lindungi.core.errors import ValidationError

router = Router(tags=["compliance"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value[:7]}-01")
    except ValueError:
        raise ValidationError({"month": "bulan harus YYYY-MM"}) from None


class FindingOut(Schema):
    id: int
    month: date
    kind: str
    subject: str
    employer_id: int | None
    nib: str
    npp: str
    name: str
    region_code: str
    kbli: str
    size_class: str
    workers_unprotected: int
    contributions_lost: int
    evidence: dict[str, Any]
    status: str
    case_id: int | None


class FindingFilters(Schema):
    month: str = ""
    kind: str = ""
    region: str = ""
    sector: str = ""
    status: str = ""
    after: int | None = None


class CaseOut(Schema):
    id: int
    subject: str
    employer_id: int | None
    nib: str
    name: str
    region_code: str
    office_code: str
    state: str
    state_since: date
    due_on: date | None
    assigned_to_id: int | None
    workers_unprotected: int
    contributions_lost: int
    workers_recovered: int
    opened_at: datetime


class EventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    kind: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]


class LetterOut(Schema):
    id: int
    kind: str
    number: str
    issued_at: datetime


class CaseDetailOut(CaseOut):
    findings: list[FindingOut]
    events: list[EventOut]
    letters: list[LetterOut]
    allowed: list[str]


class CrosscheckIn(Schema):
    month: str


class CaseOpenIn(Schema):
    finding_id: int


class MoveIn(Schema):
    to: str
    note: str = ""


class AssignIn(Schema):
    assignee_id: int


class NoteIn(Schema):
    text: str


@router.get("/compliance/findings", response=list[FindingOut], summary="Findings in scope")
def finding_list(request: HttpRequest, filters: Query[FindingFilters]) -> list[Finding]:
    query = selectors.FindingQuery(
        month=_month(filters.month) if filters.month else None,
        kind=filters.kind,
        region=filters.region,
        sector=filters.sector,
        status=filters.status,
        after=filters.after,
    )
    return selectors.findings(actor=_actor(request), query=query)


@router.get("/compliance/findings/summary", summary="Findings by regency or KBLI and kind")
def finding_summary(request: HttpRequest, month: str = "", by: str = "region") -> list[Any]:
    return selectors.findings_summary(
        actor=_actor(request), month=_month(month) if month else None, by=by
    )


@router.post("/compliance/crosschecks", summary="Run a month's cross-checks (idempotent)")
def crosscheck(request: HttpRequest, body: CrosscheckIn) -> dict[str, Any]:
    return crosscheck_run(month=_month(body.month), actor=_actor(request)).as_dict()


@router.post("/compliance/imports", response={201: dict[str, Any]}, summary="Import check data")
def import_check_data(
    request: HttpRequest, kind: Form[str], file: File[UploadedFile]
) -> tuple[int, dict[str, Any]]:
    job = check_import(
        kind=kind, file_name=file.name or "data.csv", content=file.read(), actor=_actor(request)
    )
    return 201, {
        "id": job.pk,
        "read": job.rows_read,
        "loaded": job.rows_loaded,
        "errors": job.errors,
    }


@router.get("/compliance/cases", response=list[CaseOut], summary="Cases, nearest deadline first")
def case_list(
    request: HttpRequest, state: str = "", overdue: bool = False, limit: int = 100
) -> list[Case]:
    today = timezone.localdate() if overdue else None
    return list(selectors.cases(actor=_actor(request), state=state, overdue_on=today)[:limit])


@router.post("/compliance/cases", response={201: CaseOut}, summary="Open a case from a finding")
def case_open(request: HttpRequest, body: CaseOpenIn) -> tuple[int, Case]:
    return 201, services.case_open(finding_id=body.finding_id, actor=_actor(request))


def _detail(actor: User, case: Case) -> dict[str, Any]:
    data = CaseOut.from_orm(case).model_dump()
    data["findings"] = list(case.findings.all())
    data["events"] = selectors.case_timeline(case=case)
    data["letters"] = selectors.case_letters(case=case)
    data["allowed"] = [s.value for s in rules.allowed_targets(case.state, services.side_of(actor))]
    return data


@router.get("/compliance/cases/{case_id}", response=CaseDetailOut, summary="Case with timeline")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    actor = _actor(request)
    return _detail(actor, selectors.case_get(actor=actor, case_id=case_id))


@router.post("/compliance/cases/{case_id}/move", response=CaseDetailOut, summary="Transition")
def case_move(request: HttpRequest, case_id: int, body: MoveIn) -> dict[str, Any]:
    actor = _actor(request)
    case = services.case_move(case_id=case_id, to=body.to, note=body.note, actor=actor)
    return _detail(actor, case)


@router.post("/compliance/cases/{case_id}/assign", response=CaseOut)
def case_assign(request: HttpRequest, case_id: int, body: AssignIn) -> Case:
    return services.case_assign(
        case_id=case_id, assignee_id=body.assignee_id, actor=_actor(request)
    )


@router.post("/compliance/cases/{case_id}/notes", response={201: EventOut})
def case_note(request: HttpRequest, case_id: int, body: NoteIn) -> tuple[int, CaseEvent]:
    return 201, services.case_note(case_id=case_id, text=body.text, actor=_actor(request))


@router.get("/compliance/letters/{letter_id}.pdf", summary="A letter's PDF")
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(actor=_actor(request), letter_id=letter_id)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    name = letter.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@router.get("/compliance/board", summary="Cases per state")
def board(request: HttpRequest) -> dict[str, int]:
    return selectors.case_board(actor=_actor(request))


@router.get("/compliance/recovery", summary="Resolved cases, workers and contributions recovered")
def recovery(request: HttpRequest) -> dict[str, int]:
    return selectors.recovery(actor=_actor(request))


@router.get("/compliance/workload", summary="Open and overdue cases per officer")
def workload(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.workload(actor=_actor(request), today=timezone.localdate())
