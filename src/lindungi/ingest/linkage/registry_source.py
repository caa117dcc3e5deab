"""Where candidate workers come from: the registry database, or an in-memory table.

Both read in sets: the batch's blocking keys (NIK indexes, birth dates, name keys) go into
temporary tables and one join per key kind returns every worker that could be compared — never
one query per row. Rows come back as an Arrow table with the columns of `COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from django.db import connection

COLUMNS = ("id", "full_name", "name_search", "birth_date", "sex", "village_code", "nik_index")
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("full_name", pa.string()),
        ("name_search", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("village_code", pa.string()),
        ("nik_index", pa.string()),
    ]
)
FETCH = 50_000
INSERT = 5_000
# Birth dates of working-age people span some 20,000 days: past a third of them, a batch's
# date join already returns most workers.
WHOLE_REGISTRY_DATES = 7_000
# A scan reads a worker for about a sixth of what a file row's keyed reads cost (its NIK in a
# key table and an index probe, its birth date's share of the candidate join): a registry up
# to four times the file is read at once.
WHOLE_REGISTRY_PER_ROW = 4


class Registry(Protocol):
    """The workers a batch is linked against."""

    def size(self) -> int: ...

    def by_nik(self, indexes: Sequence[str]) -> dict[str, int]: ...

    def candidates(self, *, dates: Sequence[date], names: Sequence[str]) -> pa.Table: ...

    def whole(self) -> Registry:
        """The same workers read into memory at once (for a file that would read most)."""
        ...


class TableRegistry:
    """A registry held in an Arrow table (generated evaluation sets, tests of the model, or
    the database's workers read at once); `merged` maps the NIK index of a merged worker to
    the worker it was merged into."""

    def __init__(self, table: pa.Table, merged: dict[str, int] | None = None) -> None:
        self.table = table.select(list(COLUMNS)).cast(SCHEMA)
        self.merged = merged or {}

    def size(self) -> int:
        return int(self.table.num_rows)

    def whole(self) -> Registry:
        return self

    def by_nik(self, indexes: Sequence[str]) -> dict[str, int]:
        hit = self.table.filter(pc.is_in(self.table["nik_index"], pa.array(indexes, pa.string())))
        found = dict(zip(hit["nik_index"].to_pylist(), hit["id"].to_pylist(), strict=True))
        return found | {n: self.merged[n] for n in indexes if n in self.merged}

    def candidates(self, *, dates: Sequence[date], names: Sequence[str]) -> pa.Table:
        t = self.table
        mask = pc.or_(
            pc.is_in(t["birth_date"], pa.array(dates, pa.date32())),
            pc.is_in(t["name_search"], pa.array(names, pa.string())),
        )
        return t.filter(mask)


_ACTIVE = "w.status <> 'merged'"
_COLS = ", ".join(f"w.{c}" for c in COLUMNS)
# SQLite: the date as text, so Django's per-value date converter stays out of a million-row
# read; Arrow parses the whole column at once (_fetch_arrow)
_COLS_SQLITE = _COLS.replace("w.birth_date", "CAST(w.birth_date AS TEXT)")


def _cols() -> str:
    return _COLS_SQLITE if connection.vendor == "sqlite" else _COLS


class DatabaseRegistry:
    """registry_worker read through Django's connection (SQLite or PostgreSQL)."""

    def size(self) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM registry_worker w WHERE {_ACTIVE}")  # noqa: S608
            return int(cur.fetchone()[0])

    def by_nik(self, indexes: Sequence[str]) -> dict[str, int]:
        sql = (
            "SELECT w.nik_index, COALESCE(w.merged_into_id, w.id) FROM registry_worker w"
            " JOIN linkage_nik k ON k.v = w.nik_index"
        )
        with connection.cursor() as cur, _Keys(cur, "linkage_nik", "text", indexes):
            cur.execute(sql)
            return {str(n): int(i) for n, i in cur.fetchall()}

    def whole(self) -> Registry:
        table = _scan_active()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nik_index, merged_into_id FROM registry_worker"
                " WHERE status = 'merged' AND nik_index IS NOT NULL"
            )
            merged = {str(n): int(i) for n, i in cur.fetchall()}
        return TableRegistry(table, merged)

    def candidates(self, *, dates: Sequence[date], names: Sequence[str]) -> pa.Table:
        if len(dates) > WHOLE_REGISTRY_DATES:
            # So many birth dates select most of the registry anyway: one scan costs less than
            # filling the key tables (a million names) and joining through them.
            return _scan_active()
        # Two joins, UNION: each side can use its own plan (name_search has an index).
        sql = (
            f"SELECT {_cols()} FROM registry_worker w JOIN linkage_bd k ON k.v = w.birth_date"  # noqa: S608
            f" WHERE {_ACTIVE} UNION SELECT {_cols()} FROM registry_worker w"
            f" JOIN linkage_name k ON k.v = w.name_search WHERE {_ACTIVE}"
        )
        with (
            connection.cursor() as cur,
            _Keys(cur, "linkage_bd", "date", dates),
            _Keys(cur, "linkage_name", "text", names),
        ):
            cur.execute(sql)
            return _fetch_arrow(cur)


def _scan_active() -> pa.Table:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {_cols()} FROM registry_worker w WHERE {_ACTIVE}")  # noqa: S608
        return _fetch_arrow(cur)


class _Keys:
    """A temporary one-column table of distinct keys, dropped on exit."""

    def __init__(self, cur: Any, name: str, sql_type: str, values: Iterable[Any]) -> None:
        self.cur, self.name, self.sql_type, self.values = cur, name, sql_type, values

    def __enter__(self) -> None:
        self.cur.execute(f"DROP TABLE IF EXISTS {self.name}")
        self.cur.execute(f"CREATE TEMPORARY TABLE {self.name} (v {self.sql_type} PRIMARY KEY)")
        rows = [(v,) for v in dict.fromkeys(self.values)]
        if connection.vendor == "postgresql":  # a million NIK keys: COPY, not executemany
            with self.cur.cursor.copy(f"COPY {self.name} (v) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        insert = f"INSERT INTO {self.name} (v) VALUES (%s)"  # noqa: S608
        for start in range(0, len(rows), INSERT):
            self.cur.executemany(insert, rows[start : start + INSERT])

    def __exit__(self, exc_type: object, *_: object) -> None:
        # after an error PostgreSQL refuses statements until rollback: leave the table to the
        # next call's DROP IF EXISTS rather than hide the error
        if exc_type is None:
            self.cur.execute(f"DROP TABLE IF EXISTS {self.name}")


def _fetch_arrow(cur: Any) -> pa.Table:
    batches: list[pa.RecordBatch] = []
    while rows := cur.fetchmany(FETCH):
        columns = list(zip(*rows, strict=True))
        arrays = [_array(name, values) for name, values in zip(COLUMNS, columns, strict=True)]
        batches.append(pa.RecordBatch.from_arrays(arrays, schema=SCHEMA))
    return pa.Table.from_batches(batches, schema=SCHEMA)


def _array(name: str, values: Sequence[Any]) -> pa.Array:
    kind = SCHEMA.field(name).type
    if name == "birth_date" and isinstance(next((v for v in values if v), None), str):
        return pa.array(values, pa.string()).cast(kind)  # ISO text (SQLite), parsed at once
    return pa.array(values, type=kind)
