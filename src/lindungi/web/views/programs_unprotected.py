"""Planner: the eligible population still unprotected, by region (an HTMX partial of the
planner page, and a page of its own for a direct link)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.core import access
from lindungi.programs import unprotected
from lindungi.web import selectors as web_selectors
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.views.programs_forms import MonthInput

# The planner's first scenario prices the cover when the section is opened from the planner.
FROM_PLANNER = {"month": "s1_start", "months": "s1_months", "income": "s1_income", "jht": "s1_jht"}


class UnprotectedForm(forms.Form):
    region = forms.CharField(required=False, max_length=13, widget=forms.HiddenInput)
    month = forms.DateField(
        label=_("Bulan"), required=False, widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    months = forms.IntegerField(label=_("Lama (bulan)"), min_value=1, max_value=60, required=False)
    income = forms.IntegerField(label=_("Penghasilan (Rp)"), min_value=1, required=False)
    jht = forms.BooleanField(label=_("+ JHT"), required=False)
    deciles = forms.TypedMultipleChoiceField(
        label=_("Desil kesejahteraan"),
        required=False,
        coerce=int,
        choices=[(str(d), str(d)) for d in range(1, 11)],
        widget=forms.CheckboxSelectMultiple,
    )
    occupations = forms.MultipleChoiceField(label=_("Pekerjaan"), required=False, choices=[])
    village_officials_only = forms.BooleanField(
        label=_("Hanya perangkat desa/BPD/RT/RW"), required=False
    )
    min_age = forms.IntegerField(
        label=_("Usia minimum"), min_value=0, max_value=120, required=False
    )
    max_age = forms.IntegerField(
        label=_("Usia maksimum"), min_value=0, max_value=120, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["occupations"])
        field.choices = web_selectors.occupation_choices()

    def query_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "region": data["region"],
            "month": data["month"],
            "months": data["months"] or 12,
            "income": data["income"] or 1_000_000,
            "jht": data["jht"],
            "occupations": data["occupations"],
            "deciles": data["deciles"],
            "village_officials_only": data["village_officials_only"],
            "min_age": 18 if data["min_age"] is None else data["min_age"],
            "max_age": data["max_age"],
        }


FILTERS = tuple(name for name in UnprotectedForm.base_fields if name != "region")


def _data(get: QueryDict) -> QueryDict:
    """The section's own filters; opened from the planner, its first scenario's values."""
    data = get.copy()
    if "months" not in get and "s1_months" in get:
        for own, theirs in FROM_PLANNER.items():
            data.setlist(own, get.getlist(theirs))
    return data


def _filters_query(data: QueryDict) -> str:
    """The filters as a query string, for drill-down links that keep them."""
    pairs = [(k, v) for k in FILTERS for v in data.getlist(k)]
    return urlencode(pairs)


@page
def programme_unprotected(request: HttpRequest) -> HttpResponse:
    access.require(actor(request), access.VIEW_PROGRAMME)
    data = _data(request.GET)
    form = UnprotectedForm(data)
    result = None
    if form.is_valid():
        with on_form(form):
            query = unprotected.query_from(**form.query_values(), today=timezone.localdate())
            result = unprotected.unprotected_by_region(actor=actor(request), query=query)
    context = {"nav": "programs", "form": form, "result": result, "filters": _filters_query(data)}
    if request.headers.get("HX-Request"):
        # HTMX swaps only 2xx answers: a refused filter is shown in the section itself.
        return render_page(request, "web/programs/unprotected_partial.html", context)
    status = 422 if form.errors else 200
    return render_page(request, "web/programs/unprotected.html", context, status)
