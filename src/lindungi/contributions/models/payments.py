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

    scope_paths = ScopePaths(region=None)

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    rows_read = models.IntegerField(default=0)
    payments_created = models.IntegerField(default=0)
    duplicates = models.IntegerField(default=0)
    unmatched = models.IntegerField(default=0)
    invalid = models.IntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.file_name


class PaymentStatus(models.TextChoices):
    UNMATCHED = "unmatched", "Belum dikenali"
    MATCHED = "matched", "Dikenali"
    REVERSED = "reversed", "Dibatalkan"


class Payment(models.Model):
    """Money received; a bank reference is recorded once however often a file is imported."""

    scope_paths = ScopePaths(region=None, employer="payer__employer_id")

    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    virtual_account = models.CharField(max_length=20)
    amount = models.BigIntegerField()
    paid_on = models.DateField()
    bank_reference = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    source_import = models.ForeignKey(
        PaymentImport, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="unmatched", payer__isnull=True)
                | (~Q(status="unmatched") & Q(payer__isnull=False)),
                name="payment_matched_has_payer",
            ),
        ]
        indexes = [models.Index(fields=["status", "recorded_at"], name="payment_status_idx")]

    def __str__(self) -> str:
        return f"{self.bank_reference} Rp{self.amount}"


class Allocation(models.Model):
    """Part of a payment settling part of an invoice line."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField()
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_nonzero"),
        ]
        indexes = [models.Index(fields=["line"], name="allocation_line_idx")]

    def __str__(self) -> str:
        return f"Rp{self.amount} -> line #{self.line_id}"


class LedgerKind(models.TextChoices):
    CHARGE = "charge", "Tagihan"
    PAYMENT = "payment", "Pembayaran"
    FINE = "fine", "Denda"
    REVERSAL = "reversal", "Pembalikan"


class LedgerEntry(models.Model):
    """Append-only: a payer's balance is the sum of its entries (positive = owed)."""

    scope_paths = ScopePaths(region=None, employer="payer__employer_id")

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="ledger")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=LedgerKind.choices)
    amount = models.BigIntegerField()
    invoice = models.ForeignKey(
        "contributions.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["payer", "at"], name="ledger_payer_idx")]

    def __str__(self) -> str:
        return f"{self.kind} Rp{self.amount}"
