"""Employers: search, detail with their members, register and correct."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.core import access
from lindungi.registry import selectors, services
from lindungi.registry.models import Employer
from lindungi.web import forms
from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, on_form, page, render_page


@page
def employer_list(request: HttpRequest) -> HttpResponse:
    form = forms.EmployerSearchForm(request.GET)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        query = selectors.EmployerQuery(
            text=data["q"],
            region=data["region"],
            size_class=data["size_class"],
            after=data["after"],
        )
        result = selectors.employer_search(actor=actor(request), query=query)
    context = {"nav": "employers", "form": form, "page": result}
    return render_page(request, "web/employers/list.html", context)


@page
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    user = actor(request)
    employer = selectors.employer_get(actor=user, employer_id=employer_id)
    after = request.GET.get("after", "")
    members = web_selectors.employer_members(
        actor=user, employer=employer, after=int(after) if after.isdigit() else None
    )
    context = {"nav": "employers", "employer": employer, "members": members}
    return render_page(request, "web/employers/detail.html", context)


def _form_page(request: HttpRequest, form: forms.EmployerForm, **extra: Any) -> HttpResponse:
    picker = web_selectors.village_picker(
        actor=actor(request),
        chosen=web_selectors.picker_choice(form["village_code"].value(), request.POST),
    )
    context = {"nav": "employers", "form": form, "picker": picker, **extra}
    status = 422 if form.is_bound and form.errors else 200
    return render_page(request, "web/employers/form.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def employer_create(request: HttpRequest) -> HttpResponse:
    access.require(actor(request), access.REGISTER_EMPLOYER)  # refuse the empty form up front
    form = forms.EmployerForm(request.POST or None)
    if form.is_bound and form.is_valid():
        with on_form(form):
            employer = services.employer_register(
                data=services.EmployerInput(**form.service_values()), actor=actor(request)
            )
            messages.success(request, _("Pemberi kerja %(name)s terdaftar.") % {"name": employer})
            return redirect("web:employer", employer_id=employer.pk)
    return _form_page(request, form, creating=True)


def _initial(employer: Employer) -> dict[str, Any]:
    names = [n for n in forms.EmployerForm.base_fields if n not in {"village_code", "reason"}]
    return {n: getattr(employer, n) or "" for n in names} | {"village_code": employer.village_id}


@page
@require_http_methods(["GET", "POST"])
def employer_edit(request: HttpRequest, employer_id: int) -> HttpResponse:
    user = actor(request)
    employer = web_selectors.employer_to_correct(actor=user, employer_id=employer_id)
    form = forms.EmployerForm(request.POST or None, initial=_initial(employer), editing=True)
    if form.is_bound and form.is_valid():
        with on_form(form):
            services.employer_correct(
                employer_id=employer.pk,
                changes=form.service_values(),
                actor=user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Data pemberi kerja disimpan."))
            return redirect("web:employer", employer_id=employer.pk)
    return _form_page(request, form, employer=employer)
