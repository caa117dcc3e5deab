"""Workers, employers, payers and memberships.

NIK and phone are stored only encrypted (`*_enc`); a worker is found by NIK through the keyed
blind index `nik_index`, which also carries the uniqueness of the NIK.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lindungi.core.access import ScopePaths
from lindungi.reference.models import Occupation, Region, RiskGroup


class Sex(models.TextChoices):
    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class VillageRole(models.TextChoices):
    NONE = "", "—"
    VILLAGE_HEAD = "kepala_desa", "Kepala Desa"
    VILLAGE_APPARATUS = "perangkat_desa", "Perangkat Desa"
    BPD_MEMBER = "bpd", "Anggota BPD"
    RT_HEAD = "ketua_rt", "Ketua RT"
    RW_HEAD = "ketua_rw", "Ketua RW"


class Source(models.TextChoices):
    MANUAL = "manual", "Entri petugas"
    DTKS = "dtks", "DTKS/Regsosek"
    VILLAGE = "village", "Daftar desa"
    EMPLOYER = "employer", "Daftar pemberi kerja"
    SPONSOR = "sponsor", "Daftar sponsor"
    DEMO = "demo", "Data demo"


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", "Aktif"
    DECEASED = "deceased", "Meninggal"
    ENDED = "ended", "Tidak aktif"
    MERGED = "merged", "Digabung"


class Worker(models.Model):
    """A person who works, whether or not protected today."""

    scope_paths = ScopePaths(
        region="village_id",
        employer="memberships__payer__employer_id",
        sponsor=None,  # sponsors see their programmes' beneficiaries (programs app)
    )

    # Unique through Meta (worker_nik_unique), and name_search and occupation indexed there too:
    # unique=True / db_index=True add a second, pattern-ops index on PostgreSQL that no query
    # uses but every insert and non-in-place update of a worker writes.
    nik_index = models.CharField(max_length=32, null=True, blank=True)
    nik_enc = models.BinaryField(null=True, blank=True)
    full_name = models.CharField(max_length=150)
    name_search = models.CharField(max_length=200)
    birth_place = models.CharField(max_length=100, blank=True, default="")
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    village = models.ForeignKey(  # indexed by worker_village_idx, which leads with it
        Region,
        on_delete=models.PROTECT,
        db_column="village_code",
        related_name="+",
        db_index=False,
    )
    address_line = models.CharField(max_length=200, blank=True, default="")
    phone_enc = models.BinaryField(null=True, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    welfare_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    village_role = models.CharField(
        max_length=16, choices=VillageRole.choices, blank=True, default=""
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(
        max_length=16, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE
    )
    ended_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(  # indexed by worker_merged_into_idx, merged workers only
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,
    )
    registered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "worker"
        constraints = [
            models.UniqueConstraint(fields=["nik_index"], name="worker_nik_unique"),
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True)
                | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="worker_decile_1_10",
            ),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="worker_sex_lp"),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="worker_merge_target",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True) | ~Q(status="active"),
                name="worker_active_not_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "registered_at"], name="worker_village_idx"),
            models.Index(fields=["-registered_at", "-id"], name="worker_recent_idx"),
            # Partial: most workers have no occupation and none is merged; an entry for each
            # NULL would be written by every insert and every update that leaves its page.
            models.Index(
                fields=["occupation"],
                name="worker_occupation_idx",
                condition=Q(occupation__isnull=False),
            ),
            models.Index(
                fields=["merged_into"],
                name="worker_merged_into_idx",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(fields=["name_search"], name="worker_name_search_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class SizeClass(models.TextChoices):
    MICRO = "micro", "Mikro"
    SMALL = "small", "Kecil"
    MEDIUM = "medium", "Menengah"
    LARGE = "large", "Besar"


class Employer(models.Model):
    """A business or institution that employs wage earners (pemberi kerja)."""

    scope_paths = ScopePaths(region="village_id", employer="id", sponsor=None)

    npp = models.CharField(max_length=8, null=True, blank=True, unique=True)
    nib = models.CharField(max_length=13, null=True, blank=True, unique=True)
    name = models.CharField(max_length=200)
    kbli = models.CharField(max_length=5, blank=True, default="")
    size_class = models.CharField(max_length=8, choices=SizeClass.choices)
    jkk_risk_group = models.PositiveSmallIntegerField(choices=RiskGroup.choices)
    village = models.ForeignKey(  # indexed by employer_village_idx, which leads with it
        Region,
        on_delete=models.PROTECT,
        db_column="village_code",
        related_name="+",
        db_index=False,
    )
    address_line = models.CharField(max_length=200, blank=True, default="")
    contact_name = models.CharField(max_length=150, blank=True, default="")
    contact_phone = models.CharField(max_length=16, blank=True, default="")
    contact_email = models.EmailField(blank=True, default="")
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "employer"
        constraints = [
            models.CheckConstraint(
                condition=Q(npp__isnull=False) | Q(nib__isnull=False), name="employer_has_id"
            ),
        ]
        indexes = [models.Index(fields=["village", "name"], name="employer_village_idx")]

    def __str__(self) -> str:
        return self.name


class PayerKind(models.TextChoices):
    EMPLOYER = "employer", "Pemberi kerja"
    SELF = "self", "Mandiri"
    PROGRAM = "program", "Program sponsor"


class Payer(models.Model):
    """Whoever is billed for a membership: an employer, the worker, or a sponsor's programme.

    Programmes (programs app) point at their Payer row, so the registry needs no knowledge of
    sponsors and billing treats every payer the same way.
    """

    scope_paths = ScopePaths(region=None, employer="employer_id", sponsor=None)

    kind = models.CharField(max_length=16, choices=PayerKind.choices)
    employer = models.OneToOneField(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="payer"
    )
    worker = models.OneToOneField(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="self_payer"
    )
    label = models.CharField(max_length=200)
    # The number the bank statement shows for this payer's transfers (a virtual account).
    virtual_account = models.CharField(max_length=20, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="employer", employer__isnull=False, worker__isnull=True)
                    | Q(kind="self", worker__isnull=False, employer__isnull=True)
                    | Q(kind="program", worker__isnull=True, employer__isnull=True)
                ),
                name="payer_kind_target",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Segment(models.TextChoices):
    PU = "PU", "Penerima Upah"
    BPU = "BPU", "Bukan Penerima Upah"
    JAKON = "JAKON", "Jasa Konstruksi"
    PMI = "PMI", "Pekerja Migran Indonesia"


class EndReason(models.TextChoices):
    RESIGNED = "resigned", "Berhenti bekerja"
    DIED = "died", "Meninggal"
    LAPSED = "lapsed", "Tidak membayar"
    PROGRAM_ENDED = "program_ended", "Program berakhir"
    BECAME_WAGE_EARNER = "became_wage_earner", "Menjadi penerima upah"
    CORRECTION = "correction", "Koreksi data"
    MERGED = "merged", "Peserta digabung"


class Membership(models.Model):
    """Participation of a worker in one segment over a half-open period [start, end)."""

    scope_paths = ScopePaths(
        region="worker__village_id", employer="payer__employer_id", sponsor=None
    )

    # worker and payer lead membership_worker_idx and membership_payer_idx, and kpj is unique
    # through Meta: no second index for each (as for Worker) on a table a batch fills by 200,000s.
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    segment = models.CharField(max_length=8, choices=Segment.choices)
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    jkk = models.BooleanField(default=True)
    jkm = models.BooleanField(default=True)
    jht = models.BooleanField(default=False)
    jp = models.BooleanField(default=False)
    jkp = models.BooleanField(default=False)
    declared_wage = models.BigIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=24, choices=EndReason.choices, blank=True, default="")
    kpj = models.CharField(max_length=11, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "membership"
        constraints = [
            models.UniqueConstraint(fields=["kpj"], name="membership_kpj_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="membership_period"
            ),
            models.CheckConstraint(condition=Q(declared_wage__gt=0), name="membership_wage_pos"),
            models.CheckConstraint(
                condition=Q(segment__in=["PU", "BPU", "JAKON", "PMI"]), name="membership_segment"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, end_reason="") | Q(end__isnull=False),
                name="membership_open_no_reason",
            ),
            models.UniqueConstraint(
                fields=["worker", "segment"],
                condition=Q(end__isnull=True),
                name="membership_one_open_per_segment",
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "segment", "start"], name="membership_worker_idx"),
            models.Index(fields=["payer", "start"], name="membership_payer_idx"),
            models.Index(fields=["segment", "start", "end"], name="membership_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} {self.start} - {self.end or '...'}"

    @property
    def programmes(self) -> list[str]:
        return [p.upper() for p in ("jkk", "jkm", "jht", "jp", "jkp") if getattr(self, p)]
