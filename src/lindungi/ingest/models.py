"""Import jobs, their rows (the provenance of every worker they touched), clerical review and
saved column mappings.

A row keeps its mapped values in `data` without the NIK: the NIK is held only as the registry's
blind index (`nik_index`) and as ciphertext (`nik_enc`), like a worker's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.core.indexes import EqualityIndex
from lindungi.registry.models import Worker


class SourceKind(models.TextChoices):
    DTKS = "dtks", "DTKS/Regsosek"
    VILLAGE = "village", "Daftar desa"
    EMPLOYER = "employer", "Daftar pemberi kerja"
    SPONSOR = "sponsor", "Daftar sponsor"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Antre"
    RUNNING = "running", "Berjalan"
    DONE = "done", "Selesai"
    FAILED = "failed", "Gagal"
    UNDONE = "undone", "Dibatalkan"


class MappingTemplate(models.Model):
    """A saved column mapping (target field -> header text) for one kind of source."""

    scope_paths = ScopePaths(region="region_code", employer=None, sponsor=None)

    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    mapping = models.JSONField(default=dict)
    region_code = models.CharField(max_length=10, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="ingest_template_kind_name"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class ImportJob(models.Model):
    """One uploaded list: its counts move as batches commit; undone as a whole if needed."""

    scope_paths = ScopePaths(region="region_code", employer="employer_org", sponsor="sponsor_org")

    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    template = models.ForeignKey(
        MappingTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # The uploader's scope: the job is seen by those who see this region / organisation.
    region_code = models.CharField(max_length=10, blank=True, default="")
    employer_org = models.BigIntegerField(null=True, blank=True)
    sponsor_org = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Background work is claimed with an optimistic lock: UPDATE … WHERE claimed_by = ''.
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.IntegerField(default=0)
    rows_valid = models.IntegerField(default=0)
    rows_invalid = models.IntegerField(default=0)
    # valid rows that carry a warning (a value dropped); None: a job from before they were counted
    rows_warned = models.IntegerField(null=True, blank=True)
    rows_unchanged = models.IntegerField(default=0)  # already imported by an earlier upload
    rows_done = models.IntegerField(default=0)
    rows_new = models.IntegerField(default=0)
    rows_linked = models.IntegerField(default=0)
    rows_review = models.IntegerField(default=0)
    rows_duplicate = models.IntegerField(default=0)
    rows_updated = models.IntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="ingest_job_status_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def has_problems(self) -> bool:
        """Whether the problems download holds anything (unknown for an old job: offered)."""
        return self.rows_invalid > 0 or self.rows_warned != 0

    @property
    def rows_pending(self) -> int:
        return max(0, self.rows_valid - self.rows_unchanged - self.rows_done)


class RowStatus(models.TextChoices):
    VALID = "valid", "Valid"
    INVALID = "invalid", "Tidak valid"
    UNCHANGED = "unchanged", "Sudah diimpor"


class Outcome(models.TextChoices):
    PENDING = "", "Menunggu"
    EXACT = "exact", "Cocok NIK"
    MERGE = "merge", "Digabung otomatis"
    REVIEW = "review", "Ditinjau petugas"
    NEW = "new", "Pekerja baru"
    DUPLICATE = "duplicate_in_file", "Ganda dalam berkas"
    SKIPPED = "skipped", "Dilewati"


class ImportRow(models.Model):
    """One source row: mapped values, problems, and the worker it was linked to (provenance)."""

    scope_paths = ScopePaths(
        region="job__region_code", employer="job__employer_org", sponsor="job__sponsor_org"
    )

    # job_id leads the (job, line) unique constraint and worker_id has ingest_row_worker_idx: a
    # file writes a row per line (a million and more), so no index that another one already
    # covers, and no pattern-ops twin (PostgreSQL's for db_index on a CharField) that no query
    # uses.
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    line = models.IntegerField()  # line in the sheet, as the office sees it
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    data = models.JSONField(default=dict)  # mapped values, no NIK
    nik_index = models.CharField(max_length=32, null=True, blank=True)  # read per job only
    nik_enc = models.BinaryField(null=True, blank=True)
    nik_valid = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64)  # indexed in Meta: no pattern-ops twin
    errors = models.JSONField(default=list, blank=True)  # [{column, value, message, level}]
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created = models.BooleanField(default=False)  # this row registered its worker
    phone_enc = models.BinaryField(null=True, blank=True)
    probability = models.FloatField(null=True, blank=True)
    duplicate_of = models.IntegerField(null=True, blank=True)  # ImportRow id

    class Meta:
        # Every read of a job's rows (pending, by status, with problems) walks the (job, line)
        # constraint's index in line order: an index of its own on (job, status) cost each of a
        # million staged rows one more entry, and on PostgreSQL once more when its outcome is
        # written (the worker_id index makes that update a new row version).
        indexes = [
            # only rows that have a worker: a staged row has none until its outcome is written
            # (a million empty entries), and every lookup by worker names one
            models.Index(
                fields=["worker"],
                name="ingest_row_worker_idx",
                condition=models.Q(worker__isnull=False),
            ),
            # asked only "was this row imported before?" (fingerprint IN …)
            EqualityIndex(fields=["fingerprint"], name="ingest_row_fingerprint_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["job", "line"], name="ingest_row_job_line"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line}"


class StagedPart(models.Model):
    """A slice of a queued job's valid rows, sealed and compressed, waiting to be linked.

    A valid row is written to `ImportRow` once, with its outcome, when its batch merges; until
    then it waits here, a few thousand to a part (see `ingest.parts`). Writing each row twice,
    staged and then updated with its outcome, cost every row a second version with all its
    index entries. The parts of a job go when its last batch is merged or it is undone.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_index=False)
    seq = models.IntegerField()
    first_line = models.IntegerField()
    last_line = models.IntegerField()
    rows = models.IntegerField()
    body = models.BinaryField()  # zlib-compressed JSON: see ingest.parts

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "seq"], name="ingest_part_job_seq"),
            models.CheckConstraint(condition=Q(rows__gt=0), name="ingest_part_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.seq}"


class ReviewKind(models.TextChoices):
    MATCH = "match", "Kemungkinan orang yang sama"
    CONFLICT = "conflict", "Data bertentangan"


class Decision(models.TextChoices):
    PENDING = "", "Belum diputuskan"
    SAME = "same", "Orang yang sama"
    DIFFERENT = "different", "Orang berbeda"
    APPLY = "apply", "Pakai data berkas"
    KEEP = "keep", "Pertahankan data registri"


class ReviewItem(models.Model):
    """A row the machine would not decide: a probable match, or a conflict with a known worker."""

    scope_paths = ScopePaths(
        region="row__job__region_code",
        employer="row__job__employer_org",
        sponsor="row__job__sponsor_org",
    )

    row = models.ForeignKey(ImportRow, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    candidate = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probability = models.FloatField(null=True, blank=True)
    agreements = models.JSONField(default=dict, blank=True)  # field -> agree|fuzzy|disagree|missing
    conflicts = models.JSONField(default=list, blank=True)  # fields in conflict
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["decision", "id"], name="ingest_review_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="ingest_review_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk}"
