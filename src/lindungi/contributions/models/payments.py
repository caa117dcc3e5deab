"""Payments, bank-statement imports, allocations and the append-only payer ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lindungi.contributions.models.billing import InvoiceLine
from lindungi.core.access import ScopePaths
from lindungi.registry.models import Payer


class PaymentImport(models.Model):
    """One bank statement file; its rows become payments, matched or queued."""

    scope_paths = ScopePaths(region="region_code")

    file_name = models.CharField(max_length=255)
    region_code = models.CharField(max_length=10, blank=True, default="")  # importer's region
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    rows_read = models.IntegerField(default=0)
    payments_created = models.IntegerField(default=0)
    duplicates = models.IntegerField(default=0)
    matched = models.IntegerField(default=0)
    unmatched = models.IntegerField(default=0)
    invalid = models.IntegerField(default=0)
    allocations = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)  # elapsed wall time, for the result report
    problems = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.file_name


class PaymentStatus(models.TextChoices):
    UNMATCHED = "unmatched", "Belum dikenali"
    MATCHED = "matched", "Dikenali"
    REVERSED = "reversed", "Dibatalkan"


class Payment(models.Model):
    """Money received; a bank reference is recorded once however often a file is imported."""

    # region_code: the payer's village, or for an unmatched payment the importing branch's
    # region, so that the branch sees its own queue.
    scope_paths = ScopePaths(region="region_code", employer="payer__employer_id")

    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    region_code = models.CharField(max_length=10, blank=True, default="")
    virtual_account = models.CharField(max_length=20)
    amount = models.BigIntegerField()
    paid_on = models.DateField()
    bank_reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    source_import = models.ForeignKey(
        PaymentImport, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    # Never looked up by recorder: no index to maintain on every imported row.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A reversed payment keeps whatever payer it had: unmatched money can be returned.
            models.CheckConstraint(
                condition=Q(status="unmatched", payer__isnull=True)
                | Q(status="matched", payer__isnull=False)
                | Q(status="reversed"),
                name="payment_matched_has_payer",
            ),
        ]
        indexes = [
            models.Index(fields=["region_code", "id"], name="payment_scope_idx"),
            # The unmatched queue is a sliver of all payments: only it is indexed by status.
            models.Index(
                fields=["region_code", "id"],
                condition=Q(status="unmatched"),
                name="payment_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_reference} Rp{self.amount}"


class Allocation(models.Model):
    """Part of a payment settling part of an invoice line."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField()
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The foreign keys' own indexes serve both lookups (by line, by payment).
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_nonzero"),
        ]

    def __str__(self) -> str:
        return f"payment {self.payment_id} → line {self.line_id}: Rp{self.amount}"


class PayerAccount(models.Model):
    """Where a payer's allocation stands, so that allocating never rescans settled history.

    Derived state kept under the payer's row lock; a missing row means "scan everything".
    """

    scope_paths = ScopePaths(region=None, employer="payer__employer_id")

    payer = models.OneToOneField(
        Payer, primary_key=True, on_delete=models.PROTECT, related_name="account"
    )
    # Lines of invoices with id <= invoices_through, month < open_from and issued before
    # rescan_from are settled (open_from null: all of those are settled).
    open_from = models.DateField(null=True, blank=True)
    invoices_through = models.BigIntegerField(default=0)
    rescan_from = models.DateTimeField(null=True, blank=True)
    credit = models.BigIntegerField(default=0)  # received and not yet allocated to any line
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"payer {self.payer_id}: credit Rp{self.credit}"


class LedgerKind(models.TextChoices):
    CHARGE = "charge", "Tagihan"
    PAYMENT = "payment", "Pembayaran"
    FINE = "fine", "Denda"
    REVERSAL = "reversal", "Pembalikan"


class LedgerEntry(models.Model):
    """Append-only: a payer's balance is the sum of its entries (positive = owed)."""

    scope_paths = ScopePaths(region=None, employer="payer__employer_id")

    # ledger_payer_idx (payer, at) serves payer lookups: no separate foreign-key index.
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, related_name="ledger", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=LedgerKind.choices)
    amount = models.BigIntegerField()
    # An entry has an invoice (charge), a payment (payment, reversal) or neither (fine): each
    # reference is indexed only where it is set (partial indexes below).
    # No database constraint: CHARGE entries are written only by the billing run, from the
    # invoices it has just inserted (the run's commit checked 320,000 of them, ~1.5 s).
    invoice = models.ForeignKey(
        "contributions.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        db_index=False,
    )
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_reversed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "at"], name="ledger_payer_idx"),
            models.Index(
                fields=["invoice"], condition=Q(invoice__isnull=False), name="ledger_invoice_idx"
            ),
            models.Index(
                fields=["payment"], condition=Q(payment__isnull=False), name="ledger_payment_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} payer {self.payer_id}: Rp{self.amount}"
