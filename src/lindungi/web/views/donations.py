"""GN Lingkaran screens: pools, donors, pledges, donations and reversals, receipts, allocation,
and a donor's impact report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindungi.core import access
from lindungi.core.errors import Conflict, ValidationError
from lindungi.donations import funding, impact, selectors, services
from lindungi.donations.allocation import pool_allocate
from lindungi.donations.models import Donor, Pledge, PledgeStatus, Pool
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.views.donations_forms import (
    DonationForm,
    DonorForm,
    OpenPoolForm,
    PledgeForm,
    ReverseForm,
)

NAV = "donations"


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@page
def pool_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    context: dict[str, Any] = {
        "nav": NAV,
        "pools": list(selectors.pool_list(actor=user)[:100]),
        "own_donors": list(selectors.own_donors(actor=user)[:100]),
        "open_form": None,
    }
    if access.has(user, access.MANAGE_DONATIONS):
        programmes = selectors.openable_programmes(actor=user)
        context["open_form"] = OpenPoolForm(programmes=programmes) if programmes.exists() else None
    return render_page(request, "web/donations/list.html", context)


@page
@require_POST
def pool_open(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = OpenPoolForm(request.POST, programmes=selectors.openable_programmes(actor=user))
    if form.is_valid():
        with on_form(form):
            pool = services.pool_open(
                programme_id=form.cleaned_data["programme"].pk,
                name=form.cleaned_data["name"],
                actor=user,
            )
            messages.success(request, _("Pool donasi %(name)s dibuka.") % {"name": pool})
            return redirect("web:pool", pool_id=pool.pk)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("web:donations")


@page
def pool_detail(request: HttpRequest, pool_id: int) -> HttpResponse:
    user = actor(request)
    pool = selectors.pool_get(actor=user, pool_id=pool_id)
    context = {
        "nav": NAV,
        "pool": pool,
        "programme": pool.programme,
        "balance": selectors.pool_balance(pool),
        "donors": list(selectors.pool_donors(pool)),
        "pledges": list(selectors.pool_pledges(pool)),
        "donations": selectors.pool_donations(pool),
    }
    return render_page(request, "web/donations/detail.html", context)


def _form_page(
    request: HttpRequest, pool: Pool, form: Any, title: str, status: int = 200
) -> HttpResponse:
    context = {"nav": NAV, "pool": pool, "form": form, "title": title}
    return render_page(request, "web/donations/form.html", context, status)


@page
@require_http_methods(["GET", "POST"])
def donor_create(request: HttpRequest, pool_id: int) -> HttpResponse:
    user = actor(request)
    pool = selectors.pool_get(actor=user, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    form = DonorForm(request.POST or None)
    if form.is_bound and form.is_valid():
        with on_form(form):
            donor = services.donor_create(pool_id=pool.pk, actor=user, **form.service_values())
            messages.success(request, _("Donatur %(d)s terdaftar.") % {"d": donor.label})
            return redirect("web:pool", pool_id=pool.pk)
    status = 422 if form.is_bound else 200
    return _form_page(request, pool, form, _("Daftarkan donatur"), status)


@page
@require_http_methods(["GET", "POST"])
def pledge_create(request: HttpRequest, pool_id: int) -> HttpResponse:
    user = actor(request)
    pool = selectors.pool_get(actor=user, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    donors = Donor.objects.filter(pool=pool).order_by("id")
    form = PledgeForm(request.POST or None, donors=donors)
    if form.is_bound and form.is_valid():
        with on_form(form):
            services.pledge_record(pool_id=pool.pk, actor=user, **form.service_values())
            messages.success(request, _("Janji donasi dicatat."))
            return redirect("web:pool", pool_id=pool.pk)
    status = 422 if form.is_bound else 200
    return _form_page(request, pool, form, _("Catat janji donasi"), status)


@page
@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest, pool_id: int) -> HttpResponse:
    user = actor(request)
    pool = selectors.pool_get(actor=user, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    donors = Donor.objects.filter(pool=pool).order_by("id")
    pledges = Pledge.objects.filter(pool=pool, status=PledgeStatus.OPEN).select_related("donor")
    form = DonationForm(request.POST or None, donors=donors, pledges=pledges)
    if form.is_bound and form.is_valid():
        with on_form(form):
            donation = funding.donation_record(pool_id=pool.pk, actor=user, **form.service_values())
            number = donation.receipt.number
            messages.success(request, _("Donasi dicatat; kuitansi %(n)s.") % {"n": number})
            return redirect("web:pool", pool_id=pool.pk)
    status = 422 if form.is_bound else 200
    return _form_page(request, pool, form, _("Catat donasi diterima"), status)


@page
@require_http_methods(["GET", "POST"])
def donation_reverse(request: HttpRequest, donation_id: int) -> HttpResponse:
    user = actor(request)
    donation = selectors.donation_get(actor=user, donation_id=donation_id, manage=True)
    form = ReverseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        with on_form(form):
            funding.donation_reverse(donation_id=donation.pk, actor=user, **form.cleaned_data)
            messages.success(request, _("Donasi dibatalkan; anggaran program disesuaikan."))
            return redirect("web:pool", pool_id=donation.pool_id)
    context = {"nav": NAV, "donation": donation, "pool": donation.pool, "form": form}
    status = 422 if form.is_bound else 200
    return render_page(request, "web/donations/reverse.html", context, status)


@page
@require_POST
def pledge_cancel(request: HttpRequest, pool_id: int, pledge_id: int) -> HttpResponse:
    try:
        services.pledge_cancel(
            pledge_id=pledge_id, reason=request.POST.get("reason", ""), actor=actor(request)
        )
        messages.success(request, _("Janji dibatalkan."))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, exc.first_message)
    return redirect("web:pool", pool_id=pool_id)


@page
@require_POST
def allocate(request: HttpRequest, pool_id: int) -> HttpResponse:
    run = pool_allocate(pool_id=pool_id, actor=actor(request))
    messages.success(
        request,
        _("Alokasi selesai: %(m)s bulan-pekerja dibayar penuh dari %(n)s.")
        % {"m": run.paid_months, "n": run.worker_months},
    )
    return redirect("web:pool", pool_id=pool_id)


@page
def receipt(request: HttpRequest, donation_id: int) -> HttpResponse:
    found = selectors.receipt_get(actor=actor(request), donation_id=donation_id)
    return _pdf(bytes(found.pdf), f"kuitansi-{found.number.replace('/', '-')}")


@page
def donor_impact(request: HttpRequest, donor_id: int) -> HttpResponse:
    report = impact.donor_impact(actor=actor(request), donor_id=donor_id)
    context = {
        "nav": NAV,
        "report": report,
        "headline": impact.headline(report),
        "tables": impact.tables(report),
        "note": impact.note(),
    }
    return render_page(request, "web/donations/impact.html", context)


@page
def donor_impact_pdf(request: HttpRequest, donor_id: int) -> HttpResponse:
    report = impact.donor_impact(actor=actor(request), donor_id=donor_id)
    return _pdf(impact.impact_pdf(report), f"dampak-donatur-{donor_id}")
