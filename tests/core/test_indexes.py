"""Index kinds chosen per database, and indexes that hold only the rows that have a value."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _index_sql(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name]
            )
        row = cursor.fetchone()
    assert row is not None, f"index {name} is missing"
    return " ".join(str(row[0]).replace('"', "").split())


def test_fingerprint_index_is_a_hash_index_on_postgresql_and_plain_elsewhere() -> None:
    sql = _index_sql("ingest_row_fingerprint_idx")
    if connection.vendor == "postgresql":
        assert sql == (
            "CREATE INDEX ingest_row_fingerprint_idx ON public.ingest_importrow"
            " USING hash (fingerprint)"
        )
    else:
        assert sql == "CREATE INDEX ingest_row_fingerprint_idx ON ingest_importrow (fingerprint)"


@pytest.mark.parametrize(
    ("name", "column"),
    [("worker_occupation_idx", "occupation_id"), ("worker_merged_into_idx", "merged_into_id")],
)
def test_worker_indexes_on_mostly_empty_columns_leave_nulls_out(name: str, column: str) -> None:
    sql = _index_sql(name)
    if connection.vendor == "postgresql":
        assert sql == (
            f"CREATE INDEX {name} ON public.registry_worker USING btree ({column})"
            f" WHERE ({column} IS NOT NULL)"
        )
    else:
        assert (
            sql == f"CREATE INDEX {name} ON registry_worker ({column}) WHERE {column} IS NOT NULL"
        )


def test_no_other_index_on_the_merged_into_column() -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "registry_worker")
    on_column = [n for n, c in found.items() if c["index"] and c["columns"] == ["merged_into_id"]]
    assert on_column == ["worker_merged_into_idx"]
