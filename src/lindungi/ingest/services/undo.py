"""Undo a whole import job: what it changed is reverted from its audit events' before-values,
the workers it registered are removed, or ended where something else already refers to them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict
from lindungi.core.models import AuditEvent
from lindungi.ingest import parts
from lindungi.ingest.models import Decision, ImportJob, ImportRow, JobStatus, ReviewItem
from lindungi.registry.models import Worker, WorkerStatus

CHUNK = 2000


@dataclass
class Undone:
    removed: int = 0
    ended: int = 0
    reverted: int = 0
    kept: int = 0  # changed again since the import: left as it is now


@transaction.atomic
def import_job_undo(*, job_id: int, actor: Actor, note: str = "") -> ImportJob:
    """Take a finished or failed job back as a whole; audited with what was undone."""
    job = access.get(actor, access.UNDO_IMPORT, ImportJob.objects.select_for_update(), pk=job_id)
    if job.status not in (JobStatus.DONE, JobStatus.FAILED) or job.claimed_by:
        raise Conflict("Hanya impor yang selesai/gagal dapat dibatalkan (job not finished)")
    result = Undone()
    _revert(job, result)
    _unfill_niks(job, result)
    created = set(
        ImportRow.objects.filter(job=job, created=True, worker__isnull=False).values_list(
            "worker_id", flat=True
        )
    )
    ReviewItem.objects.filter(row__job=job, decision=Decision.PENDING).delete()
    ImportRow.objects.filter(job=job).update(worker=None)
    parts.drop(job.pk)  # a failed job's rows never merged are not merged later
    _remove(created, job, result)
    job.status, job.finished_at = JobStatus.UNDONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    audit.record(
        actor=actor,
        action="ingest.undo",
        obj=job,
        region_code=job.region_code,
        after=asdict(result),
        note=note,
    )
    return job


def _revert(job: ImportJob, result: Undone) -> None:
    """Newest first, each changed field goes back where it still holds the imported value."""
    for event in _events(job, ["ingest.batch", "ingest.review"]):
        before = (event.before or {}).get("workers") or {}
        after = (event.after or {}).get("workers") or {}
        if before:
            _revert_workers(before, after, result)


def _unfill_niks(job: ImportJob, result: Undone) -> None:
    """NIKs this job wrote onto known workers go again, if the worker still holds them."""
    filled = {
        int(wid)
        for event in _events(job, ["ingest.batch"])
        for wid, old in ((event.before or {}).get("workers") or {}).items()
        if "nik" in old
    }
    given = ImportRow.objects.filter(job=job, worker_id__in=filled, nik_index__isnull=False)
    pairs = set(given.values_list("worker_id", "nik_index"))
    for wid, index in pairs:
        result.reverted += _unfill(wid, str(index))  # not null: filtered above


def _unfill(worker_id: int, nik_index: str) -> int:
    """Clear the NIK an import filled, if the worker still holds it; 1 if it did."""
    return Worker.objects.filter(pk=worker_id, nik_index=nik_index).update(
        nik_index=None, nik_enc=None, updated_at=timezone.now()
    )


def _events(job: ImportJob, actions: list[str]) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=ImportJob._meta.label_lower, object_id=str(job.pk), action__in=actions
    ).order_by("-pk")


def _revert_workers(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], result: Undone
) -> None:
    ids = [int(k) for k in before]
    now = timezone.now()
    groups: dict[tuple[str, ...], list[Worker]] = defaultdict(list)
    for worker in Worker.objects.filter(pk__in=ids):
        old, new = before[str(worker.pk)], after.get(str(worker.pk), {})
        old = {f: v for f, v in old.items() if f != "nik"}  # see _unfill_niks
        current = audit.snapshot(worker)
        back = {f: v for f, v in old.items() if _same(current.get(f), new.get(f))}
        result.kept += len(old) - len(back)
        if not back:
            continue
        for name, value in back.items():
            is_date = name == "birth_date" and value
            setattr(worker, name, date.fromisoformat(value) if is_date else value)
        worker.updated_at = now
        groups[tuple(sorted(back))].append(worker)
        result.reverted += 1
    for names, workers in groups.items():
        Worker.objects.bulk_update(workers, [*names, "updated_at"], batch_size=500)


def take_back(
    *, worker_id: int, before: dict[str, Any], after: dict[str, Any], nik_index: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What one merge changed on one worker, taken back as undo takes it back (each field only
    where the worker still holds the imported value; a NIK it filled only while the worker
    still holds it); returns the fields moved, as they were and as they are now."""
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    was = audit.snapshot(worker)
    _revert_workers({str(worker_id): before}, {str(worker_id): after}, Undone())
    unfilled = bool(nik_index and "nik" in before and _unfill(worker_id, nik_index))
    now = audit.snapshot(Worker.objects.get(pk=worker_id))
    moved = [f for f in now if f != "updated_at" and now[f] != was.get(f)]
    old, new = {f: was.get(f) for f in moved}, {f: now[f] for f in moved}
    if unfilled:
        old["nik"], new["nik"] = "filled", ""
    return old, new


def _same(current: Any, imported: Any) -> bool:
    return current == imported or str(current) == str(imported)


def _referenced(ids: list[int], job: ImportJob) -> set[int]:
    """Workers some other row refers to (a membership, a payer, another import, any app)."""
    held: set[int] = set()
    for rel in Worker._meta.related_objects:
        related = rel.related_model
        if not isinstance(related, type) or not issubclass(related, models.Model):
            continue
        name = rel.field.name
        qs = related._default_manager.filter(**{f"{name}__in": ids})
        if related is ImportRow:
            qs = qs.exclude(job=job)
        if related is ReviewItem:
            qs = qs.exclude(row__job=job)
        held.update(int(v) for v in qs.values_list(name, flat=True) if v is not None)
    return held


def _remove(created: set[int], job: ImportJob, result: Undone) -> None:
    ids = sorted(created)
    today = timezone.localdate()
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        held = _referenced(part, job)
        free = [i for i in part if i not in held]
        Worker.objects.filter(pk__in=free).delete()
        result.removed += len(free)
        result.ended += Worker.objects.filter(pk__in=held, status=WorkerStatus.ACTIVE).update(
            status=WorkerStatus.ENDED, ended_on=today, updated_at=timezone.now()
        )
