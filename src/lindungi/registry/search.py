"""Fuzzy name search over `Worker.name_search`, one index per database.

Names are folded first (registry.rules.name_search_key: titles dropped, Muhammad variants and
Indonesian spelling variants folded), so "Muhammad Rizki" and "Muhamad Rizky" share a key; the
index then finds every worker whose key contains each query token. SQLite uses an FTS5 trigram
table kept in sync by triggers; PostgreSQL a pg_trgm GIN index, which serves LIKE '%token%'.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from lindungi.registry.dbrules import FTS_REBUILD, FTS_TABLE, name_index_triggers
from lindungi.registry.models import Worker
from lindungi.registry.rules import name_search_key

MIN_TRIGRAM = 3
# The table name is a constant; the user's text only ever travels as a bound parameter.
_FTS_IDS = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608


def tokens_of(text: str) -> list[str]:
    return [t for t in name_search_key(text).split() if t]


def filter_by_name(qs: QuerySet[Worker], text: str) -> QuerySet[Worker]:
    """Workers whose folded name contains every folded token of `text`."""
    tokens = tokens_of(text)
    if not tokens:
        return qs.none()
    long_tokens = [t for t in tokens if len(t) >= MIN_TRIGRAM]
    if connection.vendor == "sqlite" and long_tokens:
        match = " AND ".join('"' + t.replace('"', "") + '"' for t in long_tokens)
        qs = qs.filter(pk__in=RawSQL(_FTS_IDS, [match]))  # noqa: S611
    condition = Q()
    for token in tokens:
        # PostgreSQL answers these from the trigram index; on SQLite they only refine FTS hits.
        condition &= Q(name_search__contains=token)
    return qs.filter(condition)


def rebuild_sqlite_index() -> None:
    """Refill the FTS table from the workers table (after a bulk load without triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(FTS_REBUILD)


@contextmanager
def names_indexed_in_one_statement(first_id: int) -> Iterator[None]:
    """Workers inserted inside (ids from `first_id` up) reach SQLite's name index in one
    statement at the end instead of one trigger call each (a third of an insert's cost).

    Must run inside the caller's transaction, which holds SQLite's only write lock, so no other
    writer inserts a worker while the trigger is away; an error rolls the DROP back with the
    rest. PostgreSQL's trigram index needs nothing: the block just runs.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("names_indexed_in_one_statement must run inside a transaction")
    insert_trigger = next(t for t in name_index_triggers() if t.name.endswith("_ai"))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {insert_trigger.name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, name_search) SELECT id, name_search"  # noqa: S608
            f" FROM {Worker._meta.db_table} WHERE id >= %s",
            [first_id],
        )
        cursor.execute(insert_trigger.sql)
