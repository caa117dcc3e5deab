"""Clerical review: a clerk decides what the machine would not; every decision is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.ingest import merging, selectors
from lindungi.ingest.models import (
    Decision,
    ImportJob,
    ImportRow,
    Outcome,
    ReviewItem,
    ReviewKind,
)
from lindungi.ingest.services import undo
from lindungi.registry import rules as registry_rules
from lindungi.registry.models import Worker, WorkerStatus

ALLOWED = {
    ReviewKind.MATCH: (Decision.SAME, Decision.DIFFERENT),
    # `different` only for a row the linkage merged: a row linked by its NIK is that person
    ReviewKind.CONFLICT: (Decision.APPLY, Decision.KEEP, Decision.DIFFERENT),
}
_FIELD_OF = {"name_search": "full_name", "nik": ""}
_MOVES = (Decision.SAME, Decision.DIFFERENT)  # decisions that say where the row's person is


@transaction.atomic
def review_decide(*, item_id: int, decision: str, actor: Actor, note: str = "") -> ReviewItem:
    """Decide one open review item: same person (link), different (register new), or for a
    conflict apply the file's values / keep the registry's; audited with before and after."""
    qs = ReviewItem.objects.select_for_update().select_related("row", "row__job")
    item = access.get(actor, access.REVIEW_LINKAGE, qs, pk=item_id)
    if item.decision:
        raise Conflict("Sudah diputuskan (already decided)")
    row, job = item.row, item.row.job
    if decision not in allowed(item):
        raise ValidationError({"decision": f"Keputusan '{decision}' tidak berlaku di sini"})
    before: dict[str, Any] = {}  # changed fields of the candidate, for the audit and undo
    after: dict[str, Any] = {}
    worker_id = item.candidate_id
    if decision == Decision.SAME:
        before, after = _link_same(job, row, _alive(item.candidate_id))
    elif decision == Decision.DIFFERENT:
        if item.kind == ReviewKind.CONFLICT:  # what the merge wrote on the candidate goes
            before, after = _take_back(job, row, _alive(item.candidate_id))
        worker_id = merging.register_one(job, row)
    elif decision == Decision.APPLY:
        before, after = _apply_conflict(row, _alive(item.candidate_id), list(item.conflicts))
    followers = _carry_duplicates(row, worker_id) if decision in _MOVES else []
    item.decision, item.decided_at = decision, timezone.now()
    item.decided_by = actor if isinstance(actor, User) else None
    item.save(update_fields=["decision", "decided_at", "decided_by"])
    audit.record(
        actor=actor,
        action="ingest.review",
        object_type=ImportJob._meta.label_lower,
        object_id=str(job.pk),
        region_code=row.data.get("village_code") or job.region_code,
        before={"workers": {str(item.candidate_id): before}} if before else None,
        after={
            "item": item.pk,
            "row": row.pk,
            "decision": decision,
            "worker": worker_id,
            "created": decision == Decision.DIFFERENT,
        }
        | ({"workers": {str(item.candidate_id): after}} if before else {})
        | ({"duplicates": followers} if followers else {}),
        note=note,
    )
    return item


def allowed(item: ReviewItem) -> tuple[str, ...]:
    """The decisions open on this item: a conflict on a row linked by its NIK cannot be
    another person."""
    choices = ALLOWED[ReviewKind(item.kind)]
    if item.kind == ReviewKind.CONFLICT and item.row.outcome != Outcome.MERGE:
        return tuple(c for c in choices if c != Decision.DIFFERENT)
    return choices


def _take_back(
    job: ImportJob, row: ImportRow, worker_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the row's batch wrote on the candidate, taken back if this row wrote it: a batch
    writes the values of the first row linked to a worker that changes anything, so the row
    must give the values written and no earlier row of the batch may give them too."""
    # only the row's own batch is read: a national job's batch events each carry the before
    # and after values of some ten thousand workers
    event = AuditEvent.objects.filter(
        object_type=ImportJob._meta.label_lower,
        object_id=str(job.pk),
        action="ingest.batch",
        after__first_line__lte=row.line,
        after__last_line__gte=row.line,
    ).first()
    if event is None:
        return {}, {}
    done = event.after or {}
    before = ((event.before or {}).get("workers") or {}).get(str(worker_id)) or {}
    after = (done.get("workers") or {}).get(str(worker_id)) or {}
    linked = ImportRow.objects.filter(
        job=job,
        worker_id=worker_id,
        outcome__in=[Outcome.EXACT, Outcome.MERGE],
        line__range=(done["first_line"], row.line),
    ).order_by("line")
    writers = [r.pk for r in linked if _gives(r, after, row.nik_index)]
    if not before or writers[:1] != [row.pk]:
        return {}, {}
    return undo.take_back(worker_id=worker_id, before=before, after=after, nik_index=row.nik_index)


def _carry_duplicates(row: ImportRow, worker_id: int | None) -> list[int]:
    """The rows that duplicate this one go to the worker the clerk chose for it: the file
    held one person several times. Returns their ids."""
    moved = [r.pk for r in selectors.duplicates_of(row)]
    ImportRow.objects.filter(pk__in=moved).update(worker_id=worker_id)
    return moved


def _gives(row: ImportRow, written: dict[str, Any], filled: str | None) -> bool:
    """Whether merging this row would have written these values (a NIK: the one filled)."""
    values = merging.incoming_values(merging.staged(row))
    same = all(str(values.get(f)) == str(v) for f, v in written.items() if f != "nik")
    return same and ("nik" not in written or row.nik_index == filled)


def _alive(worker_id: int | None) -> int:
    if worker_id is None:
        raise Conflict("Tidak ada pekerja calon (no candidate)")
    worker = Worker.objects.filter(pk=worker_id).values_list("status", flat=True).first()
    if worker is None or worker == WorkerStatus.MERGED:
        raise Conflict("Pekerja calon tidak ada lagi atau sudah digabung (candidate gone)")
    return worker_id


def _link_same(
    job: ImportJob, row: ImportRow, worker_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Link the row and make the changes its source kind may make, as a batch would have."""
    _link(row, worker_id)
    result = merging.BatchResult()
    merging.update_known(job.kind, {row.pk: merging.staged(row)}, {row.pk: worker_id}, result)
    return result.before.get(str(worker_id), {}), result.after.get(str(worker_id), {})


def _link(row: ImportRow, worker_id: int) -> None:
    row.worker_id = worker_id
    row.save(update_fields=["worker"])


def _apply_conflict(
    row: ImportRow, worker_id: int, conflicts: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The file's values for the conflicting identity fields, on the worker."""
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    d = row.data
    incoming: dict[str, Any] = {
        "full_name": d.get("full_name"),
        "birth_date": date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        "sex": d.get("sex"),
        "village_id": d.get("village_code"),
    }
    for conflict in conflicts:
        name = _FIELD_OF.get(conflict, conflict)
        if not name or incoming.get(name) is None:
            continue
        before[name] = audit.snapshot(worker).get(name)
        setattr(worker, name, incoming[name])
        after[name] = audit.snapshot(worker).get(name)
    if "full_name" in after:
        worker.name_search = registry_rules.name_search_key(worker.full_name)[:200]
    worker.updated_at = timezone.now()
    worker.save(update_fields=[*after, "name_search", "updated_at"])
    _link(row, worker_id)
    return before, after
