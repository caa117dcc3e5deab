"""Generate a demo population and load it, once per seed, in one audited transaction."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count

from lindungi.accounts.models import User
from lindungi.accounts.services import user_create
from lindungi.core import access, audit, checkpoints
from lindungi.core.access import Actor, OrgKind, Role
from lindungi.core.errors import ValidationError
from lindungi.core.models import AuditEvent
from lindungi.registry.bulk import Progress, bulk_load
from lindungi.registry.demo.context import DEMO_AS_OF, context_from_db
from lindungi.registry.demo.generator import generate
from lindungi.registry.models import Source, Worker

ACTION = "registry.generate"
VILLAGE = "6112012001"  # Sungai Raya, Kubu Raya (REGULATIONS.md §5.3)
MAX_WORKERS = 10_000_000


@dataclass(frozen=True)
class GenerateResult:
    """What a generation run did; `already_loaded` when this seed was loaded before."""

    seed: int
    workers: int
    already_loaded: bool
    counts: dict[str, int]
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "workers": self.workers,
            "already_loaded": self.already_loaded,
            "counts": self.counts,
            "seconds": self.seconds,
            "stages": self.stages,
        }


def generation_of(seed: int) -> AuditEvent | None:
    """The audit event of an earlier generation with this seed: the generation record."""
    return AuditEvent.objects.filter(action=ACTION, after__seed=seed).order_by("pk").first()


def demo_generate(
    *,
    workers: int,
    seed: int,
    actor: Actor | None = None,
    as_of: date = DEMO_AS_OF,
    progress: Progress | None = None,
) -> GenerateResult:
    """Generate and load a synthetic population; all or nothing, and a seed loads only once."""
    if actor is not None:
        access.require(actor, access.MANAGE_USERS)
    if not 1 <= workers <= MAX_WORKERS:
        raise ValidationError({"workers": f"Antara 1 dan {MAX_WORKERS:,} (between 1 and that)"})
    say = progress or (lambda _: None)
    started = time.perf_counter()
    if (done := generation_of(seed)) is not None:
        return _already(seed, done, started)
    ctx = context_from_db(as_of)
    data = generate(workers=workers, seed=seed, ctx=ctx)
    generated = time.perf_counter() - started
    say(f"generated {workers:,} workers in memory ({generated:.1f} s)")
    with checkpoints.deferred(), transaction.atomic():
        loaded = bulk_load(data, progress=say)
        # Re-checked under the load's table locks: a concurrent run of the same seed waits and
        # then finds this record, and its own rows roll back with the error below.
        if AuditEvent.objects.filter(action=ACTION, after__seed=seed).exists():
            raise ValidationError({"seed": f"seed {seed} loaded concurrently"})
        counts = data.counts() | {f"first_{k}_id": v for k, v in loaded.first_ids.items()}
        audit.record(
            actor=actor,
            action=ACTION,
            object_type="registry.worker",
            object_id=f"demo-seed-{seed}",
            after={"seed": seed, "workers": workers, "as_of": as_of.isoformat(), "counts": counts},
            note="synthetic demo data (source=demo)",
        )
    total = round(time.perf_counter() - started, 2)
    say(f"loaded and committed ({total:.1f} s in all)")
    stages = {"generate": round(generated, 2), "load": round(total - generated, 2)}
    return GenerateResult(seed, workers, False, counts, total, stages)


def _already(seed: int, event: AuditEvent, started: float) -> GenerateResult:
    after = event.after or {}
    return GenerateResult(
        seed=seed,
        workers=int(after.get("workers", 0)),
        already_loaded=True,
        counts=dict(after.get("counts", {})),
        seconds=round(time.perf_counter() - started, 2),
    )


@dataclass(frozen=True)
class Persona:
    """One demo login: who it plays and what it may see."""

    username: str
    role: str
    region_scope: str = ""
    organisation_kind: str = ""
    organisation_id: int | None = None
    full_name: str = ""


def demo_personas(employer_id: int | None, village: str = VILLAGE) -> list[Persona]:
    """One login per role of core.access.Role, scoped as DESIGN.md §2 describes them."""
    people = [
        Persona("admin_pusat", Role.ADMIN, full_name="Administrator Pusat"),
        Persona("cabang_kukar", Role.BRANCH_OFFICER, "6402", full_name="Petugas Cabang Kukar"),
        Persona("kepatuhan_kaltim", Role.COMPLIANCE_OFFICER, "64", full_name="Kepatuhan Kaltim"),
        Persona("pengawas_kaltim", Role.LABOUR_INSPECTOR, "64", full_name="Pengawas Kaltim"),
        Persona("disnaker_kukar", Role.REGIONAL_PLANNER, "6402", full_name="Disnaker Kukar"),
        Persona("desa_kubu_raya", Role.VILLAGE_OFFICER, village, full_name="Perangkat Desa"),
        Persona("csr_mitra", Role.SPONSOR, "", OrgKind.SPONSOR, 1, "Mitra CSR"),
        Persona("dprd_kaltim", Role.DPRD, "64", full_name="Anggota DPRD Kaltim"),
        Persona("auditor_pusat", Role.AUDITOR, full_name="Auditor"),
    ]
    if employer_id is not None:
        people.insert(
            7,
            Persona(
                "pemberi_kerja",
                Role.EMPLOYER,
                "",
                OrgKind.EMPLOYER,
                employer_id,
                "HRD Pemberi Kerja",
            ),
        )
    return people


def demo_village(prefix: str = "6112") -> str:
    """The desa of Kubu Raya with the most demo workers (Sungai Raya when there are none)."""
    counts = (
        Worker.objects.filter(access.region_q("village_id", [prefix]), source=Source.DEMO)
        .values_list("village_id")
        .annotate(n=Count("id"))
    )
    desa = [(-n, code) for code, n in counts if code[6] == "2"]  # 2: desa, 1: kelurahan
    return min(desa)[1] if desa else VILLAGE


def demo_logins_ensure(*, password: str, employer_id: int | None) -> list[tuple[Persona, bool]]:
    """Create the demo logins that do not exist yet; returns each persona and whether it is new."""
    existing = set(User.objects.values_list("username", flat=True))
    out: list[tuple[Persona, bool]] = []
    for persona in demo_personas(employer_id, demo_village()):
        created = persona.username not in existing
        if created:
            user_create(
                username=persona.username,
                password=password,
                role=persona.role,
                region_scope=persona.region_scope,
                organisation_kind=persona.organisation_kind,
                organisation_id=persona.organisation_id,
                full_name=persona.full_name,
                actor=None,
            )
        out.append((persona, created))
    return out


def first_demo_employer() -> int | None:
    """The id of the first employer of the earliest demo generation, if any."""
    event = AuditEvent.objects.filter(action=ACTION).order_by("pk").first()
    counts = (event.after or {}).get("counts", {}) if event else {}
    value = counts.get("first_employer_id")
    return int(value) if value is not None and counts.get("employers") else None


def any_generation() -> bool:
    return AuditEvent.objects.filter(action=ACTION).exists()
