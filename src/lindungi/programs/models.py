"""Sponsors, their protection programmes, selection runs with a reason per candidate, and the
beneficiaries enrolled (each with the registry membership the programme's payer pays).

Money is whole rupiah in BigIntegerFields; months are first-of-month dates and a coverage
period is half-open [start, end). No worker is sponsored twice for the same month: each
beneficiary lies inside its own BPU membership, which the registry keeps from overlapping
(programs/dbrules.py, migration 0006).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.reference.models import Region
from lindungi.registry.models import Membership, Payer, Worker


class SponsorKind(models.TextChoices):
    APBD_PROVINCE = "apbd_province", "Pemerintah provinsi (APBD)"
    APBD_REGENCY = "apbd_regency", "Pemerintah kabupaten/kota (APBD)"
    VILLAGE = "village", "Pemerintah desa (Dana Desa)"
    CSR = "csr", "Perusahaan (CSR)"
    STATE_ENTERPRISE = "state_enterprise", "BUMN/BUMD"
    INDIVIDUAL = "individual", "Perorangan/ASN (Bapak Asuh, PNS Sahabatku)"
    GN_LINGKARAN = "gn_lingkaran", "Donatur GN Lingkaran"


class BudgetSource(models.TextChoices):
    APBD = "apbd", "APBD"
    DANA_DESA = "dana_desa", "Dana Desa (APBDes)"
    CSR = "csr", "Dana CSR"
    STATE_ENTERPRISE = "tjsl", "TJSL BUMN/BUMD"
    PERSONAL = "personal", "Dana pribadi"
    DONATION = "donation", "Donasi GN Lingkaran"


class Sponsor(models.Model):
    """Whoever pays for a programme; its users carry organisation_kind="sponsor" and its id."""

    scope_paths = ScopePaths(region="region_id", employer=None, sponsor="id")

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=SponsorKind.choices)
    # The government's own region, a village, or a company's seat; national donors: none.
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_column="region_code",
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "sponsor"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in SponsorKind]), name="sponsor_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draf"
    SUBMITTED = "submitted", "Diajukan"
    APPROVED = "approved", "Disetujui"
    ACTIVE = "active", "Berjalan"
    CLOSED = "closed", "Ditutup"
    REJECTED = "rejected", "Ditolak"


class RenewalMode(models.TextChoices):
    """How a renewal chooses its beneficiaries (docs/programs.md, "Renewal")."""

    NONE = "", "—"
    SAME = "same", "Penerima yang sama dulu"
    RESELECT = "reselect", "Seleksi ulang"


class Programme(models.Model):
    """A budget that pays JKK + JKM (optionally JHT) for chosen informal workers for N months."""

    scope_paths = ScopePaths(region="region_id", employer=None, sponsor="sponsor_id")

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="programmes")
    co_sponsors = models.ManyToManyField(Sponsor, blank=True, related_name="co_programmes")
    name = models.CharField(max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, db_column="region_code", related_name="+"
    )
    budget_source = models.CharField(max_length=16, choices=BudgetSource.choices)
    fiscal_year = models.PositiveSmallIntegerField()
    budget = models.BigIntegerField()
    start_month = models.DateField()
    months = models.PositiveSmallIntegerField()
    jht = models.BooleanField(default=False)
    declared_income = models.BigIntegerField()
    quota = models.PositiveIntegerField(null=True, blank=True)  # None: as many as the budget pays
    # Target groups; empty lists mean "any". Region codes are prefixes without dots.
    target_regions = models.JSONField(default=list, blank=True)
    target_occupations = models.JSONField(default=list, blank=True)
    target_deciles = models.JSONField(default=list, blank=True)
    village_officials_only = models.BooleanField(default=False)
    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    exclude_protected = models.BooleanField(default=True)
    exclude_wage_earners = models.BooleanField(default=True)
    priority = models.JSONField(default=list, blank=True)  # ordered keys of rules.PRIORITIES
    status = models.CharField(
        max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    payer = models.OneToOneField(Payer, on_delete=models.PROTECT, related_name="programme")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The programme this one renews for the next period (one renewal per programme).
    predecessor = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="successor"
    )
    renewal_mode = models.CharField(
        max_length=8, choices=RenewalMode.choices, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = "programme"
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="programme_budget_pos"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=60), name="programme_months_1_60"
            ),
            models.CheckConstraint(
                condition=Q(start_month__day=1), name="programme_start_first_day"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProgrammeStatus]),
                name="programme_status_known",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="programme_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True, renewal_mode="")
                | Q(predecessor__isnull=False, renewal_mode__in=["same", "reselect"]),
                name="programme_renewal_mode",
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="programme_region_idx")]

    def __str__(self) -> str:
        return self.name


class SelectionRun(models.Model):
    """One pass of the eligibility rules over the registry.

    Each worker left out keeps its reason, each included one its rank, and the waiting list the
    next `waiting` eligible workers; `counts` also covers the eligible ones beyond that list.
    """

    scope_paths = ScopePaths(
        region="programme__region_id", employer=None, sponsor="programme__sponsor_id"
    )

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    quota = models.PositiveIntegerField()
    candidates = models.PositiveIntegerField(default=0)
    included = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # reason code → workers of the region
    waiting = models.PositiveIntegerField(default=0)  # "quota" candidates listed, in rank order

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Seleksi #{self.pk} ({self.included}/{self.candidates})"


class Candidate(models.Model):
    """A worker the run looked at: included with a rank, or excluded with the first reason."""

    run = models.ForeignKey(  # run_id leads candidate_run_reason_idx: no separate index
        SelectionRun,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    reason = models.CharField(max_length=16, blank=True, default="")  # "" = included
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # One index only: a run writes a row per worker of the region (2 million and more).
        # Each worker appears once by construction of the one INSERT … SELECT.
        indexes = [models.Index(fields=["run", "reason", "id"], name="candidate_run_reason_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.reason or self.rank}"


class BatchKind(models.TextChoices):
    SELECTION = "selection", "Dari seleksi"
    REFILL = "refill", "Pengisian ulang"


class EnrolmentBatch(models.Model):
    """Workers enrolled together from one selection run, with what they will cost."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="batches")
    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    workers = models.PositiveIntegerField()
    cost = models.BigIntegerField()
    # Refill batches enrol the queue for the remaining months into places freed (refill.py).
    kind = models.CharField(
        max_length=12, choices=BatchKind.choices, default="selection", db_default="selection"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Batch #{self.pk} ({self.workers})"


class BeneficiaryEnd(models.TextChoices):
    """Why a beneficiary stopped before the period's end ("" = sponsored to the end)."""

    RUNNING = "", "—"
    REJECTED = "rejected", "Ditolak BPJS"
    DIED = "died", "Meninggal"
    EXITED = "exited", "Keluar/tidak aktif"
    WAGE_EARNER = "wage_earner", "Menjadi penerima upah"


class Beneficiary(models.Model):
    """A worker the programme pays for over [start, end), through one registry membership."""

    scope_paths = ScopePaths(
        region="worker__village_id", employer=None, sponsor="programme__sponsor_id"
    )

    # programme_id is the prefix of the unique (programme, worker) index: no separate index.
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="beneficiaries", db_index=False
    )
    # The membership (and through its own FK the worker) is written by the same statement pair
    # in one transaction; deferred FK checks per row at commit would double an enrolment.
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    # Written with its batch in one transaction by the one enrolment path: no per-row FK check.
    batch = models.ForeignKey(
        EnrolmentBatch,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the place was freed early (rejected by BPJS, death, exit, wage earner); `end`
    # then holds the first month no longer sponsored. db_default: enrolment inserts in SQL.
    end_reason = models.CharField(
        max_length=16, choices=BeneficiaryEnd.choices, blank=True, default="", db_default=""
    )
    end_note = models.CharField(max_length=300, blank=True, default="", db_default="")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="beneficiary_period"),
            models.CheckConstraint(
                condition=Q(end_reason__in=[e.value for e in BeneficiaryEnd]),
                name="beneficiary_end_reason_known",
            ),
            models.UniqueConstraint(
                fields=["programme", "worker"], name="beneficiary_once_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.start} - {self.end}"


# Return imports and refills live in programs/models_lifecycle.py; imported here so that Django
# registers them with this app and callers find every programme table in one module.
from lindungi.programs.models_lifecycle import RefillRun as RefillRun  # noqa: E402
from lindungi.programs.models_lifecycle import ReturnImport as ReturnImport  # noqa: E402
