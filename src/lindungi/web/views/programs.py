"""Programme screens: list, create, detail with lifecycle, planner, selection and enrolment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindungi.contributions.rules import ContributionInputError, Programme
from lindungi.core import access
from lindungi.core.errors import Conflict, ValidationError
from lindungi.programs import exports, planner, rules, selection, selectors, services
from lindungi.programs.models import ProgrammeStatus
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.views.programs_forms import PlannerForm, ProgrammeForm

NAV = "programs"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page
def programme_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    status = request.GET.get("status", "")
    items = list(selectors.programme_list(actor=user, status=status)[:100])
    context = {
        "nav": NAV,
        "items": items,
        "status": status,
        "statuses": ProgrammeStatus.choices,
    }
    return render_page(request, "web/programs/list.html", context)


@page
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    access.require(user, access.MANAGE_PROGRAMME)
    sponsors = selectors.sponsor_list(actor=user)
    initial = {"fiscal_year": timezone.localdate().year + 1, "start_month": _next_month()}
    if sponsors.count() == 1:
        initial["sponsor"] = sponsors.first()
    form = ProgrammeForm(request.POST or None, sponsors=sponsors, initial=initial)
    if form.is_bound and form.is_valid():
        with on_form(form):
            programme = services.programme_create(
                data=services.ProgrammeInput(**form.service_values()), actor=user
            )
            messages.success(request, _("Program %(name)s dibuat (draf).") % {"name": programme})
            return redirect("web:programme", programme_id=programme.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render_page(request, "web/programs/form.html", {"nav": NAV, "form": form}, status)


def _next_month() -> Any:
    return rules.add_months(timezone.localdate().replace(day=1), 1)


@page
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = actor(request)
    programme = selectors.programme_get(actor=user, programme_id=programme_id)
    plan = selectors.programme_plan(programme)
    run = selectors.latest_run(programme)
    moves = [
        (to, ProgrammeStatus(to).label)
        for to in rules.allowed_moves(programme.status)
        if access.has(user, rules.TRANSITIONS[(programme.status, to)]) and to != "active"
    ]
    context = {
        "nav": NAV,
        "programme": programme,
        "plan": plan,
        "burn": selectors.burn_down(programme, plan.per_worker),
        "run": run,
        "run_counts": _counts(run.counts) if run else [],
        "moves": moves,
        "can_enrol": programme.status in rules.ENROLLING
        and access.has(user, access.ENROL_BENEFICIARIES),
        "priority": [rules.PRIORITIES.get(k, k) for k in programme.priority],
        "batches": list(programme.batches.order_by("-id")[:20]),
    }
    return render_page(request, "web/programs/detail.html", context)


def _counts(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    order = list(rules.REASONS)
    keyed = [("" if k == "included" else k, n) for k, n in counts.items()]
    keyed.sort(key=lambda kn: order.index(kn[0]) if kn[0] in order else len(order))
    return [(k, str(rules.REASONS.get(k, k)), n) for k, n in keyed]


@page
@require_POST
def programme_transition(request: HttpRequest, programme_id: int) -> HttpResponse:
    to = request.POST.get("to", "")
    try:
        services.programme_transition(
            programme_id=programme_id,
            to=to,
            actor=actor(request),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Status program diubah."))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("web:programme", programme_id=programme_id)


@page
@require_POST
def programme_select(request: HttpRequest, programme_id: int) -> HttpResponse:
    run = selection.programme_select(programme_id=programme_id, actor=actor(request))
    messages.success(
        request,
        _("Seleksi selesai: %(n)s pekerja terpilih dari %(total)s calon.")
        % {"n": run.included, "total": run.candidates},
    )
    return redirect("web:programme_candidates", programme_id=programme_id)


@page
@require_POST
def programme_enrol(request: HttpRequest, programme_id: int) -> HttpResponse:
    raw = request.POST.get("count", "").strip()
    count = int(raw) if raw.isdigit() and int(raw) > 0 else None
    try:
        batch = selection.programme_enrol(
            programme_id=programme_id, actor=actor(request), count=count
        )
        messages.success(
            request,
            _("%(n)s pekerja didaftarkan; biaya Rp%(cost)s.")
            % {"n": batch.workers, "cost": f"{batch.cost:,}".replace(",", ".")},
        )
    except (Conflict, ValidationError) as exc:
        messages.error(request, exc.message if isinstance(exc, Conflict) else exc.first_message)
    return redirect("web:programme", programme_id=programme_id)


@page
def programme_batch_xlsx(request: HttpRequest, programme_id: int, batch_id: int) -> HttpResponse:
    content = exports.batch_xlsx(programme_id=programme_id, batch_id=batch_id, actor=actor(request))
    response = HttpResponse(content, content_type=XLSX)
    name = f"pendaftaran-kolektif-{programme_id}-{batch_id}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page
def programme_candidates(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(actor=actor(request), programme_id=programme_id)
    run = selectors.latest_run(programme)
    reason = request.GET.get("reason")
    after = request.GET.get("after", "")
    result = None
    if run is not None:
        result = selectors.candidate_page(
            run=run,
            reason=reason if reason in rules.REASONS else None,
            after=int(after) if after.isdigit() else None,
        )
    context = {
        "nav": NAV,
        "programme": programme,
        "run": run,
        "page": result,
        "rows": [(c, rules.REASONS.get(c.reason, c.reason)) for c in result.items]
        if result
        else [],
        "reason": reason,
        "reasons": list(rules.REASONS.items()),
        "run_counts": _counts(run.counts) if run else [],
        "unlisted": run.counts.get("quota", 0) - run.waiting if run else 0,
    }
    return render_page(request, "web/programs/candidates.html", context)


@page
def programme_planner(request: HttpRequest) -> HttpResponse:
    access.require(actor(request), access.VIEW_PROGRAMME)
    form = PlannerForm(request.GET or None, start=_next_month())
    comparison, error = None, ""
    if form.is_bound and form.is_valid():
        try:
            scenarios = _scenarios(form.cleaned_data)
            comparison = selectors.compare(form.cleaned_data["budget"], scenarios)
        except ContributionInputError as exc:
            error = exc.first_message
    context = {"nav": NAV, "form": form, "comparison": comparison, "error": error}
    return render_page(request, "web/programs/planner.html", context)


def _scenarios(data: dict[str, Any]) -> list[planner.Scenario]:
    scenarios = []
    for i in (1, 2, 3):
        start, months = data.get(f"s{i}_start"), data.get(f"s{i}_months")
        if not start or not months:
            continue
        chosen = set(planner.BASIC) | ({Programme.JHT} if data.get(f"s{i}_jht") else set())
        income = data.get(f"s{i}_income") or 1_000_000
        label = _("Skenario %(n)s") % {"n": i}
        scenarios.append(
            planner.Scenario(label, start.replace(day=1), months, frozenset(chosen), income)
        )
    return scenarios
