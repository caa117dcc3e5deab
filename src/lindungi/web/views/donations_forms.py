"""Forms of the donation screens: parse what people type; the services decide the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from lindungi.donations.models import Channel, Donor, DonorKind, Pledge
from lindungi.programs.models import Programme, Sponsor, SponsorKind
from lindungi.web.catalog import translated
from lindungi.web.views.programs_forms import MonthInput

# Choice labels of donations.models, for `trans_label` and translated() (see web/catalog.py).
LABELS = [
    gettext_noop("Organisasi/perusahaan"),
    gettext_noop("Perorangan"),
    gettext_noop("Terbuka"),
    gettext_noop("Terpenuhi"),
    gettext_noop("Dibatalkan"),
    gettext_noop("Transfer bank"),
    gettext_noop("Virtual account"),
    gettext_noop("QRIS"),
    gettext_noop("Tunai"),
    gettext_noop("Lainnya"),
]


class OpenPoolForm(forms.Form):
    error_aliases = {"programme_id": "programme"}

    programme = forms.ModelChoiceField(
        label=_("Program GN Lingkaran"), queryset=Programme.objects.none()
    )
    name = forms.CharField(label=_("Nama pool (opsional)"), required=False, max_length=200)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Programme]", self.fields["programme"]).queryset = programmes


class DonorForm(forms.Form):
    error_aliases = {"sponsor_id": "sponsor"}

    kind = forms.ChoiceField(label=_("Jenis donatur"), choices=translated(DonorKind.choices))
    name = forms.CharField(label=_("Nama"), required=False, max_length=200)
    anonymous = forms.BooleanField(label=_("Anonim (nama tidak dicatat)"), required=False)
    sponsor = forms.ModelChoiceField(
        label=_("Akun sponsor yang boleh melihat laporannya (opsional)"),
        queryset=Sponsor.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Sponsor]", self.fields["sponsor"])
        # Companies only: an individual sponsor's name is personal data (link those by id).
        companies = [SponsorKind.CSR, SponsorKind.STATE_ENTERPRISE]
        field.queryset = Sponsor.objects.filter(kind__in=companies).order_by("name")

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        sponsor = data.get("sponsor")
        return {
            "kind": data["kind"],
            "name": data["name"],
            "anonymous": data["anonymous"],
            "sponsor_id": sponsor.pk if sponsor else None,
        }


class PledgeForm(forms.Form):
    error_aliases = {"donor_id": "donor"}

    donor = forms.ModelChoiceField(label=_("Donatur"), queryset=Donor.objects.none())
    amount = forms.IntegerField(label=_("Jumlah janji (Rp)"), min_value=1)
    start_month = forms.DateField(
        label=_("Bulan mulai"), widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    months = forms.IntegerField(label=_("Lama (bulan)"), min_value=1, max_value=60, initial=12)
    note = forms.CharField(label=_("Catatan"), required=False, max_length=200)

    def __init__(self, *args: Any, donors: QuerySet[Donor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Donor]", self.fields["donor"]).queryset = donors

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "donor_id": data["donor"].pk,
            "amount": data["amount"],
            "start_month": data["start_month"].replace(day=1),
            "months": data["months"],
            "note": data["note"],
        }


class PledgeChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Pledge) -> str:
        return f"#{obj.pk} {obj.donor} Rp{obj.amount:,}".replace(",", ".")


class DonationForm(forms.Form):
    error_aliases = {"donor_id": "donor", "pledge_id": "pledge"}

    donor = forms.ModelChoiceField(label=_("Donatur"), queryset=Donor.objects.none())
    amount = forms.IntegerField(label=_("Jumlah diterima (Rp)"), min_value=1)
    received_on = forms.DateField(
        label=_("Tanggal diterima"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label=_("Saluran"), choices=translated(Channel.choices))
    reference = forms.CharField(label=_("Nomor referensi"), max_length=64)
    pledge = PledgeChoice(
        label=_("Untuk janji (opsional)"), queryset=Pledge.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, donors: QuerySet[Donor], pledges: QuerySet[Pledge], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Donor]", self.fields["donor"]).queryset = donors
        only = list(donors[:2])
        if len(only) == 1:
            self.initial.setdefault("donor", only[0].pk)
        cast(PledgeChoice, self.fields["pledge"]).queryset = pledges
        self.initial.setdefault("received_on", timezone.localdate())

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        pledge = data.get("pledge")
        return {
            "donor_id": data["donor"].pk,
            "amount": data["amount"],
            "received_on": data["received_on"],
            "channel": data["channel"],
            "reference": data["reference"],
            "pledge_id": pledge.pk if pledge else None,
        }


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=200)
    reference = forms.CharField(
        label=_("Referensi pembatalan (opsional)"), required=False, max_length=64
    )
