"""Payments: list, record one, import a bank statement with its report, reverse, and the
unmatched queue where an officer names the payer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lindungi.contributions.models import Payment, PaymentStatus
from lindungi.contributions.payments import selectors, services
from lindungi.contributions.payments.importing import import_counts
from lindungi.core import access
from lindungi.core.errors import ValidationError
from lindungi.web.catalog import translated
from lindungi.web.errors import actor, on_form, page, render_page
from lindungi.web.forms import DateInput
from lindungi.web.templatetags.lindungi import rupiah

PAGE = 50
MAX_UPLOAD = 50 * 1024 * 1024
PROBLEMS_SHOWN = 500


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=translated(PaymentStatus.choices, blank="—"),
    )
    paid_from = forms.DateField(
        label=gettext_lazy("Dibayar sejak"), required=False, widget=DateInput()
    )
    paid_to = forms.DateField(
        label=gettext_lazy("Dibayar sampai"), required=False, widget=DateInput()
    )
    payer = forms.CharField(
        label=gettext_lazy("Pembayar"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("ID atau virtual account")}),
    )
    import_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())


class PaymentForm(forms.Form):
    virtual_account = forms.CharField(
        label=gettext_lazy("Nomor virtual account"), required=False, max_length=40
    )
    amount = forms.IntegerField(label=gettext_lazy("Jumlah (Rp)"), min_value=1)
    paid_on = forms.DateField(label=gettext_lazy("Tanggal bayar"), widget=DateInput())
    bank_reference = forms.CharField(label=gettext_lazy("Referensi bank"), max_length=64)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas mutasi rekening (CSV/XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls"}),
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan pembatalan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PayerSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Cari pembayar"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": gettext_lazy("Virtual account, NPP atau nama")}
        ),
    )


class MatchForm(forms.Form):
    payer_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput())


def _payer_id(text: str) -> int | None:
    """A payer id as typed, or the payer of a virtual account (no such payer: none match)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    if len(digits) < 10:
        return int(digits)
    return selectors.payer_id_for_virtual_account(virtual_account=digits) or 0


def _page_of(items: list[Payment]) -> tuple[list[Payment], int | None]:
    more = len(items) > PAGE
    items = items[:PAGE]
    return items, (items[-1].pk if more and items else None)


@page
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET)
    items: list[Payment] = []
    next_before = None
    if form.is_valid():
        data = form.cleaned_data
        items, next_before = _page_of(
            selectors.payment_list(
                actor=actor(request),
                status=data["status"] or None,
                payer_id=_payer_id(data["payer"]),
                import_id=data["import_id"],
                before_id=data["before"],
                paid_from=data["paid_from"],
                paid_to=data["paid_to"],
                limit=PAGE + 1,
            )
        )
    else:
        access.require(actor(request), access.VIEW_PAYMENTS)
    context = {"nav": "payments", "form": form, "items": items, "next_before": next_before}
    return render_page(request, "web/payments/list.html", context)


@page
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    user = actor(request)
    payment = selectors.payment_get(actor=user, payment_id=payment_id)
    allocations = list(selectors.payment_allocations(actor=user, payment_id=payment_id))
    context = {
        "nav": "payments",
        "payment": payment,
        "allocations": allocations,
        "allocated": sum(a.amount for a in allocations),
    }
    return render_page(request, "web/payments/detail.html", context)


@page
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    access.require(user, services.RECORD_PAYMENT)  # refuse the empty form up front
    form = PaymentForm(request.POST or None)
    if form.is_bound and form.is_valid():
        with on_form(form):
            payment = services.payment_record(**form.cleaned_data, actor=user)
            messages.success(request, _("Pembayaran %(ref)s tercatat.") % {"ref": payment})
            return redirect("web:payment", payment_id=payment.pk)
    status = 422 if form.is_bound else 200
    context = {"nav": "payments", "form": form}
    return render_page(request, "web/payments/form.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def payment_reverse(request: HttpRequest, payment_id: int) -> HttpResponse:
    """GET asks for the reason and confirmation; POST reverses."""
    user = actor(request)
    access.require(user, services.RECORD_PAYMENT)
    payment = selectors.payment_get(actor=user, payment_id=payment_id)
    form = ReverseForm(request.POST or None)
    if form.is_bound and form.is_valid():
        with on_form(form):
            services.payment_reverse(
                payment_id=payment.pk, reason=form.cleaned_data["reason"], actor=user
            )
            messages.success(request, _("Pembayaran %(ref)s dibatalkan.") % {"ref": payment})
            return redirect("web:payment", payment_id=payment.pk)
    status = 422 if form.is_bound else 200
    context = {"nav": "payments", "payment": payment, "form": form}
    return render_page(request, "web/payments/reverse.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    access.require(user, services.RECORD_PAYMENT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        with on_form(form):
            if upload.size > MAX_UPLOAD:
                raise ValidationError({"file": _("Berkas terlalu besar (maks. 50 MB).")})
            imported = services.payment_import(
                data=upload.read(), file_name=upload.name or "", actor=user
            )
            return redirect("web:payment_import_report", import_id=imported.pk)
    context = {
        "nav": "payments",
        "form": form,
        "imports": selectors.import_list(actor=user, limit=20),
    }
    status = 422 if form.is_bound else 200
    return render_page(request, "web/payments/import.html", context, status=status)


@page
def import_report(request: HttpRequest, import_id: int) -> HttpResponse:
    imported = selectors.import_get(actor=actor(request), import_id=import_id)
    problems: list[dict[str, Any]] = list(imported.problems or [])
    context = {
        "nav": "payments",
        "imported": imported,
        "counts": import_counts(imported),
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(imported.invalid - min(len(problems), PROBLEMS_SHOWN), 0),
    }
    return render_page(request, "web/payments/import_report.html", context)


@page
def unmatched_queue(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    before = request.GET.get("before", "")
    items, next_before = _page_of(
        selectors.unmatched_queue(
            actor=user, before_id=int(before) if before.isdigit() else None, limit=PAGE + 1
        )
    )
    context = {
        "nav": "payments_queue",
        "items": items,
        "next_before": next_before,
        "totals": selectors.queue_totals(actor=user),
    }
    return render_page(request, "web/payments/queue.html", context)


@page
def payment_match(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The payment, a payer search (HTMX re-renders the results), and one button per payer."""
    user = actor(request)
    access.require(user, services.RECORD_PAYMENT)
    payment = selectors.payment_get(actor=user, payment_id=payment_id)
    search = PayerSearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    payers = selectors.payer_search(actor=user, text=text) if text else []
    context = {
        "nav": "payments_queue",
        "payment": payment,
        "search": search,
        "payers": payers,
        "searched": bool(text),
    }
    template = "web/payments/_payers.html" if request.headers.get("HX-Request") else None
    return render_page(request, template or "web/payments/match.html", context)


@page
@require_POST
def payment_match_submit(request: HttpRequest, payment_id: int) -> HttpResponse:
    user = actor(request)
    form = MatchForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"payer_id": _("Pilih pembayar.")})
    payment = services.payment_match(
        payment_id=payment_id, payer_id=form.cleaned_data["payer_id"], actor=user
    )
    allocated = sum(
        a.amount for a in selectors.payment_allocations(actor=user, payment_id=payment.pk)
    )
    messages.success(
        request,
        _("Pembayaran %(ref)s dicocokkan ke %(payer)s; dialokasikan %(amount)s.")
        % {"ref": payment.bank_reference, "payer": payment.payer, "amount": rupiah(allocated)},
    )
    return redirect("web:payment", payment_id=payment.pk)
