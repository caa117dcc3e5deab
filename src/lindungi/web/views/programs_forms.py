"""Forms of the programme screens: parse what people type; the services decide the rest."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lindungi.programs import rules
from lindungi.programs.models import BudgetSource, Sponsor
from lindungi.web.catalog import translated


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m")


def _month_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"]
    )


def _codes(value: str) -> tuple[str, ...]:
    return tuple(
        v.strip().replace(".", "") for v in value.replace(";", ",").split(",") if v.strip()
    )


class ProgrammeForm(forms.Form):
    error_aliases = {"sponsor_id": "sponsor", "region_code": "region"}

    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=Sponsor.objects.none())
    name = forms.CharField(label=_("Nama program"), max_length=200)
    budget_source = forms.ChoiceField(
        label=_("Sumber anggaran"), choices=translated(BudgetSource.choices)
    )
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2015, max_value=2100)
    budget = forms.IntegerField(label=_("Anggaran (Rp)"), min_value=1)
    start_month = _month_field(_("Bulan mulai"))
    months = forms.IntegerField(label=_("Lama (bulan)"), min_value=1, max_value=60, initial=12)
    declared_income = forms.IntegerField(
        label=_("Penghasilan dilaporkan (Rp)"), initial=1_000_000, min_value=1
    )
    jht = forms.BooleanField(label=_("Termasuk JHT"), required=False)
    quota = forms.IntegerField(label=_("Target pekerja (opsional)"), required=False, min_value=1)
    region = forms.CharField(label=_("Wilayah program (kode)"), required=False, max_length=13)
    target_regions = forms.CharField(
        label=_("Wilayah sasaran (kode, pisahkan koma)"), required=False, max_length=500
    )
    target_deciles = forms.MultipleChoiceField(
        label=_("Desil kesejahteraan sasaran"),
        required=False,
        choices=[(str(d), str(d)) for d in range(1, 11)],
        widget=forms.CheckboxSelectMultiple,
    )
    target_occupations = forms.CharField(
        label=_("Kode pekerjaan sasaran (pisahkan koma)"), required=False, max_length=500
    )
    village_officials_only = forms.BooleanField(
        label=_("Hanya perangkat desa/BPD/RT/RW"), required=False
    )
    min_age = forms.IntegerField(label=_("Usia minimum"), initial=18, min_value=0, max_value=100)
    max_age = forms.IntegerField(
        label=_("Usia maksimum"), required=False, min_value=0, max_value=120
    )
    exclude_protected = forms.BooleanField(
        label=_("Kecualikan yang sudah terlindungi JKK"), required=False, initial=True
    )
    exclude_wage_earners = forms.BooleanField(
        label=_("Kecualikan penerima upah"), required=False, initial=True
    )
    priority_1 = forms.ChoiceField(label=_("Prioritas 1"), choices=[])
    priority_2 = forms.ChoiceField(label=_("Prioritas 2"), required=False, choices=[])
    priority_3 = forms.ChoiceField(label=_("Prioritas 3"), required=False, choices=[])

    def __init__(self, *args: Any, sponsors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Sponsor]", self.fields["sponsor"]).queryset = sponsors
        choices = [(key, str(label)) for key, label in rules.PRIORITIES.items()]
        for i, name in enumerate(("priority_1", "priority_2", "priority_3")):
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = ([] if i == 0 else [("", "—")]) + choices
            self.initial.setdefault(name, rules.DEFAULT_PRIORITY[i])

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        priority = [data[f"priority_{i}"] for i in (1, 2, 3) if data.get(f"priority_{i}")]
        return {
            "sponsor_id": data["sponsor"].pk,
            "name": data["name"],
            "budget_source": data["budget_source"],
            "fiscal_year": data["fiscal_year"],
            "budget": data["budget"],
            "start_month": data["start_month"].replace(day=1),
            "months": data["months"],
            "declared_income": data["declared_income"],
            "jht": data["jht"],
            "quota": data["quota"],
            "region_code": _codes(data["region"])[0] if data["region"] else "",
            "target_regions": _codes(data["target_regions"]),
            "target_occupations": tuple(
                c.strip() for c in data["target_occupations"].split(",") if c.strip()
            ),
            "target_deciles": tuple(int(d) for d in data["target_deciles"]),
            "village_officials_only": data["village_officials_only"],
            "min_age": data["min_age"],
            "max_age": data["max_age"],
            "exclude_protected": data["exclude_protected"],
            "exclude_wage_earners": data["exclude_wage_earners"],
            "priority": tuple(dict.fromkeys(priority)),
        }


class PlannerForm(forms.Form):
    """One budget, up to three scenarios side by side."""

    budget = forms.IntegerField(label=_("Anggaran (Rp)"), min_value=1, initial=1_000_000_000)

    def __init__(self, *args: Any, start: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, months in enumerate((12, 6, 12), start=1):
            self.fields[f"s{i}_start"] = _month_field(_("Bulan mulai"), required=i == 1)
            self.fields[f"s{i}_months"] = forms.IntegerField(
                label=_("Lama (bulan)"), min_value=1, max_value=60, required=i == 1
            )
            self.fields[f"s{i}_income"] = forms.IntegerField(
                label=_("Penghasilan (Rp)"), min_value=1, required=False
            )
            self.fields[f"s{i}_jht"] = forms.BooleanField(label=_("+ JHT"), required=False)
            self.initial.setdefault(f"s{i}_start", start)
            self.initial.setdefault(f"s{i}_months", months)
            self.initial.setdefault(f"s{i}_income", 1_000_000)
            self.initial.setdefault(f"s{i}_jht", i == 3)

    def scenario_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"s{i}_{n}"] for n in ("start", "months", "income", "jht")] for i in (1, 2, 3)
        ]
