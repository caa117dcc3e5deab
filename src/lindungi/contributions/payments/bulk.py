"""Set-based writes in the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

Temporary tables carry whole sets into one INSERT … SELECT; they vanish with the connection
(and on PostgreSQL at commit).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection


def raw() -> Any:
    """The DB-API connection under Django's, inside the same transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("bulk writes must run inside the caller's transaction")
    connection.ensure_connection()
    return connection.connection


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def sql(statement: str) -> str:
    """psycopg placeholders (%s) as sqlite3 wants them (?)."""
    return statement if is_postgres() else statement.replace("%s", "?")


SQLITE_CACHE_KIB = 512 * 1024
COPY_BATCH = 50_000


@contextmanager
def sqlite_cache() -> Iterator[None]:
    """A large page cache for a batch on SQLite (the default 2 MB thrashes on big tables)."""
    if is_postgres():
        yield
        return
    connection.ensure_connection()
    db = connection.connection
    previous = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(previous)}")


# Allocation runs many short queries (one set per chunk of payers): compiling them (JIT, which
# their inflated estimates would trigger) costs more than running them.
PLAN_SETTINGS = {"jit": "off"}


@contextmanager
def lookup_plans() -> Iterator[None]:
    """PostgreSQL settings for many short queries, restored afterwards."""
    if not is_postgres():
        yield
        return
    previous = {name: fetch("SELECT current_setting(%s)", [name])[0][0] for name in PLAN_SETTINGS}
    for name, value in PLAN_SETTINGS.items():
        fetch("SELECT set_config(%s, %s, true)", [name, value])
    try:
        yield
    finally:
        for name, value in previous.items():
            fetch("SELECT set_config(%s, %s, true)", [name, value])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_rows(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Dates and datetimes as Django stores them on SQLite; each distinct value adapted once."""
    adapted: dict[Any, Any] = {}

    def adapt(value: Any) -> Any:
        if value not in adapted:
            adapted[value] = _sqlite_value(value)
        return adapted[value]

    for row in rows:
        yield [adapt(v) if isinstance(v, date) else v for v in row]


def db_value(value: Any) -> Any:
    """A date or time as the database takes it in rows passed with `ready=True`."""
    if is_postgres():
        return value.isoformat() if isinstance(value, date) else value
    return _sqlite_value(value)


def insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, ready: bool = False
) -> None:
    """Append rows to a table (or a temporary one) as fast as the database takes them;
    `ready`: every value is an int, or a str of COPY-safe characters (a db_value timestamp)."""
    names = ", ".join(columns)
    if is_postgres():
        with raw().cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            if ready:
                _copy_text(copy, rows)
                return
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    raw().executemany(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (names are ours)
        rows if ready else _sqlite_rows(rows),
    )


def _copy_text(copy: Any, rows: Iterable[Sequence[Any]]) -> None:
    """COPY text built in batches: a third of write_row's time per row."""
    batch: list[str] = []
    for row in rows:
        batch.append("\t".join(map(str, row)))
        if len(batch) == COPY_BATCH:
            copy.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        copy.write("\n".join(batch) + "\n")


def temp_table(name: str, definition: str) -> None:
    """A fresh, empty temporary table for this transaction."""
    suffix = " ON COMMIT DROP" if is_postgres() else ""
    execute(f"DROP TABLE IF EXISTS {name}")
    execute(f"CREATE TEMPORARY TABLE {name} ({definition}){suffix}")


def execute(statement: str, params: Sequence[Any] = ()) -> int:
    """Run one statement; returns the rows it changed."""
    cursor = raw().cursor()
    try:
        cursor.execute(sql(statement), [_param(p) for p in params])
        return int(cursor.rowcount)
    finally:
        cursor.close()


def fetch(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    cursor = raw().cursor()
    try:
        cursor.execute(sql(statement), [_param(p) for p in params])
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _param(value: Any) -> Any:
    return value if is_postgres() else _sqlite_value(value)


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> date:
    return date.fromisoformat(text[:10])


def to_date(value: Any) -> date:
    """A date selected as text (CAST(col AS TEXT): no per-row converter runs) or as a date."""
    return value if isinstance(value, date) else _iso_date(value)


def to_date_or_none(value: Any) -> date | None:
    return None if value is None else to_date(value)
