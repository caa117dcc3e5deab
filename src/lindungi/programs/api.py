"""API: sponsors, programmes, the planner, selection runs and enrolment, in the sponsor's scope.

Thin: every endpoint calls a service or a selector; typed errors become responses in api/root.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from lindungi.accounts.models import User
from lindungi.contributions.rules import Programme as Prog
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.programs import exports, planner, rules, selection, selectors, services
from lindungi.programs.models import Programme, SelectionRun, Sponsor

router = Router(tags=["programs"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)  # set by the API's token or session authentication


class Strict(Schema):
    model_config = {"extra": "forbid"}


class SponsorOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str | None = Field(None, alias="region_id")


class SponsorIn(Strict):
    name: str
    kind: str = Field(description="apbd_province, apbd_regency, village, csr, ...")
    region_code: str = ""


class ProgrammeIn(Strict):
    name: str
    budget_source: str = Field(description="apbd, dana_desa, csr, tjsl, personal, donation")
    fiscal_year: int
    budget: int = Field(description="Whole rupiah")
    start_month: date = Field(description="First day of the first covered month")
    months: int
    declared_income: int = 1_000_000
    jht: bool = False
    sponsor_id: int | None = None
    region_code: str = ""
    quota: int | None = None
    target_regions: list[str] = []
    target_occupations: list[str] = []
    target_deciles: list[int] = []
    village_officials_only: bool = False
    min_age: int = 18
    max_age: int | None = None
    exclude_protected: bool = True
    exclude_wage_earners: bool = True
    priority: list[str] = list(rules.DEFAULT_PRIORITY)


class ProgrammeOut(Schema):
    id: int
    name: str
    sponsor_id: int
    region_code: str = Field(alias="region_id")
    status: str
    budget_source: str
    fiscal_year: int
    budget: int
    start_month: date
    months: int
    declared_income: int
    jht: bool
    quota: int | None
    target_regions: list[str]
    target_occupations: list[str]
    target_deciles: list[int]
    village_officials_only: bool
    min_age: int
    max_age: int | None
    exclude_protected: bool
    exclude_wage_earners: bool
    priority: list[str]
    payer_id: int
    created_by_id: int | None
    approved_by_id: int | None
    predecessor_id: int | None = Field(description="the programme this one renews, if any")
    renewal_mode: str = Field(description="'' for a first programme, 'same' or 'reselect'")


class TransitionIn(Strict):
    to: str
    note: str = ""


class ScenarioIn(Strict):
    label: str = ""
    start: date
    months: int = Field(ge=1, le=60)
    programmes: list[str] = ["JKK", "JKM"]
    income: int = 1_000_000


class PlanIn(Strict):
    budget: int | None = Field(None, ge=0)
    workers: int | None = Field(None, ge=1)
    scenarios: list[ScenarioIn] = Field(min_length=1, max_length=6)


class RunOut(Schema):
    id: int
    programme_id: int
    quota: int
    candidates: int
    included: int
    waiting: int = Field(description="eligible workers beyond the quota listed as waiting list")
    counts: dict[str, int]


class CandidateOut(Schema):
    id: int
    worker_id: int
    full_name: str
    village_code: str
    welfare_decile: int | None
    occupation: str | None
    reason: str
    explanation: str
    rank: int | None


class CandidatePageOut(Schema):
    items: list[CandidateOut]
    next_after: int | None


class EnrolIn(Strict):
    count: int | None = Field(None, ge=1)


class BatchOut(Schema):
    id: int
    programme_id: int
    run_id: int
    workers: int
    cost: int


@router.get("/programs/sponsors", response=list[SponsorOut], summary="Sponsors in scope")
def sponsor_list(request: HttpRequest) -> Any:
    return list(selectors.sponsor_list(actor=_actor(request)))


@router.post("/programs/sponsors", response={201: SponsorOut}, summary="Register a sponsor")
def sponsor_create(request: HttpRequest, body: SponsorIn) -> Sponsor:
    return services.sponsor_create(
        name=body.name, kind=body.kind, region_code=body.region_code, actor=_actor(request)
    )


@router.get("/programs", response=list[ProgrammeOut], summary="Programmes in scope")
def programme_list(request: HttpRequest, status: str = "") -> Any:
    return list(selectors.programme_list(actor=_actor(request), status=status)[:200])


@router.post("/programs", response={201: ProgrammeOut}, summary="Create a draft programme")
def programme_create(request: HttpRequest, body: ProgrammeIn) -> Programme:
    data = body.dict()
    for name in ("target_regions", "target_occupations", "target_deciles", "priority"):
        data[name] = tuple(data[name])
    return services.programme_create(data=services.ProgrammeInput(**data), actor=_actor(request))


def _scenario(body: ScenarioIn) -> planner.Scenario:
    try:
        chosen = frozenset(Prog(p.strip().upper()) for p in body.programmes)
    except ValueError as exc:
        raise ValidationError({"programmes": "JKK, JKM, JHT"}) from exc
    if not chosen >= planner.BASIC:
        raise ValidationError({"programmes": "JKK dan JKM wajib (JKK and JKM are required)"})
    return planner.Scenario(body.label, body.start.replace(day=1), body.months, chosen, body.income)


@router.post("/programs/plan", summary="Plan budgets: workers for a budget, or the reverse")
def plan(request: HttpRequest, body: PlanIn) -> dict[str, Any]:
    access.require(_actor(request), access.VIEW_PROGRAMME)
    if (body.budget is None) == (body.workers is None):
        raise ValidationError({"budget": "Isi salah satu: budget atau workers"})
    plans = [
        selectors.plan(_scenario(s), budget=body.budget, workers=body.workers)
        for s in body.scenarios
    ]
    return planner.compare(plans).as_dict()


@router.get("/programs/{programme_id}", response=ProgrammeOut)
def programme_get(request: HttpRequest, programme_id: int) -> Programme:
    return selectors.programme_get(actor=_actor(request), programme_id=programme_id)


@router.post("/programs/{programme_id}/transition", response=ProgrammeOut)
def programme_transition(request: HttpRequest, programme_id: int, body: TransitionIn) -> Any:
    return services.programme_transition(
        programme_id=programme_id, to=body.to, actor=_actor(request), note=body.note
    )


@router.get("/programs/{programme_id}/plan", summary="The programme's own plan and burn-down")
def programme_plan(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    programme = selectors.programme_get(actor=_actor(request), programme_id=programme_id)
    result = selectors.programme_plan(programme)
    burn = selectors.burn_down(programme, result.per_worker)
    return {
        "plan": result.as_dict(),
        "burn_down": {
            "budget": burn.budget,
            "enrolled": burn.enrolled,
            "committed": burn.committed,
            "billed": burn.billed,
            "unbilled": burn.unbilled,
            "remaining": burn.remaining,
            "places_left": burn.places_left,
            "warning": burn.warning,
        },
    }


@router.post("/programs/{programme_id}/select", response={201: RunOut})
def programme_select(request: HttpRequest, programme_id: int) -> SelectionRun:
    return selection.programme_select(programme_id=programme_id, actor=_actor(request))


class CandidateFilters(Schema):
    reason: str | None = Field(None, description="'' for included, or a reason code")
    after: int | None = None


@router.get("/programs/{programme_id}/candidates", response=CandidatePageOut)
def candidates(
    request: HttpRequest, programme_id: int, filters: Query[CandidateFilters]
) -> dict[str, Any]:
    """The latest selection run's candidates: who is in, who is out and why (no NIK)."""
    programme = selectors.programme_get(actor=_actor(request), programme_id=programme_id)
    run = selectors.latest_run(programme)
    if run is None:
        return {"items": [], "next_after": None}
    page = selectors.candidate_page(run=run, reason=filters.reason, after=filters.after)
    return {
        "items": [
            {
                "id": c.pk,
                "worker_id": c.worker_id,
                "full_name": c.worker.full_name,
                "village_code": c.worker.village_id,
                "welfare_decile": c.worker.welfare_decile,
                "occupation": c.worker.occupation.name if c.worker.occupation else None,
                "reason": c.reason,
                "explanation": str(rules.REASONS.get(c.reason, c.reason)),
                "rank": c.rank,
            }
            for c in page.items
        ],
        "next_after": page.next_after,
    }


@router.post("/programs/{programme_id}/enrol", response={201: BatchOut})
def programme_enrol(request: HttpRequest, programme_id: int, body: EnrolIn) -> Any:
    return selection.programme_enrol(
        programme_id=programme_id, actor=_actor(request), count=body.count
    )


@router.get(
    "/programs/{programme_id}/batches/{batch_id}/xlsx",
    summary="Collective-registration XLSX of an enrolment batch (NIK column empty)",
)
def batch_xlsx(request: HttpRequest, programme_id: int, batch_id: int) -> HttpResponse:
    content = exports.batch_xlsx(
        programme_id=programme_id, batch_id=batch_id, actor=_actor(request)
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="batch-{batch_id}.xlsx"'
    return response
