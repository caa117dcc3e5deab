"""Forms of the billing screens: a month to bill, invoice filters, a statement period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.billing.selectors import InvoiceStatus

STATUS_LABELS = {
    InvoiceStatus.OPEN: _("Belum dibayar"),
    InvoiceStatus.PARTLY_PAID: _("Dibayar sebagian"),
    InvoiceStatus.PAID: _("Lunas"),
    InvoiceStatus.CREDIT: _("Kredit (koreksi turun)"),
    InvoiceStatus.OVERDUE: _("Lewat jatuh tempo"),
}


class MonthField(forms.DateField):
    """The browser's month picker (YYYY-MM); the value is the month's first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=["%Y-%m"], **kwargs)


def this_month() -> date:
    return timezone.localdate().replace(day=1)


class RunRequestForm(forms.Form):
    month = MonthField(label=_("Bulan iuran"))


class InvoiceFilterForm(forms.Form):
    month = MonthField(label=_("Bulan iuran"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", "—"), *STATUS_LABELS.items()],
    )
    text = forms.CharField(
        label=_("Nomor tagihan atau VA"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("INV-… atau 88…"), "type": "search"}),
    )
    payer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class StatementForm(forms.Form):
    from_month = MonthField(label=_("Dari bulan"))
    to_month = MonthField(label=_("Sampai bulan"))
