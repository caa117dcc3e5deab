"""Billing runs, invoices and their lines, payments, the payer ledger and paid-through months.

Money is whole rupiah in BigIntegerFields. Invoices and ledger entries are never rewritten:
late changes become adjustment lines, corrections become reversal entries.
"""

from __future__ import annotations

from datetime import date

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
    # Active memberships that could not be billed (e.g. a BPU income outside the bracket).
    memberships_skipped = models.BigIntegerField(default=0)
    stage = models.CharField(max_length=16, blank=True, default="")  # what progress_* counts
    # sha256 of the month's coefficients: a re-run under another plan re-checks every line.
    plan_digest = models.CharField(max_length=64, blank=True, default="")
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

    scope_paths = ScopePaths(region="region_code", employer="payer__employer_id")

    # The unique (payer, month, run) index serves payer lookups; no separate FK index.
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, related_name="invoices", db_index=False
    )
    # The payer's village (employer's or self-paying worker's; blank for sponsor programmes),
    # copied at issue so that regional scope needs no join through two kinds of payer.
    region_code = models.CharField(max_length=10, blank=True, default="")
    month = models.DateField()
    # No database constraint, like InvoiceLine's: invoices are written only by their own run,
    # from its row, and checking 320,000 of them at commit cost ~1.5 s of a 1M-membership run.
    run = models.ForeignKey(
        BillingRun, on_delete=models.PROTECT, related_name="invoices", db_constraint=False
    )
    number = models.CharField(max_length=32)  # unique by constraint: no extra LIKE index
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    issued_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    total = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payer", "month", "run"], name="invoice_once_per_run"),
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
        ]
        indexes = [models.Index(fields=["region_code", "month"], name="invoice_region_idx")]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One programme of one membership for one month; adjustments carry the difference.

    Only the billing run writes lines, with one INSERT … SELECT that joins the very invoice
    and membership rows it references, in their transaction; invoices and memberships are
    never deleted. So the two references are relations without database FK constraints:
    checking 3.3 million of them at commit doubled a 1M-membership run on PostgreSQL.
    """

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    # line_key_idx starts with the membership: no separate FK index to maintain.
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField()
    programme = models.CharField(max_length=8)
    employer_share = models.BigIntegerField()
    worker_share = models.BigIntegerField()
    amount = models.BigIntegerField()
    is_adjustment = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["membership", "programme", "month"], name="line_key_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=models.F("employer_share") + models.F("worker_share")),
                name="line_amount_is_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%Y-%m} #{self.membership_id}: {self.amount}"


MONTH_KEY_SPAN = 10**10  # membership ids stay below this (national scale is ~10^8)


def month_key(month: date) -> int:
    """The first BilledMonth id of a contribution month: ids are month_key + membership id."""
    return (month.year * 12 + month.month - 1) * MONTH_KEY_SPAN


class BilledMonth(models.Model):
    """The inputs one membership was last billed on for one month, by the billing run only.

    Derived data written in the transaction of the lines it describes: the lines of (month,
    membership) add up to what the run's plan gives for `signature` (declared wage, segment,
    programmes, employer risk group and relief) billed to `payer`. A re-run compares each
    membership with one row here instead of summing every line of the month; when the plan
    itself changed (a rule row edited after billing) it compares everything with the lines.
    The id is `month_key(month) + membership_id`: one primary-key probe (on SQLite, the rowid).
    """

    id = models.BigAutoField(primary_key=True)  # always given: month_key + membership id
    month = models.DateField()
    membership = models.ForeignKey(
        Membership,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    payer = models.ForeignKey(
        Payer, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    signature = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.membership_id} → payer {self.payer_id}"
