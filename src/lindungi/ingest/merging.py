"""One batch of staged rows into the registry: link, register the new, update the known.

Runs inside the batch's transaction (the caller's): new workers registered and known workers
changed set-wise (`worker_writes`), the rows written once each with their outcomes (COPY on
PostgreSQL), review items with one bulk INSERT.
What the source may change on a known worker is decided by `rules.plan_update` (per source
kind); an identity field it may not change becomes a conflict for clerical review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from lindungi.ingest import linker, rules, staging, worker_writes
from lindungi.ingest.models import (
    ImportJob,
    ImportRow,
    Outcome,
    ReviewItem,
    ReviewKind,
    RowStatus,
)
from lindungi.ingest.parts import Staged
from lindungi.registry import rules as registry_rules
from lindungi.registry.models import WorkerStatus

LINKED = ("exact", "merge")


def staged(row: ImportRow) -> Staged:
    """A merged row as a batch sees a pending one (a clerk's decision links it later)."""
    return Staged(
        row.line,
        row.data,
        row.nik_index,
        row.nik_enc,
        row.nik_valid,
        row.phone_enc,
        row.fingerprint,
        row.errors,
    )


@dataclass
class BatchResult:
    new: int = 0
    linked: int = 0
    review: int = 0
    duplicate: int = 0
    updated: int = 0
    link_seconds: float = 0.0
    before: dict[str, dict[str, Any]] = field(default_factory=dict)
    after: dict[str, dict[str, Any]] = field(default_factory=dict)


def link_input(row: Staged) -> linker.LinkInput:
    d = row.data
    return linker.LinkInput(
        key=row.line,
        nik_index=row.nik_index,
        nik_valid=row.nik_valid,
        full_name=d.get("full_name", ""),
        birth_date=date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        sex=d.get("sex"),
        village_code=d.get("village_code"),
        name_key=d.get("name_search"),
    )


def merge_batch(
    job: ImportJob, rows: list[Staged], *, results: dict[int, linker.LinkResult]
) -> BatchResult:
    """Merge `rows` (valid, not merged yet; `results` by line) and write each as the job's
    ImportRow with its outcome; all in the caller's transaction."""
    by_line = {r.line: r for r in rows}
    out = BatchResult()
    row_ids = dict(zip(by_line, worker_writes.next_ids(ImportRow, len(rows)), strict=True))
    new_rows = [by_line[k] for k, r in results.items() if r.outcome == "new"]
    worker_of: dict[int, int | None] = dict(_register(job, new_rows))
    out.new = len(new_rows)
    linked = {k: r.worker_id for k, r in results.items() if r.outcome in LINKED and r.worker_id}
    worker_of.update(linked)
    out.linked = len(linked)
    conflicts = update_known(job.kind, {k: by_line[k] for k in linked}, linked, out)
    first_ids = _resolve_duplicates(job, results, worker_of, row_ids)
    out.duplicate = len(first_ids)
    created = {row.line for row in new_rows}
    staging.insert_rows(
        [
            (
                *_merged(job, row, results[row.line], worker_of, row.line in created),
                first_ids.get(row.line),
                row_ids[row.line],
            )
            for row in rows
        ],
        columns=staging.MERGED_COLUMNS,
    )
    reviews = [
        _review(row_ids[k], ReviewKind.CONFLICT, linked[k], results[k], fields)
        for k, fields in conflicts.items()
    ]
    reviews += [
        _review(row_ids[k], ReviewKind.MATCH, r.worker_id, r, [])
        for k, r in results.items()
        if r.outcome == "review"
    ]
    out.review = len(reviews)
    ReviewItem.objects.bulk_create(reviews, batch_size=1000)
    return out


def _merged(
    job: ImportJob,
    row: Staged,
    r: linker.LinkResult,
    worker_of: dict[int, int | None],
    created: bool,
) -> tuple[Any, ...]:
    """The row's values in `staging.MERGED_COLUMNS` order, up to its duplicate and id."""
    worker = worker_of.get(row.line) if r.outcome != "review" else None
    return (
        *row_values(job.pk, row, status=RowStatus.VALID, outcome=r.outcome, created=created),
        worker,
        r.probability,
    )


def row_values(
    job_id: int, row: Staged, *, status: str, outcome: str, created: bool = False
) -> tuple[Any, ...]:
    """A pending row's values in `staging.COLUMNS` order, as it is written at last."""
    return (
        job_id,
        row.line,
        status,
        staging.as_json(row.data),
        row.nik_index,
        row.nik_enc,
        row.nik_valid,
        row.fingerprint,
        staging.as_json(row.errors) if row.errors else "[]",
        outcome,
        created,
        row.phone_enc,
    )


def _review(
    row_id: int, kind: str, candidate: int | None, r: linker.LinkResult, fields: list[str]
) -> ReviewItem:
    return ReviewItem(
        row_id=row_id,
        kind=kind,
        candidate_id=candidate,
        probability=r.probability,
        agreements=r.agreements,
        conflicts=fields,
    )


def _resolve_duplicates(
    job: ImportJob,
    results: dict[int, linker.LinkResult],
    worker_of: dict[int, Any],
    row_ids: dict[int, int],
) -> dict[int, int]:
    """A duplicate row goes to the worker of the first row of the same person; returns the
    first row's ImportRow id for each duplicate (by line)."""
    dupes = {
        k: r.duplicate_of
        for k, r in results.items()
        if r.outcome == Outcome.DUPLICATE and r.duplicate_of is not None
    }
    first_ids = dict(row_ids)
    outside = {d for d in dupes.values() if d not in results}
    if outside:  # the first row merged in an earlier batch of the job
        found = ImportRow.objects.filter(job=job, line__in=outside)
        for line, pk, worker in found.values_list("line", "pk", "worker_id"):
            first_ids[line], worker_of[line] = pk, worker
    for _ in range(len(dupes) + 1):  # a chain of duplicates resolves in as many passes
        pending = [k for k, d in dupes.items() if worker_of.get(k) is None and worker_of.get(d)]
        if not pending:
            break
        for k in pending:
            worker_of[k] = worker_of[dupes[k]]
    return {k: first_ids[d] for k, d in dupes.items() if d in first_ids}


def worker_values(row: Staged, kind: str, now: Any) -> dict[str, Any]:
    d = row.data
    name = d["full_name"]
    nik_ok = bool(row.nik_index)
    return {
        "full_name": name,
        "name_search": _name_key(d),
        "birth_place": d.get("birth_place") or "",
        "birth_date": date.fromisoformat(d["birth_date"]),
        "sex": d["sex"],
        "village_id": d["village_code"],
        "address_line": d.get("address_line") or "",
        "occupation_id": d.get("occupation_code") or None,
        "welfare_decile": d.get("welfare_decile"),
        "village_role": d.get("village_role") or "",
        "source": kind,
        "status": WorkerStatus.ACTIVE.value,
        "nik_index": row.nik_index if nik_ok else None,
        "nik_enc": bytes(row.nik_enc) if nik_ok and row.nik_enc else None,
        "phone_enc": bytes(row.phone_enc) if row.phone_enc else None,
        "registered_at": now,
        "updated_at": now,
    }


def _register(job: ImportJob, rows: list[Staged]) -> dict[int, int]:
    """New workers in bulk; a NIK another worker already holds is left off (never guessed)."""
    if not rows:
        return {}
    now = timezone.now()
    values = [worker_values(r, job.kind, now) for r in rows]
    wanted = [v["nik_index"] for v in values if v["nik_index"]]
    taken = worker_writes.held_niks(wanted)
    seen: set[str] = set()
    for v in values:
        if v["nik_index"] in taken or v["nik_index"] in seen:
            v["nik_index"] = v["nik_enc"] = None
        elif v["nik_index"]:
            seen.add(v["nik_index"])
    ids = worker_writes.insert_workers(values)
    return {r.line: wid for r, wid in zip(rows, ids, strict=True)}


def _name_key(d: dict[str, Any]) -> str:
    """The registry's name key, computed once when the row was checked."""
    key = d.get("name_search")
    return str(key) if key is not None else registry_rules.name_search_key(d["full_name"])[:200]


def register_one(job: ImportJob, row: ImportRow) -> int:
    """Register the row's person as a new worker (a clerk said: different person)."""
    worker_id = _register(job, [staged(row)])[row.line]
    row.worker_id, row.created = worker_id, True
    row.save(update_fields=["worker", "created"])
    return worker_id


def incoming_values(row: Staged) -> dict[str, Any]:
    """The row's values as a known worker's are compared with them (`rules.plan_update`)."""
    d = row.data
    return {
        "name_search": _name_key(d),
        "birth_date": d.get("birth_date"),
        "sex": d.get("sex"),
        "village_id": d.get("village_code"),
        "birth_place": d.get("birth_place") or "",
        "address_line": d.get("address_line") or "",
        "occupation_id": d.get("occupation_code"),
        "welfare_decile": d.get("welfare_decile"),
        "village_role": d.get("village_role") or "",
    }


def update_known(
    kind: str, rows: dict[int, Staged], linked: dict[int, int], out: BatchResult
) -> dict[int, list[str]]:
    """Apply what the source may change; returns row -> conflicting fields."""
    current = worker_writes.current(set(linked.values()))
    # Only a worker without NIK can take the row's NIK: ask the registry about those alone
    # (an exact link's NIK is its worker's own).
    wanted = {
        r.nik_index
        for key, r in rows.items()
        if r.nik_index and (have := current.get(linked[key])) and have["nik_index"] is None
    }
    free = worker_writes.free_niks(wanted)
    conflicts: dict[int, list[str]] = {}
    changes: dict[int, dict[str, Any]] = {}
    for key, row in rows.items():
        wid = linked[key]
        have = current.get(wid)
        if have is None or have["status"] == WorkerStatus.MERGED:
            continue
        plan, clash = rules.plan_update(kind, _as_compared(have), incoming_values(row))
        if row.nik_index and have["nik_index"] not in (None, row.nik_index):
            clash.append("nik")
        if clash:
            conflicts[key] = clash
        if wid in changes:
            continue
        before, after = {f: have[f] for f in plan}, dict(plan)
        if row.nik_index in free and have["nik_index"] is None:
            # A worker registered without NIK gets the one a later list gives (never replaced).
            free.discard(row.nik_index)
            plan |= {"nik_index": row.nik_index, "nik_enc": bytes(row.nik_enc or b"")}
            before["nik"], after["nik"] = "", "filled"
        if plan:
            changes[wid] = plan
            out.before[str(wid)], out.after[str(wid)] = before, after
    worker_writes.update_workers(changes)
    out.updated = len(changes)
    return conflicts


def _as_compared(have: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in have.items() if k not in ("id", "nik_index", "status")}
