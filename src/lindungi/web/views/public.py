"""Pages without login: published coverage figures (suppressed) and the worker's self-check.

These views are deliberately not wrapped in `page` (which requires a login); errors they can
meet are handled here.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lindungi.analytics import public, selectors, selfcheck
from lindungi.core.errors import NotFound, ValidationError
from lindungi.web.errors import error_page
from lindungi.web.views.analytics import pct


def figures(request: HttpRequest, code: str = "") -> HttpResponse:
    try:
        filters = selectors.filters_from(month=request.GET.get("month", ""))
        found = public.public_figures(region=code, filters=filters)
    except NotFound:
        return error_page(request, 404)
    except ValidationError as exc:
        return error_page(request, 400, exc.message)
    context = {"f": found, "ratio_pct": pct(found.ratio), "perms_of": None}
    return render(request, "web/public/figures.html", context)


class SelfCheckForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=16, min_length=16)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"), widget=forms.DateInput(attrs={"type": "date"})
    )


# No session, no state changed, and a token in the page would make two answers differ; the
# per-address limit is what protects this form.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, SelfCheckForm(), None)
    if not selfcheck.allow(selfcheck.client_ip(request)):
        return _render(request, SelfCheckForm(), None, status=429)
    form = SelfCheckForm(request.POST)
    if not form.is_valid():
        return _render(request, form, None)
    birth: date = form.cleaned_data["birth_date"]
    answer = selfcheck.self_check(
        nik=form.cleaned_data["nik"], birth_date=birth, on=timezone.localdate()
    )
    return _render(request, SelfCheckForm(), answer)


def _render(
    request: HttpRequest, form: forms.Form, answer: selfcheck.SelfCheck | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "answer": answer, "limited": status == 429, "perms_of": None}
    return render(request, "web/public/selfcheck.html", context, status=status)
