"""Set-based writes of the ingest app, in the open transaction: COPY on PostgreSQL (its
executemany still pays a round of parsing and index work per statement), executemany on SQLite.
A row is inserted once: an invalid one when its job is created, a valid one when its job runs
(with its outcome, or `unchanged`; until then it waits in the job's parts)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

CHUNK = 5000
COLUMNS = (
    "job_id",
    "line",
    "status",
    "data",
    "nik_index",
    "nik_enc",
    "nik_valid",
    "fingerprint",
    "errors",
    "outcome",
    "created",
    "phone_enc",
)
MERGED_COLUMNS = (*COLUMNS, "worker_id", "probability", "duplicate_of", "id")


def _row_encoder() -> Callable[[Any], str]:
    """Compact JSON for one row's values: one C encoder made once and called per row.

    json.dumps with options builds its encoder anew for every call, which cost three times
    the encoding itself at a million rows; without the C accelerator, a plain encoder serves.
    """
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    # CPython's accelerator, which typeshed does not declare
    make = getattr(json.encoder, "c_make_encoder", None)
    text = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or text is None:
        return plain.encode
    chunks = make(None, plain.default, text, None, ":", ",", False, False, True)
    return lambda value: "".join(chunks(value, 0))


as_json = _row_encoder()


def copy_or_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows into `table` (COPY on PostgreSQL, executemany elsewhere)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(table)
            with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, list(rows[start : start + CHUNK]))


def insert_rows(rows: Sequence[tuple[Any, ...]], *, columns: Sequence[str] = COLUMNS) -> None:
    """Insert import rows (values in `columns` order); must run inside the job's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows must run inside a transaction")
    copy_or_insert("ingest_importrow", columns, rows)
