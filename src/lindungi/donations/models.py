"""GN Lingkaran pools: donors, pledges, donations (append-only), receipts, and the allocation of
the money received to beneficiaries' months.

A pool belongs to one programme whose lead sponsor is a GN Lingkaran sponsor; the programme
does targeting, selection, enrolment and billing as any programme, and its budget follows the
money received (donations/funding.py). Money is whole rupiah; months are first-of-month dates.
Donations and receipts are append-only at the database (triggers, migration 0001): a reversal
is a new negative row that points at the donation it cancels.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.programs.models import Programme, Sponsor
from lindungi.registry.models import Worker


class Pool(models.Model):
    """The money many donors give to one GN Lingkaran programme."""

    scope_paths = ScopePaths(region="programme__region_id", sponsor="programme__sponsor_id")

    programme = models.OneToOneField(Programme, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    target = models.BigIntegerField()  # the fundraising goal: the programme's planned budget
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pool"
        constraints = [models.CheckConstraint(condition=Q(target__gt=0), name="pool_target_pos")]

    def __str__(self) -> str:
        return self.name


class DonorKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisasi/perusahaan"
    INDIVIDUAL = "individual", "Perorangan"


class Donor(models.Model):
    """Who gives to a pool. An individual's name is personal data: shown to the pool's managers
    and on the donor's own receipts, never in impact reports. Anonymous donors have no name."""

    scope_paths = ScopePaths(region="pool__programme__region_id", sponsor="sponsor_id")

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="donors")
    kind = models.CharField(max_length=16, choices=DonorKind.choices)
    name = models.CharField(max_length=200, blank=True, default="")
    anonymous = models.BooleanField(default=False)
    # The sponsor whose users may read this donor's receipts and impact report.
    sponsor = models.ForeignKey(
        Sponsor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "donor"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DonorKind]), name="donor_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True, name="") | (Q(anonymous=False) & ~Q(name="")),
                name="donor_named_unless_anonymous",
            ),
            models.UniqueConstraint(
                fields=["pool", "sponsor"],
                condition=Q(sponsor__isnull=False),
                name="donor_sponsor_once_per_pool",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        return f"D-{self.pk:05d}"

    @property
    def label(self) -> str:
        """The name, or the donor code for anonymous donors."""
        return self.name or f"Donatur anonim {self.code}"


class PledgeStatus(models.TextChoices):
    OPEN = "open", "Terbuka"
    FULFILLED = "fulfilled", "Terpenuhi"
    CANCELLED = "cancelled", "Dibatalkan"


class Pledge(models.Model):
    """A promise to give `amount` over `months` months from `start_month`; donations may name
    the pledge they pay, and it is fulfilled when they add up to its amount."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="pledges")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges")
    amount = models.BigIntegerField()
    start_month = models.DateField()
    months = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.OPEN
    )
    note = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancel_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_pos"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=60), name="pledge_months_1_60"
            ),
            models.CheckConstraint(condition=Q(start_month__day=1), name="pledge_start_first"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PledgeStatus]), name="pledge_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Janji #{self.pk}"


class Channel(models.TextChoices):
    TRANSFER = "transfer", "Transfer bank"
    VIRTUAL_ACCOUNT = "va", "Virtual account"
    QRIS = "qris", "QRIS"
    CASH = "cash", "Tunai"
    OTHER = "other", "Lainnya"


class Donation(models.Model):
    """Money received into a pool (amount > 0), or the reversal of one (amount < 0, with the
    donation it cancels and a reason). Append-only; the same reference is recorded once."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    amount = models.BigIntegerField()
    received_on = models.DateField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    reference = models.CharField(max_length=64)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True, reason="")
                | (Q(amount__lt=0, reverses__isnull=False) & ~Q(reason="")),
                name="donation_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="donation_channel_known"
            ),
            models.UniqueConstraint(fields=["pool", "reference"], name="donation_reference_once"),
        ]
        indexes = [models.Index(fields=["donor", "received_on"], name="donation_donor_idx")]

    def __str__(self) -> str:
        return self.reference


class ReceiptSequence(models.Model):
    """The last receipt number of a pool's year; locked while a receipt takes the next one."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "year"], name="receipt_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id}/{self.year}: {self.last}"


class Receipt(models.Model):
    """The numbered receipt of one donation, its PDF stored as issued (append-only)."""

    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(max_length=40, unique=True)
    pdf = models.BinaryField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "year", "seq"], name="receipt_no_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class AllocationRun(models.Model):
    """One allocation of the pool's money to beneficiaries' months, with its totals and the
    month costs it used. The latest run is the allocation in force."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Of the inputs (selectors.fingerprint): a run over the same inputs writes nothing.
    fingerprint = models.CharField(max_length=64)
    funded = models.BigIntegerField()  # net money received
    allocated = models.BigIntegerField()  # of which laid on beneficiaries' months
    paid_months = models.PositiveIntegerField()  # worker-months paid in full
    worker_months = models.PositiveIntegerField()  # worker-months enrolled
    beneficiaries = models.PositiveIntegerField()
    month_costs = models.JSONField(default=list)  # [["2027-01", 16800], ...]

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Alokasi #{self.pk}"

    @property
    def unpaid_months(self) -> int:
        return self.worker_months - self.paid_months

    @property
    def unallocated(self) -> int:
        return self.funded - self.allocated


class PoolMonth(models.Model):
    """Cost of one beneficiary-month of the pool's programme, and the cumulative cost from the
    programme's first month through it (stage table of the allocation, rewritten per run)."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    amount = models.BigIntegerField()
    cum = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "month"], name="pool_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.amount}"


class Slot(models.Model):
    """A beneficiary's place on the pool's money line, [lo, hi) rupiah in enrolment order (stage
    table of the allocation, rewritten per run). `base` is the cumulative month cost before the
    beneficiary's first month, so month m ends at lo + cum(m) - base."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="+", db_index=False)
    beneficiary_id = models.BigIntegerField()
    worker_id = models.BigIntegerField()
    start = models.DateField()
    end = models.DateField()
    lo = models.BigIntegerField()
    hi = models.BigIntegerField()
    base = models.BigIntegerField()
    # The beneficiary's months: what a donation covering the whole slot completes.
    months = models.PositiveSmallIntegerField()
    first_month = models.DateField()
    last_month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["pool", "hi"], name="slot_pool_hi_idx")]
        constraints = [models.CheckConstraint(condition=Q(hi__gt=F("lo")), name="slot_not_empty")]

    def __str__(self) -> str:
        return f"{self.beneficiary_id}: [{self.lo}, {self.hi})"


class Allocation(models.Model):
    """What one donation pays for one worker: an amount, and the months it completes."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="+")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="allocations")
    # Written by one INSERT … SELECT from the beneficiaries; no per-row FK check needed.
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    amount = models.BigIntegerField()
    months = models.PositiveSmallIntegerField()  # months of this worker completed by it
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.donation_id} → {self.worker_id}: {self.amount}"
