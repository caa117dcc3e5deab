"""Start and end a worker's memberships from the worker's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.accounts.models import User
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.registry import selectors, services
from lindungi.registry.models import Payer
from lindungi.web import forms
from lindungi.web.errors import actor, on_form, page
from lindungi.web.views.workers import detail_page


def _payer(user: User, worker_id: int, data: dict[str, Any]) -> Payer:
    """The worker's own payer, or the employer found by its NPP/NIB within the actor's scope."""
    if data["payer_kind"] == "self":
        return services.payer_for_self(selectors.worker_get(actor=user, worker_id=worker_id))
    found = selectors.employer_search(
        actor=user, query=selectors.EmployerQuery(text=data["employer"], limit=2)
    ).items
    if len(found) != 1:
        raise ValidationError(
            {"employer": _("Pemberi kerja dengan NPP/NIB ini tidak ditemukan di wilayah Anda.")}
        )
    return services.payer_for_employer(found[0])


@page
@require_POST
def membership_start(request: HttpRequest, worker_id: int) -> HttpResponse:
    user = actor(request)
    access.require(user, access.START_MEMBERSHIP)  # before a payer account is created
    form = forms.MembershipStartForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form), transaction.atomic():
            services.membership_start(
                worker_id=worker_id,
                segment=data["segment"],
                payer=_payer(user, worker_id, data),
                programmes=data["programmes"],
                declared_wage=data["declared_wage"],
                start=data["start"],
                kpj=data["kpj"],
                actor=user,
            )
            messages.success(request, _("Kepesertaan dimulai."))
            return redirect("web:worker", worker_id=worker_id)
    return detail_page(request, worker_id, start_form=form, status=422)


@page
@require_POST
def membership_end(request: HttpRequest, worker_id: int) -> HttpResponse:
    form = forms.MembershipEndForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with on_form(form):
            services.membership_end(
                membership_id=data["membership"],
                on=data["end"],
                reason=data["reason"],
                actor=actor(request),
            )
            messages.success(request, _("Kepesertaan diakhiri."))
            return redirect("web:worker", worker_id=worker_id)
    return detail_page(request, worker_id, end_form=form, status=422)
