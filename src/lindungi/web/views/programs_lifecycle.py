"""Programme screens after enrolment: the file BPJS returns, refilling freed places, renewal."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lindungi.core import access
from lindungi.core.errors import Conflict, ValidationError
from lindungi.ingest import reading
from lindungi.programs import refill, renewal, returns, rules, selectors, selectors_lifecycle
from lindungi.programs.models import BeneficiaryEnd, Programme, ProgrammeStatus, RenewalMode
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.views.programs_forms import MonthInput

NAV = "programs"
PROBLEMS_SHOWN = 500
RENEWABLE = (ProgrammeStatus.APPROVED, ProgrammeStatus.ACTIVE, ProgrammeStatus.CLOSED)


class ReturnForm(forms.Form):
    batch = forms.TypedChoiceField(label=gettext_lazy("Batch pendaftaran"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("Berkas balikan BPJS (CSV/XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args: Any, batches: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].choices = [  # type: ignore[attr-defined]
            (b.pk, f"#{b.pk} · {b.workers}") for b in batches
        ]


class RenewForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Penerima periode baru"),
        choices=[
            (RenewalMode.SAME.value, gettext_lazy("Penerima yang sama dulu, lalu seleksi")),
            (RenewalMode.RESELECT.value, gettext_lazy("Seleksi ulang seluruhnya")),
        ],
        widget=forms.RadioSelect,
        initial=RenewalMode.SAME.value,
    )
    budget = forms.IntegerField(label=gettext_lazy("Anggaran (Rp)"), min_value=1)
    start_month = forms.DateField(
        label=gettext_lazy("Bulan mulai (kosong = sesudah periode lama)"),
        required=False,
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    months = forms.IntegerField(
        label=gettext_lazy("Lama (bulan)"), required=False, min_value=1, max_value=60
    )
    name = forms.CharField(label=gettext_lazy("Nama (opsional)"), required=False, max_length=200)


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    return selectors.programme_get(actor=actor(request), programme_id=programme_id)


# --- returned files --------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def programme_returns(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's return imports; with programs.enrol, the upload form."""
    user = actor(request)
    programme = _programme(request, programme_id)
    can_import = access.has(user, access.ENROL_BENEFICIARIES)
    if request.method == "POST":
        access.require(user, access.ENROL_BENEFICIARIES)
    batches = selectors_lifecycle.batch_list(programme)
    form = ReturnForm(request.POST or None, request.FILES or None, batches=batches)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        with on_form(form):
            reading.check_size(upload.size or 0)
            imported = returns.batch_return_import(
                programme_id=programme.pk,
                batch_id=form.cleaned_data["batch"],
                content=upload.read(),
                filename=upload.name or "",
                actor=user,
            )
            return redirect(
                "web:programme_return", programme_id=programme.pk, import_id=imported.pk
            )
    context = {
        "nav": NAV,
        "programme": programme,
        "form": form if can_import and batches else None,
        "imports": selectors_lifecycle.return_import_list(programme),
    }
    status = 422 if form.is_bound else 200
    return render_page(request, "web/programs/returns.html", context, status)


@page
def programme_return(request: HttpRequest, programme_id: int, import_id: int) -> HttpResponse:
    imported = selectors_lifecycle.return_import_get(
        actor=actor(request), programme_id=programme_id, import_id=import_id
    )
    problems: list[dict[str, Any]] = list(imported.problems or [])
    context = {
        "nav": NAV,
        "programme": imported.programme,
        "imported": imported,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
    }
    return render_page(request, "web/programs/returns_report.html", context)


# --- refill ------------------------------------------------------------------------------------


def _as_of(raw: str) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError as exc:
        raise ValidationError({"as_of": _("Tanggal tidak valid: %(v)s") % {"v": raw}}) from exc


@page
@require_http_methods(["GET", "POST"])
def programme_refill(request: HttpRequest, programme_id: int) -> HttpResponse:
    """GET: what a refill on the date would free and enrol. POST: do it."""
    user = actor(request)
    if request.method == "POST":
        as_of = _as_of(request.POST.get("as_of", ""))
        try:
            run = refill.programme_refill(programme_id=programme_id, actor=user, as_of=as_of)
            messages.success(
                request,
                _("%(freed)s tempat dibebaskan, %(n)s penerima pengganti didaftarkan.")
                % {"freed": sum(run.freed.values()), "n": run.refilled},
            )
        except Conflict as exc:
            messages.error(request, exc.message)
        return redirect("web:programme_refill", programme_id=programme_id)
    as_of = _as_of(request.GET.get("as_of", ""))
    plan = refill.refill_preview(programme_id=programme_id, actor=user, as_of=as_of)
    context = {
        "nav": NAV,
        "programme": plan.programme,
        "plan": plan,
        "freed": [(f, _label(f.reason)) for f in plan.freed],
        "queue_reasons": [
            (code, rules.REASONS.get(code, code), n) for code, n in sorted(plan.queue.items())
        ],
        "can_apply": plan.programme.status == ProgrammeStatus.ACTIVE
        and bool(plan.freed or plan.moved or plan.refill),
        "refills": [
            (r, sum(r.freed.values())) for r in selectors_lifecycle.refill_list(plan.programme)
        ],
    }
    return render_page(request, "web/programs/refill.html", context)


def _label(reason: str) -> str:
    return _(BeneficiaryEnd(reason).label)  # stored Indonesian label, translated on the way out


# --- renewal -----------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def programme_renew(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = actor(request)
    programme = selectors.programme_get(
        actor=user, programme_id=programme_id, permission=access.MANAGE_PROGRAMME
    )
    start = rules.add_months(programme.start_month, programme.months)
    initial = {"budget": programme.budget, "months": programme.months, "start_month": start}
    form = RenewForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        with on_form(form):
            new = renewal.programme_renew(
                programme_id=programme.pk,
                actor=user,
                mode=data["mode"],
                budget=data["budget"],
                start_month=data["start_month"],
                months=data["months"],
                name=data["name"],
            )
            messages.success(request, _("Program %(name)s dibuat (draf).") % {"name": new.name})
            return redirect("web:programme", programme_id=new.pk)
    context = {
        "nav": NAV,
        "programme": programme,
        "form": form,
        "successor": selectors_lifecycle.successor_of(programme),
        "renewable": programme.status in RENEWABLE,
        "start": start,
    }
    status = 422 if form.is_bound else 200
    return render_page(request, "web/programs/renew.html", context, status)
