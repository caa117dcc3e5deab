"""Set-based writes of the ingest app, in the open transaction: COPY on PostgreSQL (its
executemany still pays a round of parsing and index work per statement), executemany on SQLite.
Outcomes go through a temporary table and one UPDATE … FROM on PostgreSQL."""

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
INSERT_SQL = (
    f"INSERT INTO ingest_importrow ({', '.join(COLUMNS)})"  # noqa: S608 (constant names)
    f" VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)
OUTCOME_SQL = (
    "UPDATE ingest_importrow SET outcome = %s, worker_id = %s, probability = %s,"
    " duplicate_of = %s, created = %s WHERE id = %s"
)


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


def insert_rows(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert staged rows (values in COLUMNS order); must run inside the job's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("insert_rows must run inside a transaction")
    copy_or_insert("ingest_importrow", COLUMNS, rows)


OUTCOME_STAGE = "tmp_ingest_outcome"
OUTCOME_FROM_SQL = f"""
UPDATE ingest_importrow r
   SET outcome = t.outcome, worker_id = t.worker_id, probability = t.probability,
       duplicate_of = t.duplicate_of, created = t.created
  FROM {OUTCOME_STAGE} t WHERE r.id = t.id
"""  # noqa: S608 (constant names)


def set_outcomes(values: Sequence[tuple[Any, ...]]) -> None:
    """(outcome, worker_id, probability, duplicate_of, created, row id) for each row."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for start in range(0, len(values), CHUNK):
                cursor.executemany(OUTCOME_SQL, list(values[start : start + CHUNK]))
            return
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {OUTCOME_STAGE} (outcome varchar(20),"
            " worker_id bigint, probability double precision, duplicate_of integer,"
            " created boolean, id bigint) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {OUTCOME_STAGE}")
    copy_or_insert(
        OUTCOME_STAGE,
        ("outcome", "worker_id", "probability", "duplicate_of", "created", "id"),
        values,
    )
    with connection.cursor() as cursor:
        cursor.execute(OUTCOME_FROM_SQL)
