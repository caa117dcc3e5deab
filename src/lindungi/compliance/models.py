"""Holidays, imported check data (staging), findings, cases with their timeline, and letters.

Findings and cases carry the employer's village code so that regional scope is one index range
and an employer's own users see their own rows (`ScopePaths.employer`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.registry.models import Employer


class HolidayKind(models.TextChoices):
    NATIONAL = "national", "Hari libur nasional"
    CUTI_BERSAMA = "cuti_bersama", "Cuti bersama"


class PublicHoliday(models.Model):
    """A day off nationwide: a national public holiday or a cuti bersama of the SKB 3 Menteri."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=HolidayKind.choices)
    source = models.CharField(max_length=200)
    uncertain = models.BooleanField(default=False)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CheckImport(models.Model):
    """One file of check data (WLKP reports or a business-registry extract) as imported."""

    class Kind(models.TextChoices):
        WLKP = "wlkp", "Laporan WLKP"
        BUSINESS = "business", "Ekstrak registri usaha (OSS)"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    file_name = models.CharField(max_length=200)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class WlkpReport(models.Model):
    """Staging: an employer's mandatory manpower report (WLKP) for one month."""

    source = models.ForeignKey(CheckImport, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    # The identifier the report gives: the NPP when it has one, else the NIB.
    ident = models.CharField(max_length=16)
    nib = models.CharField(max_length=13, blank=True, default="")
    npp = models.CharField(max_length=8, blank=True, default="")
    workers_male = models.PositiveIntegerField()
    workers_female = models.PositiveIntegerField()
    total_wages = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "ident"], name="wlkp_once_per_month"),
            models.CheckConstraint(condition=~Q(ident=""), name="wlkp_has_ident"),
        ]
        indexes = [models.Index(fields=["month", "nib"], name="wlkp_month_nib_idx")]

    def __str__(self) -> str:
        return f"WLKP {self.ident} {self.month:%Y-%m}"


class BusinessRecord(models.Model):
    """Staging: one business from a business-registry (OSS) extract, latest import wins."""

    source = models.ForeignKey(CheckImport, on_delete=models.PROTECT, related_name="+")
    nib = models.CharField(max_length=13, unique=True)
    name = models.CharField(max_length=200)
    kbli = models.CharField(max_length=5, blank=True, default="")
    village_code = models.CharField(max_length=10, blank=True, default="")
    address_line = models.CharField(max_length=200, blank=True, default="")
    scale = models.CharField(max_length=8, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.nib} {self.name}"


class FindingKind(models.TextChoices):
    PTD = "ptd", "PTD/PWBD (belum daftar)"
    PDS_TK = "pds_tk", "PDS tenaga kerja"
    PDS_UPAH = "pds_upah", "PDS upah"
    PDS_PROGRAM = "pds_program", "PDS program"
    ARREARS = "arrears", "Tunggakan iuran"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Terbuka"
    IN_CASE = "in_case", "Dalam kasus"
    RESOLVED = "resolved", "Selesai"


class Finding(models.Model):
    """One kind of non-compliance of one business in one month, with its evidence."""

    scope_paths = ScopePaths(region="region_code", employer="employer_id", sponsor=None)

    month = models.DateField()
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    # "E<employer id>" for registry employers, "N<nib>" for businesses unknown to the registry.
    subject = models.CharField(max_length=16)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nib = models.CharField(max_length=13, blank=True, default="")
    npp = models.CharField(max_length=8, blank=True, default="")
    name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=10, blank=True, default="")
    kbli = models.CharField(max_length=5, blank=True, default="")
    size_class = models.CharField(max_length=8, blank=True, default="")
    workers_unprotected = models.PositiveIntegerField(default=0)
    contributions_lost = models.BigIntegerField(default=0)  # rupiah per month
    evidence = models.JSONField(default=dict)
    status = models.CharField(
        max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "finding"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "kind", "subject"], name="finding_once_per_month"
            ),
        ]
        indexes = [
            models.Index(fields=["region_code", "month"], name="finding_region_idx"),
            models.Index(fields=["employer", "month"], name="finding_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} {self.month:%Y-%m}"


class Case(models.Model):
    """The findings of one business worked through the sanctions of PP 86/2013 to an end."""

    scope_paths = ScopePaths(region="region_code", employer="employer_id", sponsor=None)

    subject = models.CharField(max_length=16)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nib = models.CharField(max_length=13, blank=True, default="")
    name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=10, blank=True, default="")
    office_code = models.CharField(max_length=4, blank=True, default="")
    state = models.CharField(max_length=24, default="open")
    state_since = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    workers_unprotected = models.PositiveIntegerField(default=0)
    contributions_lost = models.BigIntegerField(default=0)
    workers_recovered = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "case"
        constraints = [
            # One running case per business: a second would split the timeline. A resolved or
            # closed case is done; a new gap found later opens a new case.
            models.UniqueConstraint(
                fields=["subject"],
                condition=~Q(state__in=["resolved", "closed"]),
                name="case_one_open_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["region_code", "state"], name="case_region_state_idx"),
            models.Index(fields=["state", "due_on"], name="case_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class CaseEvent(models.Model):
    """One line of a case's timeline: a transition, a note, an assignment, a file, a letter."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16)
    from_state = models.CharField(max_length=24, blank=True, default="")
    to_state = models.CharField(max_length=24, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class CaseAttachment(models.Model):
    """A file kept with a case (inspection report, employer's reply); bytes in the database."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file_name


class LetterKind(models.TextChoices):
    WARNING_1 = "warning_1", "Surat teguran I"
    WARNING_2 = "warning_2", "Surat teguran II"
    TMP2T = "tmp2t", "Permohonan sanksi TMP2T"


class LetterSequence(models.Model):
    """The last number issued per office and year; locked while a letter takes the next one."""

    office_code = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year"], name="letter_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office_code}/{self.year}: {self.last}"


class Letter(models.Model):
    """A numbered letter of a case, its PDF stored as issued."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=12, choices=LetterKind.choices)
    office_code = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(max_length=40)
    pdf = models.BinaryField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year", "seq"], name="letter_no_unique"),
        ]

    def __str__(self) -> str:
        return self.number
