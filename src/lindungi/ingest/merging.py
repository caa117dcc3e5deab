"""One batch of staged rows into the registry: link, register the new, update the known.

Runs inside the batch's transaction (the caller's): new workers are written with one
bulk INSERT per chunk, known workers changed with one bulk UPDATE per set of fields, the rows
written once each with their outcomes (COPY on PostgreSQL), review items with one bulk INSERT.
What the source may change on a known worker is decided by `rules.plan_update` (per source
kind); an identity field it may not change becomes a conflict for clerical review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from lindungi.core.bulk import in_lists
from lindungi.ingest import linker, rules, staging
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
from lindungi.registry import search
from lindungi.registry.models import Worker, WorkerStatus

LINKED = ("exact", "merge")
CURRENT_FIELDS = (
    "id",
    "name_search",
    "birth_date",
    "sex",
    "village_id",
    "birth_place",
    "address_line",
    "occupation_id",
    "welfare_decile",
    "village_role",
    "nik_index",
    "status",
)


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
    row_ids = dict(zip(by_line, _next_ids(ImportRow, len(rows)), strict=True))
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
    taken = _held_niks(wanted)
    seen: set[str] = set()
    for v in values:
        if v["nik_index"] in taken or v["nik_index"] in seen:
            v["nik_index"] = v["nik_enc"] = None
        elif v["nik_index"]:
            seen.add(v["nik_index"])
    ids = insert_workers(values)
    return {r.line: wid for r, wid in zip(rows, ids, strict=True)}


def _next_ids(model: type[Worker] | type[ImportRow], n: int) -> list[int]:
    """Ids for n new rows of the model's table, taken in the open transaction.

    PostgreSQL: from the table's sequence, so concurrent jobs never collide. SQLite: the
    transaction holds the database's only write lock (IMMEDIATE), so past the highest id ever
    given (AUTOINCREMENT never reuses one) is ours.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the sequence named once: inside the select list it was looked up for every id
            # (3.6 s of a national file's 1.4 million ids, against 0.4 s)
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n]
            )
            return [int(r[0]) for r in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0),"  # noqa: S608 (a model's)
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        top = int(cursor.fetchone()[0])
    return list(range(top + 1, top + 1 + n))


def insert_workers(values: list[dict[str, Any]]) -> list[int]:
    """Insert workers (COPY on PostgreSQL, executemany on SQLite); their ids in order."""
    ids = _next_ids(Worker, len(values))
    names = list(values[0])
    db = connections[DEFAULT_DB_ALIAS]
    prepared = {n: _prep(n, values[0][n], db) for n in ("registered_at", "updated_at")}
    dated = connection.vendor != "postgresql"
    rows = []
    for wid, v in zip(ids, values, strict=True):
        row = [wid]
        for n in names:
            value = prepared.get(n, v[n])
            row.append(value.isoformat() if dated and n == "birth_date" else value)
        rows.append(row)
    with search.names_indexed_in_one_statement(ids[0]):
        staging.copy_or_insert(Worker._meta.db_table, [_column(n) for n in ["id", *names]], rows)
    return ids


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


def _incoming(row: Staged) -> dict[str, Any]:
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


def _current(worker_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The linked workers' current values, read through a plain cursor: a national list reads
    600,000 workers, and the ORM's row objects and converters cost more than the query."""
    columns = ", ".join(_column(n) for n in CURRENT_FIELDS)
    found: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for where, params in in_lists(sorted(worker_ids)):
            cursor.execute(
                f"SELECT {columns} FROM registry_worker WHERE id {where}",  # noqa: S608
                params,
            )
            for values in cursor.fetchall():
                w = dict(zip(CURRENT_FIELDS, values, strict=True))
                born = w["birth_date"]
                w["birth_date"] = born if isinstance(born, str) else born.isoformat()
                found[int(w["id"])] = w
    return found


def update_known(
    kind: str, rows: dict[int, Staged], linked: dict[int, int], out: BatchResult
) -> dict[int, list[str]]:
    """Apply what the source may change; returns row -> conflicting fields."""
    current = _current(set(linked.values()))
    # Only a worker without NIK can take the row's NIK: ask the registry about those alone
    # (an exact link's NIK is its worker's own).
    wanted = {
        r.nik_index
        for key, r in rows.items()
        if r.nik_index and (have := current.get(linked[key])) and have["nik_index"] is None
    }
    free = _free_niks(wanted)
    conflicts: dict[int, list[str]] = {}
    changes: dict[int, dict[str, Any]] = {}
    for key, row in rows.items():
        wid = linked[key]
        have = current.get(wid)
        if have is None or have["status"] == WorkerStatus.MERGED:
            continue
        plan, clash = rules.plan_update(kind, _as_compared(have), _incoming(row))
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
    _apply(changes)
    out.updated = len(changes)
    return conflicts


def _free_niks(indexes: set[str]) -> set[str]:
    """The blind indexes no worker holds yet."""
    if not indexes:
        return set()
    return indexes - _held_niks(indexes)


def _held_niks(indexes: Collection[str]) -> set[str]:
    """Which of these blind indexes a worker (of any status) holds."""
    held: set[str] = set()
    with connection.cursor() as cursor:
        for where, params in in_lists(sorted(indexes)):
            cursor.execute(f"SELECT nik_index FROM registry_worker WHERE nik_index {where}", params)  # noqa: S608
            held.update(str(n) for (n,) in cursor.fetchall())
    return held


def _as_compared(have: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in have.items() if k not in ("id", "nik_index", "status")}


def _apply(changes: dict[int, dict[str, Any]]) -> None:
    """One set-based UPDATE per set of changed fields (Django's bulk_update builds a CASE per
    row and field, which costs more than the update itself)."""
    groups: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
    db = connections[DEFAULT_DB_ALIAS]
    stamp = _prep("updated_at", timezone.now(), db)
    for wid, plan in changes.items():
        names = tuple(sorted(plan))
        values = [
            _prep(n, date.fromisoformat(plan[n]) if n == "birth_date" else plan[n], db)
            for n in names
        ]
        groups[names].append([*values, stamp, wid])
    for names, rows in groups.items():
        _update(list(names), rows)


def _update(names: list[str], rows: list[list[Any]]) -> None:
    """UPDATE the workers' `names` (+ updated_at) from rows of [*values, stamp, id]."""
    q = connection.ops.quote_name
    columns = [_column(n) for n in names] + ["updated_at", "id"]
    table = q(Worker._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sets = ", ".join(f"{q(c)} = %s" for c in columns[:-1])
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)  # noqa: S608
            return
        listed = ", ".join(q(c) for c in columns)
        cursor.execute("DROP TABLE IF EXISTS tmp_ingest_worker_update")
        cursor.execute(
            f"CREATE TEMPORARY TABLE tmp_ingest_worker_update ON COMMIT DROP AS"  # noqa: S608
            f" SELECT {listed} FROM {table} WITH NO DATA"
        )
    staging.copy_or_insert("tmp_ingest_worker_update", columns, rows)
    sets = ", ".join(f"{q(c)} = t.{q(c)}" for c in columns[:-1])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} w SET {sets} FROM tmp_ingest_worker_update t WHERE w.id = t.id"  # noqa: S608
        )
        cursor.execute("DROP TABLE tmp_ingest_worker_update")


_FIELDS = {f.attname: f for f in Worker._meta.concrete_fields}


def _column(name: str) -> str:
    return str(_FIELDS[name].column)


def _prep(name: str, value: Any, db: BaseDatabaseWrapper) -> Any:
    """The value as the database takes it. `db` is the connection itself, resolved once by the
    caller: each read through Django's proxy looks the thread's connection up again, and a
    national list prepares a million values."""
    return _FIELDS[name].get_db_prep_save(value, db)
