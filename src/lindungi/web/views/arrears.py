"""Arrears: summed by region with a province → regency → district drill, and by payer."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lindungi.contributions import arrears_regions
from lindungi.contributions.fines import arrears
from lindungi.reference.models import undotted
from lindungi.web.errors import actor, page, render_page
from lindungi.web.forms import DateInput

LIMITS = [(50, "50"), (100, "100"), (500, "500")]


class ArrearsForm(forms.Form):
    region = forms.CharField(
        label=gettext_lazy("Kode wilayah"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("mis. 64.02")}),
    )
    as_of = forms.DateField(label=gettext_lazy("Per tanggal"), required=False, widget=DateInput())
    limit = forms.TypedChoiceField(
        label=gettext_lazy("Baris"), required=False, choices=LIMITS, coerce=int
    )

    def clean_region(self) -> str:
        code = undotted(self.cleaned_data["region"])
        if code and (not code.isdigit() or len(code) not in (2, 4, 6, 10)):
            raise forms.ValidationError(gettext_lazy("Kode wilayah tidak dikenal."))
        return code


def _filters(request: HttpRequest) -> tuple[ArrearsForm, str, date]:
    form = ArrearsForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        return form, data["region"], data["as_of"] or timezone.localdate()
    return form, "", timezone.localdate()


@page
def arrears_by_region(request: HttpRequest) -> HttpResponse:
    form, region, as_of = _filters(request)
    parent = region if len(region) < 10 else region[:6]
    rows = arrears_regions.arrears_by_region(actor=actor(request), as_of=as_of, parent=parent)
    context = {
        "nav": "arrears",
        "form": form,
        "parent": parent,
        "as_of": as_of,
        "trail": arrears_regions.region_trail(parent) if parent else [],
        "rows": rows,
        "total_unpaid": sum(r.unpaid for r in rows),
        "total_fine": sum(r.fine for r in rows),
        "total_payers": sum(r.payers for r in rows),
    }
    return render_page(request, "web/arrears/regions.html", context)


@page
def arrears_by_payer(request: HttpRequest) -> HttpResponse:
    form, region, as_of = _filters(request)
    limit = int(form.cleaned_data.get("limit") or 100) if form.is_valid() else 100
    rows = arrears(actor=actor(request), as_of=as_of, region=region or None, limit=limit)
    context = {
        "nav": "arrears",
        "form": form,
        "region": region,
        "as_of": as_of,
        "trail": arrears_regions.region_trail(region) if region else [],
        "rows": rows,
        "limit": limit,
        "more": len(rows) >= limit,
    }
    return render_page(request, "web/arrears/payers.html", context)
