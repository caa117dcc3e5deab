"""Regions of Indonesia, occupations with their JKK risk group, and effective-dated rule rows."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "Provinsi"
    REGENCY = 2, "Kabupaten/Kota"
    DISTRICT = 3, "Kecamatan"
    VILLAGE = 4, "Desa/Kelurahan"


class Region(models.Model):
    """A Kemendagri region; `code` has no dots (6402012001) so prefixes are index ranges.

    Historic rows are codes that no longer exist (e.g. Kalimantan Utara's pre-2012 codes under
    Kalimantan Timur) but still appear in NIKs issued before the boundary change.
    """

    code = models.CharField(max_length=10, primary_key=True)
    level = models.PositiveSmallIntegerField(choices=RegionLevel.choices)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    historic = models.BooleanField(default=False)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    source = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?$"),
                name="region_code_digits",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="region_level_idx")]

    def __str__(self) -> str:
        return f"{self.dotted} {self.name}"

    @property
    def dotted(self) -> str:
        return dotted(self.code)


def dotted(code: str) -> str:
    """6402012001 → 64.02.01.2001, the form Kemendagri and people write."""
    parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
    return ".".join(p for p in parts if p)


def undotted(code: str) -> str:
    """64.02.01.2001 (or 6402012001, with spaces) → 6402012001, the stored form."""
    return "".join(code.split()).replace(".", "")


class RiskGroup(models.IntegerChoices):
    """JKK risk group of PP 44/2015 Pasal 16."""

    I = 1, "I (sangat rendah)"  # noqa: E741
    II = 2, "II (rendah)"
    III = 3, "III (sedang)"
    IV = 4, "IV (tinggi)"
    V = 5, "V (sangat tinggi)"


class Occupation(models.Model):
    """An occupation as offices record it, with the JKK risk group its work carries."""

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    jkk_risk_group = models.PositiveSmallIntegerField(choices=RiskGroup.choices)
    informal = models.BooleanField(default=True)
    kbli_section = models.CharField(max_length=1, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RuleStatus(models.TextChoices):
    """How well a rule row's figure is evidenced (the markers of REGULATIONS.md)."""

    REG = "REG", "Teks peraturan (regulation text)"
    OFF = "OFF", "Sumber resmi (official page)"
    NEWS = "NEWS", "Berita (press report)"
    CODE = "CODE", "Kode pihak ketiga (third-party code)"
    DERIVED = "DERIVED", "Diturunkan (derived here)"
    UNVERIFIED = "UNVERIFIED", "Belum terverifikasi (unverified)"


class RuleRow(models.Model):
    """One effective-dated row of a rule table (rates, caps, brackets, discounts, fines).

    A row is in force on `d` when valid_from <= d < valid_to (open-ended when valid_to is null).
    Every row names the regulation that set it; calculations store the rows they used.
    """

    table = models.CharField(max_length=48)
    key = models.CharField(max_length=48, blank=True, default="")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    params = models.JSONField(default=dict, blank=True)
    regulation = models.CharField(max_length=200)
    source = models.TextField(default="")
    status = models.CharField(max_length=16, choices=RuleStatus.choices, default=RuleStatus.REG)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["table", "key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["table", "key", "valid_from"], name="rule_row_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="rule_row_period",
            ),
            models.CheckConstraint(condition=~Q(regulation=""), name="rule_row_regulation"),
            models.CheckConstraint(
                condition=Q(status__in=RuleStatus.values), name="rule_row_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table}[{self.key}] {self.valid_from}: {self.value} ({self.regulation})"
