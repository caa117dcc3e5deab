"""Screens: compliance findings, cross-check runs, case pipeline, case detail, dashboards."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.compliance import rules, selectors, services
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.imports import check_import
from lindungi.compliance.models import FindingKind
from lindungi.core import access
from lindungi.core.errors import Conflict, ValidationError
from lindungi.web.errors import actor, page, render_page


def _month(value: str) -> date | None:
    try:
        return date.fromisoformat(f"{value[:7]}-01") if value else None
    except ValueError:
        return None


@page
def finding_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    month = _month(request.GET.get("month", "")) or selectors.latest_month(actor=user)
    after = request.GET.get("after", "")
    query = selectors.FindingQuery(
        month=month,
        kind=request.GET.get("kind", ""),
        region=request.GET.get("region", ""),
        sector=request.GET.get("sector", ""),
        status=request.GET.get("status", ""),
        after=int(after) if after.isdigit() else None,
    )
    items = selectors.findings(actor=user, query=query)
    by = "sector" if request.GET.get("by") == "sector" else "region"
    labels = dict(FindingKind.choices)
    context = {
        "nav": "compliance",
        "items": items,
        "month": month,
        "kinds": FindingKind.choices,
        "summary": [
            r | {"label": labels.get(r["kind"], r["kind"])}
            for r in selectors.findings_summary(actor=user, month=month, by=by)
        ],
        "by": by,
        "next_after": items[-1].pk if len(items) == selectors.PAGE else None,
        "staff": not user.organisation_kind,
    }
    return render_page(request, "web/compliance/findings.html", context)


@page
@require_POST
def crosscheck(request: HttpRequest) -> HttpResponse:
    month = _month(request.POST.get("month", ""))
    if month is None:
        raise ValidationError({"month": _("Bulan harus YYYY-MM")})
    result = crosscheck_run(month=month, actor=actor(request))
    total = sum(result.counts.values())
    messages.success(
        request,
        _("Pemeriksaan silang %(m)s: %(n)s temuan baru.") % {"m": f"{month:%Y-%m}", "n": total},
    )
    return redirect(f"{reverse('web:compliance')}?month={month:%Y-%m}")


@page
@require_POST
def import_data(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("Pilih berkas")})
    job = check_import(
        kind=request.POST.get("kind", ""),
        file_name=upload.name or "data.csv",
        content=upload.read(),
        actor=actor(request),
    )
    messages.success(
        request,
        _("Impor: %(read)s baris, %(ok)s dimuat, %(bad)s galat.")
        % {"read": job.rows_read, "ok": job.rows_loaded, "bad": len(job.errors)},
    )
    for error in job.errors[:10]:
        messages.warning(
            request, _("Baris %(row)s kolom %(column)s '%(value)s': %(message)s") % error
        )
    return redirect("web:compliance")


@page
@require_POST
def case_open(request: HttpRequest, finding_id: int) -> HttpResponse:
    case = services.case_open(finding_id=finding_id, actor=actor(request))
    messages.success(request, _("Kasus #%(id)s dibuka.") % {"id": case.pk})
    return redirect("web:compliance_case", case_id=case.pk)


@page
def case_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    cases = list(
        selectors.cases(actor=user, state=state, overdue_on=today if overdue else None)[:200]
    )
    board = selectors.case_board(actor=user)
    recovered = selectors.recovery(actor=user)
    context = {
        "nav": "compliance",
        "cases": cases,
        "state": state,
        "overdue": overdue,
        "board": [(s, rules.STATE_LABELS[rules.State(s)], n) for s, n in board.items()],
        "labels": {s.value: label for s, label in rules.STATE_LABELS.items()},
        "today": today,
        "recovered": recovered,
    }
    return render_page(request, "web/compliance/cases.html", context)


@page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = actor(request)
    case = selectors.case_get(actor=user, case_id=case_id)
    side = services.side_of(user) if access.has(user, access.WORK_CASE) else ""
    context = {
        "nav": "compliance",
        "case": case,
        "findings": list(case.findings.all()),
        "events": selectors.case_timeline(case=case),
        "letters": selectors.case_letters(case=case),
        "attachments": selectors.case_attachments(case=case),
        "targets": [
            (s.value, rules.STATE_LABELS[s]) for s in rules.allowed_targets(case.state, side)
        ],
        "label": rules.STATE_LABELS[rules.State(case.state)],
        "labels": {s.value: label for s, label in rules.STATE_LABELS.items()},
        "officers": selectors.assignable(actor=user, case=case) if side else [],
        "can_work": bool(side),
    }
    return render_page(request, "web/compliance/case.html", context)


@page
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    user, post = actor(request), request.POST
    action = post.get("action", "")
    try:
        if action == "move":
            services.case_move(
                case_id=case_id, to=post.get("to", ""), note=post.get("note", ""), actor=user
            )
        elif action == "assign":
            assignee = post.get("assignee", "")
            services.case_assign(
                case_id=case_id, assignee_id=int(assignee) if assignee.isdigit() else 0, actor=user
            )
        elif action == "note":
            services.case_note(case_id=case_id, text=post.get("text", ""), actor=user)
        elif action == "attach" and isinstance(upload := request.FILES.get("file"), UploadedFile):
            services.case_attach(
                case_id=case_id,
                file_name=upload.name or "lampiran",
                content_type=upload.content_type or "application/octet-stream",
                content=upload.read(),
                actor=user,
            )
        else:
            raise ValidationError({"action": _("Tindakan tidak dikenal")})
    except (Conflict, ValidationError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("web:compliance_case", case_id=case_id)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    safe = name.replace('"', "").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


@page
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(actor=actor(request), letter_id=letter_id)
    return _download(bytes(letter.pdf), f"{letter.number}.pdf", "application/pdf")


@page
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    item = selectors.attachment_get(actor=actor(request), attachment_id=attachment_id)
    return _download(bytes(item.content), item.file_name, item.content_type)


@page
def workload(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "nav": "compliance",
        "rows": selectors.workload(actor=actor(request), today=today),
        "today": today,
    }
    return render_page(request, "web/compliance/workload.html", context)
