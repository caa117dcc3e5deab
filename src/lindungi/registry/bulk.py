"""Load generated registry rows set-based: COPY on PostgreSQL, executemany on SQLite.

`bulk_load` must run inside the caller's transaction, so a crash or an integrity error leaves
the old state. NIK and phone are still encrypted one value at a time (pii.encrypt) and the NIK
blind-indexed (pii.blind_index): see registry/demo/rows.py. For a load at least as large as
the table already is, secondary structures are set aside and rebuilt once, which is far
cheaper than maintaining them row by row: non-unique and unique indexes (rebuilt from their
own definitions, so a duplicate still fails the load), PostgreSQL foreign keys (re-added, so
they validate the whole set), and SQLite's name search (FTS5) and membership overlap triggers
(the new rows are indexed and checked in one statement each, then the triggers are recreated
from their stored SQL). PostgreSQL's membership exclusion constraint stays in place.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models

from lindungi.registry import dbrules, search
from lindungi.registry.demo import rows
from lindungi.registry.demo.tables import DemoSet
from lindungi.registry.models import Employer, Membership, Payer, Worker

Progress = Callable[[str], None]
SQLITE_CACHE_KIB = 512 * 1024
OVERLAP_SQL = """
    SELECT a.id FROM registry_membership a JOIN registry_membership b
      ON a.worker_id = b.worker_id AND a.segment = b.segment AND a.id < b.id
     AND a.start < COALESCE(b."end", '9999-12-31') AND b.start < COALESCE(a."end", '9999-12-31')
     WHERE b.id >= %s LIMIT 1
"""


@dataclass(frozen=True)
class Loaded:
    """Rows written per table and the first id given to each."""

    counts: dict[str, int]
    first_ids: dict[str, int]


def bulk_load(data: DemoSet, *, progress: Progress | None = None) -> Loaded:
    """Write a generated set in the current transaction; ids continue after the existing rows."""
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load must run inside a transaction")
    say = progress or (lambda _: None)
    writer = _PostgresWriter() if connection.vendor == "postgresql" else _SqliteWriter()
    models_ = (Worker, Employer, Payer, Membership)
    writer.lock(models_)
    first = {m._meta.model_name or "": writer.next_id(m) for m in models_}
    sizes = {
        Worker: len(data.workers),
        Employer: len(data.employers),
        Payer: len(data.payers),
        Membership: len(data.memberships),
    }
    relaxed = [m for m in models_ if sizes[m] and sizes[m] >= first[m._meta.model_name or ""] - 1]
    started = time.perf_counter()
    workers = rows.worker_rows(data.workers, first["worker"])
    say(f"encrypted {len(data.workers):,} NIKs/phones ({time.perf_counter() - started:.1f} s)")
    employers = rows.employer_rows(data.employers, first["employer"])
    payers = rows.payer_rows(data.payers, first, len(data.employers))
    memberships = rows.membership_rows(data.memberships, first)
    writer.relax(relaxed)
    for model, (columns, values) in (
        (Worker, workers),
        (Employer, employers),
        (Payer, payers),
        (Membership, memberships),
    ):
        started = time.perf_counter()
        writer.copy(model, columns, values)
        say(
            f"wrote {sizes[model]:,} {model._meta.db_table} ({time.perf_counter() - started:.1f} s)"
        )
    started = time.perf_counter()
    writer.restore(first)
    spent = time.perf_counter() - started
    say(f"rebuilt indexes, checked constraints ({spent:.1f} s; slowest {writer.slowest()})")
    return Loaded(
        counts={m._meta.model_name or "": n for m, n in sizes.items()},
        first_ids=first,
    )


def _after_max(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


# --- writers --------------------------------------------------------------------------------


def _raw() -> Any:
    """The DB-API connection under Django's, inside the same transaction."""
    connection.ensure_connection()
    return connection.connection


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _Writer:
    """Keeps how long each rebuild step took, for the progress line."""

    def __init__(self) -> None:
        self.steps: list[tuple[float, str]] = []

    def timed(self, label: str, run: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = run()
        self.steps.append((time.perf_counter() - started, label))
        return result

    def slowest(self, k: int = 3) -> str:
        return ", ".join(f"{label} {seconds:.1f} s" for seconds, label in sorted(self.steps)[-k:])


def _name_in(statement: str) -> str:
    found = re.search(r'(?:INDEX|CONSTRAINT|TRIGGER)\s+(?:IF NOT EXISTS\s+)?"?(\w+)', statement)
    return found.group(1) if found else statement.split()[0]


class _SqliteWriter(_Writer):
    """executemany in the open transaction; indexes and known triggers set aside meanwhile."""

    # Only triggers whose effect the load reproduces set-based may be set aside.
    NAME_INDEX = frozenset(t.name for t in dbrules.name_index_triggers())
    NO_OVERLAP = frozenset(t.name for t in dbrules.membership_triggers())

    def __init__(self) -> None:
        super().__init__()
        self.raw = _raw()
        self.indexes: list[str] = []
        self.triggers: list[tuple[str, str]] = []
        self.cache_size = 0

    def next_id(self, model: type[models.Model]) -> int:
        """Past the highest id ever given (AUTOINCREMENT never reuses a deleted row's id)."""
        found = self.raw.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (model._meta.db_table,)
        ).fetchone()
        return max(_after_max(model), int(found[0]) + 1 if found else 1)

    def lock(self, models_: Iterable[type[models.Model]]) -> None:
        # Settings open SQLite transactions IMMEDIATE: the write lock is already held.
        self.cache_size = self.raw.execute("PRAGMA cache_size").fetchone()[0]
        self.raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    def relax(self, models_: Iterable[type[models.Model]]) -> None:
        for model in models_:
            objects = self.raw.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
                " AND type IN ('index', 'trigger')",
                (model._meta.db_table,),
            ).fetchall()
            for kind, name, sql in objects:
                if kind == "index":
                    self.indexes.append(sql)
                elif name in self.NAME_INDEX | self.NO_OVERLAP:
                    self.triggers.append((name, sql))
                else:
                    continue
                self.raw.execute(f'DROP {kind.upper()} "{name}"')

    def copy(self, model: type[models.Model], columns: list[str], rows: Iterable[Any]) -> None:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def restore(self, first: dict[str, int]) -> None:
        for sql in self.indexes:
            self.timed(_name_in(sql), partial(self.raw.execute, sql))
        dropped = {name for name, _ in self.triggers}
        if dropped & self.NAME_INDEX:
            self.timed("name search (FTS5)", lambda: self._index_names(first["worker"]))
        if dropped & self.NO_OVERLAP:
            overlap = OVERLAP_SQL.replace("%s", "?")
            found = self.timed(
                "overlap check",
                lambda: self.raw.execute(overlap, (first["membership"],)).fetchone(),
            )
            if found:
                raise IntegrityError("membership_no_overlap: memberships of one segment overlap")
        for _, sql in self.triggers:
            self.raw.execute(sql)
        self.raw.execute(f"PRAGMA cache_size = {self.cache_size}")

    def _index_names(self, first_worker: int) -> None:
        if first_worker == 1:
            search.rebuild_sqlite_index()
            return
        fts = dbrules.FTS_TABLE
        self.raw.execute(
            f"INSERT INTO {fts}(rowid, name_search) SELECT id, name_search"  # noqa: S608
            f" FROM {_table(Worker)} WHERE id >= ?",
            (first_worker,),
        )


class _PostgresWriter(_Writer):
    """COPY in the open transaction; indexes and constraints dropped and re-added around it."""

    def __init__(self) -> None:
        super().__init__()
        self.cursor = _raw().cursor()
        self.recreate: list[tuple[int, str]] = []  # (order, statement)

    def next_id(self, model: type[models.Model]) -> int:
        """Past the sequence too: ids of deleted rows (named in audit events) are never reused."""
        self.cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", (model._meta.db_table, model._meta.pk.column)
        )
        sequence = self.cursor.fetchone()[0]
        self.cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last, called = self.cursor.fetchone()
        return max(_after_max(model), int(last) + 1 if called else int(last))

    def lock(self, models_: Iterable[type[models.Model]]) -> None:
        tables = ", ".join(_table(m) for m in models_)
        self.cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        # Foreign keys checked per statement, so no deferred events block the DDL below.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")

    def relax(self, models_: Iterable[type[models.Model]]) -> None:
        # The membership exclusion constraint stays: checking row by row as they arrive costs
        # less than re-adding it, which builds the GiST index and then checks every row.
        order = {"u": 0, "f": 2}
        for model in models_:
            table = _table(model)
            self.cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                (model._meta.db_table,),
            )
            for name, definition, kind in self.cursor.fetchall():
                self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                add = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                self.recreate.append((order[kind], add))
            self.cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass"
                " AND NOT x.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                (model._meta.db_table,),
            )
            for name, definition in self.cursor.fetchall():
                self.cursor.execute(f'DROP INDEX "{name}"')
                self.recreate.append((1, definition))

    def copy(self, model: type[models.Model], columns: list[str], rows: Iterable[Any]) -> None:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        fields = {f.column: f for f in model._meta.concrete_fields}
        # Binary COPY is ~40 % cheaper than text; it needs each column's type, without length.
        types = [str(fields[c].db_type(connection)).split("(")[0] for c in columns]
        with self.cursor.copy(f"COPY {_table(model)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def restore(self, first: dict[str, int]) -> None:
        for _, statement in sorted(self.recreate, key=lambda item: item[0]):
            self.timed(_name_in(statement), partial(self.cursor.execute, statement))
        models_ = [Worker, Employer, Payer, Membership]
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            self.cursor.execute(statement)
        # Fresh statistics: without them the planner takes a million rows for a few hundred.
        tables = ", ".join(_table(m) for m in models_)
        self.timed("ANALYZE", lambda: self.cursor.execute(f"ANALYZE {tables}"))
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
