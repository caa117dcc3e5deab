"""Coverage dashboards with drill-down, filters, XLSX export and the DPRD PDF report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lindungi.analytics import exports, selectors
from lindungi.analytics.models import AgeBand
from lindungi.analytics.selectors import PAYER_KINDS, PROGRAMMES, SEGMENTS, Filters, Summary
from lindungi.web.errors import actor, page, render_page


def _filters(request: HttpRequest) -> Filters:
    return selectors.filters_from(
        month=request.GET.get("month", ""),
        segment=request.GET.get("segment", ""),
        programme=request.GET.get("programme", ""),
        payer_kind=request.GET.get("payer_kind", ""),
    )


def _load(request: HttpRequest, code: str) -> tuple[Summary, list[dict[str, Any]]]:
    user = actor(request)
    filters = _filters(request)
    summary = selectors.coverage_summary(actor=user, region=code, filters=filters)
    villages = (
        selectors.village_statuses(actor=user, region=code, month=filters.month)
        if summary.place.level >= 2
        else selectors.village_statuses(
            actor=user, region=code, month=filters.month, only_sadar=True
        )
    )
    return summary, villages


@page
def dashboard_home(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    code = selectors.home_code(user)
    selectors.place_for(actor=user, code=code)  # refuses roles without the permission
    return redirect("web:analytics_region", code=code or "id")


LABELS: dict[str, Any] = {
    "payer_kind": {
        "employer": _lazy("Pemberi kerja"),
        "self": _lazy("Mandiri"),
        "apbd_province": _lazy("APBD provinsi"),
        "apbd_regency": _lazy("APBD kabupaten/kota"),
        "village": _lazy("Dana Desa"),
        "csr": _lazy("CSR"),
        "state_enterprise": _lazy("BUMN/BUMD"),
        "individual": _lazy("Perorangan/ASN"),
        "gn_lingkaran": _lazy("GN Lingkaran"),
        "program": _lazy("Program sponsor"),
    },
    "sex": {"L": _lazy("Laki-laki"), "P": _lazy("Perempuan")},
    "age_band": dict(AgeBand.choices),
}


def pct(value: Decimal | None) -> str:
    """0.3499 -> 34,99 % (the active language's decimal mark)."""
    if value is None:
        return "—"
    return f"{formats.number_format(value * 100, 2)} %"


def _present(summary: Summary, villages: list[dict[str, Any]]) -> None:
    for row in summary.children:
        row["ratio_pct"] = pct(row["ratio"])
    for key, rows in summary.breakdowns.items():
        for row in rows:
            row["label"] = LABELS.get(key, {}).get(row["key"], row["label"])
    for village in villages:
        village["share_pct"] = pct(village["resident_share"])


@page
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    summary, villages = _load(request, "" if code == "id" else code)
    _present(summary, villages)
    chart = {
        "labels": [c["name"] for c in summary.children],
        "active": [c["active"] for c in summary.children],
        "trend_labels": [t["month"].strftime("%Y-%m") for t in summary.trend],
        "trend": [t["active"] for t in summary.trend],
    }
    context = {
        "nav": "analytics",
        "ratio_pct": pct(summary.ratio),
        "target_pct": pct(summary.target.value if summary.target else None),
        "s": summary,
        "villages": villages,
        "chart": chart,
        "query": request.GET.urlencode(),
        "segments": SEGMENTS,
        "programmes": PROGRAMMES,
        "payer_kinds": PAYER_KINDS,
        "breakdown_titles": {
            "segment": _("Segmen"),
            "payer_kind": _("Pembayar"),
            "sex": _("Jenis kelamin"),
            "age_band": _("Kelompok umur"),
            "occupation": _("Pekerjaan"),
        },
    }
    return render_page(request, "web/analytics/dashboard.html", context)


@page
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    summary, villages = _load(request, "" if code == "id" else code)
    body = exports.summary_xlsx(summary, villages)
    name = f"cakupan-{summary.place.code or 'id'}-{summary.filters.month:%Y-%m}.xlsx"
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    summary, villages = _load(request, "" if code == "id" else code)
    body = exports.summary_pdf(summary, villages)
    name = f"laporan-dprd-{summary.place.code or 'id'}-{summary.filters.month:%Y-%m}.pdf"
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
