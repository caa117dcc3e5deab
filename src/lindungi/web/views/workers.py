"""Workers: search, detail (with reveal and memberships), register and correct."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindungi.core import access
from lindungi.registry import selectors, services
from lindungi.registry.models import Worker
from lindungi.web import forms
from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, on_form, page, render_page


@page
def worker_list(request: HttpRequest) -> HttpResponse:
    occupations = web_selectors.occupation_choices()
    form = forms.WorkerSearchForm(request.GET, occupations=occupations)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        query = selectors.WorkerQuery(
            text=data["q"],
            region=data["region"],
            occupation=data["occupation"],
            segment=data["segment"],
            status=data["status"],
            after=data["after"],
        )
        result = selectors.worker_search(actor=actor(request), query=query)
    rows = [(w, selectors.worker_masked_nik(w)) for w in result.items] if result else []
    context = {"nav": "workers", "form": form, "page": result, "rows": rows}
    return render_page(request, "web/workers/list.html", context)


def detail_page(
    request: HttpRequest,
    worker_id: int,
    *,
    start_form: forms.MembershipStartForm | None = None,
    end_form: forms.MembershipEndForm | None = None,
    revealed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = actor(request)
    worker = selectors.worker_get(actor=user, worker_id=worker_id)
    context = {
        "nav": "workers",
        "worker": worker,
        "masked_nik": selectors.worker_masked_nik(worker),
        "masked_phone": selectors.worker_masked_phone(worker),
        "revealed": revealed or {},
        "memberships": selectors.worker_memberships(actor=user, worker=worker),
        "history": selectors.worker_history(actor=user, worker=worker),
        "start_form": start_form or forms.MembershipStartForm(),
        "end_form": end_form,
        "end_blank": forms.MembershipEndForm(auto_id=False),
        "next_url": request.path if request.method == "GET" else _detail_url(worker),
    }
    return render_page(request, "web/workers/detail.html", context, status=status)


def _detail_url(worker: Worker) -> str:
    return reverse("web:worker", args=[worker.pk])


@page
def worker_detail(request: HttpRequest, worker_id: int) -> HttpResponse:
    return detail_page(request, worker_id)


@page
@require_POST
def worker_reveal(request: HttpRequest, worker_id: int) -> HttpResponse:
    """Show the NIK (or phone) once; the service writes the audit event."""
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return detail_page(request, worker_id, status=400)
    field = form.cleaned_data["field"]
    value = services.worker_reveal(
        worker_id=worker_id,
        field=field,
        actor=actor(request),
        purpose=form.cleaned_data["purpose"],
    )
    response = detail_page(request, worker_id, revealed={field: value})
    response["Cache-Control"] = "no-store"
    return response


def _form_page(request: HttpRequest, form: forms.WorkerForm, **extra: Any) -> HttpResponse:
    picker = web_selectors.village_picker(
        actor=actor(request),
        chosen=web_selectors.picker_choice(form["village_code"].value(), request.POST),
    )
    context = {"nav": "workers", "form": form, "picker": picker, **extra}
    status = 422 if form.is_bound and form.errors else 200
    return render_page(request, "web/workers/form.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def worker_create(request: HttpRequest) -> HttpResponse:
    access.require(actor(request), access.REGISTER_WORKER)  # refuse the empty form up front
    occupations = web_selectors.occupation_choices()
    form = forms.WorkerForm(request.POST or None, occupations=occupations)
    if form.is_bound and form.is_valid():
        with on_form(form):
            worker = services.worker_register(
                data=services.WorkerInput(**form.service_values()), actor=actor(request)
            )
            messages.success(request, _("Pekerja %(name)s terdaftar.") % {"name": worker})
            return redirect("web:worker", worker_id=worker.pk)
    return _form_page(request, form, creating=True)


def _initial(worker: Worker) -> dict[str, Any]:
    return {
        "full_name": worker.full_name,
        "birth_place": worker.birth_place,
        "birth_date": worker.birth_date,
        "sex": worker.sex,
        "village_code": worker.village_id,
        "address_line": worker.address_line,
        "occupation": worker.occupation_id or "",
        "welfare_decile": worker.welfare_decile,
        "village_role": worker.village_role,
    }


@page
@require_http_methods(["GET", "POST"])
def worker_edit(request: HttpRequest, worker_id: int) -> HttpResponse:
    user = actor(request)
    worker = web_selectors.worker_to_correct(actor=user, worker_id=worker_id)
    occupations = web_selectors.occupation_choices()
    form = forms.WorkerForm(
        request.POST or None, initial=_initial(worker), occupations=occupations, editing=True
    )
    if form.is_bound and form.is_valid():
        with on_form(form):
            services.worker_correct(
                worker_id=worker.pk,
                changes=form.service_changes(),
                actor=user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Data pekerja disimpan."))
            return redirect("web:worker", worker_id=worker.pk)
    return _form_page(
        request,
        form,
        worker=worker,
        masked_nik=selectors.worker_masked_nik(worker),
        masked_phone=selectors.worker_masked_phone(worker),
    )
