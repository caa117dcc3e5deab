"""Set-based reads and writes of registry_worker for the merge of an import batch.

A national list registers hundreds of thousands of workers and updates as many, so nothing
here goes through model instances: ids are taken in the open transaction, rows go in by COPY
(PostgreSQL) or executemany (SQLite), updates by one statement per set of changed fields, and
reads through a plain cursor in slices (`core.bulk.in_lists`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from lindungi.core.bulk import in_lists
from lindungi.ingest import staging
from lindungi.ingest.models import ImportRow
from lindungi.registry import search
from lindungi.registry.models import Worker

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


def next_ids(model: type[Worker] | type[ImportRow], n: int) -> list[int]:
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
    ids = next_ids(Worker, len(values))
    names = list(values[0])
    db = connections[DEFAULT_DB_ALIAS]
    prepared = {n: prep(n, values[0][n], db) for n in ("registered_at", "updated_at")}
    dated = connection.vendor != "postgresql"
    rows = []
    for wid, v in zip(ids, values, strict=True):
        row = [wid]
        for n in names:
            value = prepared.get(n, v[n])
            row.append(value.isoformat() if dated and n == "birth_date" else value)
        rows.append(row)
    with search.names_indexed_in_one_statement(ids[0]):
        staging.copy_or_insert(Worker._meta.db_table, [column(n) for n in ["id", *names]], rows)
    return ids


def current(worker_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The linked workers' current values, read through a plain cursor: a national list reads
    600,000 workers, and the ORM's row objects and converters cost more than the query."""
    columns = ", ".join(column(n) for n in CURRENT_FIELDS)
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


def free_niks(indexes: set[str]) -> set[str]:
    """The blind indexes no worker holds yet."""
    if not indexes:
        return set()
    return indexes - held_niks(indexes)


def held_niks(indexes: Collection[str]) -> set[str]:
    """Which of these blind indexes a worker (of any status) holds."""
    held: set[str] = set()
    with connection.cursor() as cursor:
        for where, params in in_lists(sorted(indexes)):
            cursor.execute(f"SELECT nik_index FROM registry_worker WHERE nik_index {where}", params)  # noqa: S608
            held.update(str(n) for (n,) in cursor.fetchall())
    return held


def update_workers(changes: dict[int, dict[str, Any]]) -> None:
    """One set-based UPDATE per set of changed fields (Django's bulk_update builds a CASE per
    row and field, which costs more than the update itself)."""
    groups: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
    db = connections[DEFAULT_DB_ALIAS]
    stamp = prep("updated_at", timezone.now(), db)
    for wid, plan in changes.items():
        names = tuple(sorted(plan))
        values = [
            prep(n, date.fromisoformat(plan[n]) if n == "birth_date" else plan[n], db)
            for n in names
        ]
        groups[names].append([*values, stamp, wid])
    for names, rows in groups.items():
        _update(list(names), rows)


def _update(names: list[str], rows: list[list[Any]]) -> None:
    """UPDATE the workers' `names` (+ updated_at) from rows of [*values, stamp, id]."""
    q = connection.ops.quote_name
    columns = [column(n) for n in names] + ["updated_at", "id"]
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


def column(name: str) -> str:
    return str(_FIELDS[name].column)


def prep(name: str, value: Any, db: BaseDatabaseWrapper) -> Any:
    """The value as the database takes it. `db` is the connection itself, resolved once by the
    caller: each read through Django's proxy looks the thread's connection up again, and a
    national list prepares a million values."""
    return _FIELDS[name].get_db_prep_save(value, db)
