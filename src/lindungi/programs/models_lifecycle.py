"""What happens to a programme after enrolment: the files BPJS returns and the refill runs.

`ReturnImport` keeps every returned registration file's outcome (counts and each bad row by
row, column and value) so it can be read again later; `RefillRun` keeps what a refill freed
and whom it enrolled. Imported by programs/models.py, so Django registers both with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.programs.models import EnrolmentBatch, Programme

PROGRAMME_SCOPE = ScopePaths(
    region="programme__region_id", employer=None, sponsor="programme__sponsor_id"
)


class ReturnImport(models.Model):
    """One file BPJS returned for an enrolment batch: KPJ numbers and rejections applied."""

    scope_paths = PROGRAMME_SCOPE

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="returns")
    batch = models.ForeignKey(EnrolmentBatch, on_delete=models.PROTECT, related_name="returns")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    rows_read = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)  # KPJ written by this import
    rejected = models.PositiveIntegerField(default=0)  # beneficiaries ended by this import
    already = models.PositiveIntegerField(default=0)  # rows an earlier import already applied
    invalid = models.PositiveIntegerField(default=0)  # rows with a problem, nothing written
    # [{"row": 7, "column": "KPJ", "value": "123", "code": "kpj_malformed", "message": …}]
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class RefillRun(models.Model):
    """One refill: places freed (by reason), beneficiaries moved to a survivor, and refilled."""

    scope_paths = PROGRAMME_SCOPE

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="refills")
    as_of = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    freed = models.JSONField(default=dict, blank=True)  # BeneficiaryEnd value → beneficiaries
    moved = models.PositiveIntegerField(default=0)  # merged workers: the survivor keeps the place
    open_places = models.PositiveIntegerField(default=0)  # freed and not yet refilled, before
    refilled = models.PositiveIntegerField(default=0)
    start = models.DateField()  # first month of the refilled beneficiaries
    cost = models.BigIntegerField(default=0)  # what the refilled months cost, whole rupiah
    batch = models.OneToOneField(
        EnrolmentBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="refill"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Refill #{self.pk} ({self.refilled})"
