"""Forms parse what people type; the services decide whether it is allowed and valid.

Field names follow the services' error keys so a ValidationError lands under the right field
(`error_aliases` maps the few that differ).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.reference.models import RiskGroup
from lindungi.registry.models import (
    EndReason,
    Segment,
    Sex,
    SizeClass,
    VillageRole,
    WorkerStatus,
)
from lindungi.web.catalog import translated

PROGRAMME_CHOICES = [(p, p) for p in ("JKK", "JKM", "JHT", "JP", "JKP")]


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: str | Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )


class WorkerSearchForm(forms.Form):
    """One box for NIK, KPJ or name, plus filters; never a COUNT."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("NIK, KPJ atau nama"), "type": "search"}),
    )
    region = forms.CharField(
        label=_("Kode wilayah"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": _("mis. 64.02")}),
    )
    occupation = forms.ChoiceField(label=_("Pekerjaan"), required=False)
    segment = forms.ChoiceField(
        label=_("Segmen aktif"), required=False, choices=translated(Segment.choices, blank="—")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=translated(WorkerStatus.choices, blank="—")
    )
    after = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, occupations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [("", "—"), *occupations]  # type: ignore[attr-defined]


class EmployerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("NPP, NIB atau nama perusahaan"), "type": "search"}
        ),
    )
    region = forms.CharField(
        label=_("Kode wilayah"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"placeholder": _("mis. 64.02")}),
    )
    size_class = forms.ChoiceField(
        label=_("Skala usaha"), required=False, choices=translated(SizeClass.choices, blank="—")
    )
    after = forms.IntegerField(required=False, widget=forms.HiddenInput())


class WorkerForm(forms.Form):
    """A worker's record. On edit, an empty NIK or phone keeps the stored one."""

    error_aliases = {"occupation_code": "occupation"}

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), required=False, max_length=100)
    birth_date = _date(_("Tanggal lahir"))
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=translated(Sex.choices, blank="—"))
    village_code = forms.CharField(label=_("Desa/Kelurahan"), max_length=13)
    address_line = forms.CharField(label=_("Alamat"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Nomor HP"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    occupation = forms.ChoiceField(label=_("Pekerjaan"), required=False)
    welfare_decile = forms.IntegerField(
        label=_("Desil kesejahteraan (1-10)"), required=False, min_value=1, max_value=10
    )
    village_role = forms.ChoiceField(
        label=_("Peran di desa"),
        required=False,
        choices=translated(VillageRole.choices, blank="—"),
    )
    reason = forms.CharField(label=_("Alasan koreksi"), required=False, max_length=200)

    def __init__(
        self, *args: Any, occupations: list[tuple[str, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].choices = [("", "—"), *occupations]  # type: ignore[attr-defined]
        if editing:
            for name in ("nik", "phone"):
                self.fields[name].help_text = _("Kosongkan untuk tetap memakai data tersimpan.")
        else:
            del self.fields["reason"]

    def service_values(self) -> dict[str, Any]:
        """The cleaned data as WorkerInput's keyword arguments."""
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "nik": data["nik"],
            "birth_place": data["birth_place"],
            "birth_date": data["birth_date"],
            "sex": data["sex"],
            "village_code": data["village_code"],
            "address_line": data["address_line"],
            "phone": data["phone"],
            "occupation_code": data["occupation"] or None,
            "welfare_decile": data["welfare_decile"],
            "village_role": data["village_role"],
        }

    def service_changes(self) -> dict[str, Any]:
        """Corrections: every field, except a NIK or phone left empty (kept as stored)."""
        values = self.service_values()
        for secret in ("nik", "phone"):
            if not values[secret].strip():
                del values[secret]
        return values


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Nama pemberi kerja"), max_length=200)
    npp = forms.CharField(label=_("NPP"), required=False, max_length=12)
    nib = forms.CharField(label=_("NIB"), required=False, max_length=20)
    kbli = forms.CharField(label=_("KBLI"), required=False, max_length=5)
    size_class = forms.ChoiceField(
        label=_("Skala usaha"), choices=translated(SizeClass.choices, blank="—")
    )
    jkk_risk_group = forms.TypedChoiceField(
        label=_("Kelompok risiko JKK"),
        coerce=int,
        choices=translated(RiskGroup.choices, blank="—"),
    )
    village_code = forms.CharField(label=_("Desa/Kelurahan"), max_length=13)
    address_line = forms.CharField(label=_("Alamat"), required=False, max_length=200)
    contact_name = forms.CharField(label=_("Nama kontak"), required=False, max_length=150)
    contact_phone = forms.CharField(label=_("Telepon kontak"), required=False, max_length=20)
    contact_email = forms.EmailField(label=_("Email kontak"), required=False)
    reason = forms.CharField(label=_("Alasan koreksi"), required=False, max_length=200)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class MembershipStartForm(forms.Form):
    """Start a membership; the payer is the worker (mandiri) or an employer found by NPP/NIB."""

    error_aliases = {"payer": "payer_kind"}

    segment = forms.ChoiceField(label=_("Segmen"), choices=translated(Segment.choices, blank="—"))
    payer_kind = forms.ChoiceField(
        label=_("Dibayar oleh"),
        choices=[("self", _("Peserta sendiri (mandiri)")), ("employer", _("Pemberi kerja"))],
    )
    employer = forms.CharField(label=_("NPP/NIB pemberi kerja"), required=False, max_length=20)
    programmes = forms.MultipleChoiceField(
        label=_("Program"),
        choices=PROGRAMME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["JKK", "JKM"],
    )
    declared_wage = forms.IntegerField(
        label=_("Upah/penghasilan sebulan (Rp)"), min_value=1, max_value=10**12
    )
    start = _date(_("Mulai"))
    kpj = forms.CharField(label=_("Nomor KPJ"), required=False, max_length=14)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("payer_kind") == "employer" and not data.get("employer"):
            self.add_error("employer", _("Isi NPP atau NIB pemberi kerja."))
        return data


class MembershipEndForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput())
    end = _date(_("Berakhir"))
    reason = forms.ChoiceField(label=_("Alasan"), choices=translated(EndReason.choices))


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("nik", "NIK"), ("phone", _("Nomor HP"))])
    purpose = forms.CharField(required=False, max_length=200)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Tindakan"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "worker.reveal_nik"}),
    )
    object_type = forms.CharField(
        label=_("Jenis objek"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "registry.worker"}),
    )
    object_id = forms.CharField(label=_("ID objek"), required=False, max_length=64)
    date_from = _date(_("Dari tanggal"), required=False)
    date_to = _date(_("Sampai tanggal"), required=False)
    after = forms.IntegerField(required=False, widget=forms.HiddenInput())
