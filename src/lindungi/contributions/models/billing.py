"""Billing runs, invoices and their lines, payments, the payer ledger and paid-through months.

Money is whole rupiah in BigIntegerFields. Invoices and ledger entries are never rewritten:
late changes become adjustment lines, corrections become reversal entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.registry.models import Membership, Payer


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Antre"
    RUNNING = "running", "Berjalan"
    DONE = "done", "Selesai"
    FAILED = "failed", "Gagal"


class BillingRun(models.Model):
    """One billing of one contribution month; a re-run of the month only adds adjustments."""

    scope_paths = ScopePaths(region=None)

    month = models.DateField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Background work is claimed with an optimistic lock: UPDATE … WHERE claimed_by = ''.
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    invoices_created = models.IntegerField(default=0)
    lines_created = models.BigIntegerField(default=0)
    adjustment_lines = models.BigIntegerField(default=0)
    amount_billed = models.BigIntegerField(default=0)
    rule_rows = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="billing_run_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Billing {self.month:%Y-%m} #{self.pk} ({self.status})"


class InvoiceKind(models.TextChoices):
    REGULAR = "regular", "Tagihan"
    ADJUSTMENT = "adjustment", "Penyesuaian"


class Invoice(models.Model):
    """What one payer owes for one month from one run; never rewritten once issued."""

    scope_paths = ScopePaths(region=None, employer="payer__employer_id")

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="invoices")
    month = models.DateField()
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    issued_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    total = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payer", "month", "run"], name="invoice_once_per_run"),
        ]
        indexes = [models.Index(fields=["payer", "month"], name="invoice_payer_month_idx")]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One programme of one membership for one month; adjustments carry the difference."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    programme = models.CharField(max_length=8)
    employer_share = models.BigIntegerField()
    worker_share = models.BigIntegerField()
    amount = models.BigIntegerField()
    is_adjustment = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["membership", "programme", "month"], name="line_key_idx"),
            models.Index(fields=["invoice"], name="line_invoice_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=models.F("employer_share") + models.F("worker_share")),
                name="line_amount_is_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%Y-%m} Rp{self.amount}"
