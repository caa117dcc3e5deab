"""Coverage facts: active participants per month and village, kept incrementally.

Every figure on a dashboard, a DPRD report or the public page is a sum over these rows, never a
count over memberships at request time. `CoverageFact` and `OccupationFact` hold one row per
non-empty cell of a (month, village) pair; `RegionFact` rolls them up to district, regency,
province and national level ('' is Indonesia); `VillageFact` carries the registry counts a
village's status needs. `facts.py` rewrites whole (month, village) cells, never single rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AgeBand(models.TextChoices):
    UNDER_25 = "u25", "< 25"
    FROM_25 = "25_34", "25-34"
    FROM_35 = "35_44", "35-44"
    FROM_45 = "45_54", "45-54"
    FROM_55 = "55p", "55+"


class _Measures(models.Model):
    """Workers active on the last day of the month (covered or in grace; see docs/analytics.md)."""

    active = models.PositiveIntegerField(default=0)
    jkk = models.PositiveIntegerField(default=0)
    jkm = models.PositiveIntegerField(default=0)
    jht = models.PositiveIntegerField(default=0)
    jp = models.PositiveIntegerField(default=0)
    jkp = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class CoverageFact(_Measures):
    """Active workers of one village in one month by segment, payer kind, sex and age band."""

    month = models.DateField()
    village_code = models.CharField(max_length=10)
    segment = models.CharField(max_length=8)
    payer_kind = models.CharField(max_length=24)
    sex = models.CharField(max_length=1)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    officials = models.PositiveIntegerField(default=0)  # of `active`: village officials
    vulnerable = models.PositiveIntegerField(default=0)  # of `active`: welfare decile 1-4

    class Meta:
        indexes = [models.Index(fields=["month", "village_code"], name="coverage_fact_cell_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_code} {self.segment}: {self.active}"


class OccupationFact(_Measures):
    """Active workers of one village in one month by occupation, segment and payer kind."""

    month = models.DateField()
    village_code = models.CharField(max_length=10)
    occupation = models.CharField(max_length=32)  # '' when the registry has none
    segment = models.CharField(max_length=8)
    payer_kind = models.CharField(max_length=24)

    class Meta:
        indexes = [models.Index(fields=["month", "village_code"], name="occupation_fact_cell_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_code} {self.occupation}: {self.active}"


class RegionFact(_Measures):
    """Roll-up of CoverageFact to districts, regencies, provinces and Indonesia ('')."""

    month = models.DateField()
    region_code = models.CharField(max_length=10, blank=True)
    level = models.PositiveSmallIntegerField()  # 0 national, 1 province, 2 regency, 3 district
    segment = models.CharField(max_length=8)
    payer_kind = models.CharField(max_length=24)
    sex = models.CharField(max_length=1)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    officials = models.PositiveIntegerField(default=0)
    vulnerable = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "level", "region_code"], name="region_fact_idx"),
            models.Index(fields=["region_code", "month"], name="region_fact_trend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code or 'ID'} {self.segment}: {self.active}"


class RegionOccupationFact(_Measures):
    """Roll-up of OccupationFact to districts, regencies, provinces and Indonesia ('')."""

    month = models.DateField()
    region_code = models.CharField(max_length=10, blank=True)
    level = models.PositiveSmallIntegerField()
    occupation = models.CharField(max_length=32)
    segment = models.CharField(max_length=8)
    payer_kind = models.CharField(max_length=24)

    class Meta:
        indexes = [
            models.Index(fields=["month", "level", "region_code"], name="region_occupation_idx")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code or 'ID'} {self.occupation}: {self.active}"


class VillageFact(models.Model):
    """A village's registered workers, officials and vulnerable workers, and how many are active."""

    month = models.DateField()
    village_code = models.CharField(max_length=10)
    residents = models.PositiveIntegerField(default=0)
    residents_active = models.PositiveIntegerField(default=0)
    officials = models.PositiveIntegerField(default=0)
    officials_active = models.PositiveIntegerField(default=0)
    vulnerable = models.PositiveIntegerField(default=0)
    vulnerable_active = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "village_code"], name="village_fact_cell")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.village_code}: {self.residents_active}/{self.residents}"


class FactMonth(models.Model):
    """A month the facts are kept for (first day of the month)."""

    month = models.DateField(primary_key=True)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class RefreshState(models.Model):
    """Watermarks of the last refresh: what was already folded into the facts (one row, id 1)."""

    audit_id = models.BigIntegerField(default=0)
    membership_id = models.BigIntegerField(default=0)
    worker_id = models.BigIntegerField(default=0)
    worker_updated_at = models.DateTimeField(null=True, blank=True)
    paid_through_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}"


class DirtyVillage(models.Model):
    """A village whose facts must be recomputed at the next refresh (the explicit hook)."""

    village_code = models.CharField(max_length=10)
    queued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.village_code
