"""The merge's set reads of the registry: any number of keys, in one statement or in slices."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from lindungi.core import pii
from lindungi.core.bulk import IN_CHUNK
from lindungi.ingest import worker_writes
from lindungi.ingest.models import ImportRow
from lindungi.reference.models import Region
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db


def _worker(n: int, village: str) -> Worker:
    return Worker.objects.create(
        full_name=f"Pekerja {n}",
        name_search=f"pekerja {n}",
        birth_date=date(1980, 1, 1),
        sex="L",
        village_id=village,
        welfare_decile=n,
        nik_index=pii.blind_index(f"640201010180{n:04d}", field="nik"),
    )


def test_held_niks_finds_every_held_index_among_more_keys_than_one_statement_takes() -> None:
    village = Region.objects.filter(level=4).values_list("code", flat=True)[0]
    held = {str(_worker(n, village).nik_index) for n in (1, 2, 3)}
    asked = {f"{i:032x}" for i in range(3 * IN_CHUNK)} | held
    assert worker_writes.held_niks(asked) == held
    assert worker_writes.held_niks(set()) == set()


def test_current_reads_each_linked_worker_once_across_slices() -> None:
    village = Region.objects.filter(level=4).values_list("code", flat=True)[0]
    ids = {_worker(n, village).pk for n in (4, 5)}
    asked = ids | set(range(10**9, 10**9 + 2 * IN_CHUNK))
    found = worker_writes.current(asked)
    assert set(found) == ids
    assert sorted(w["welfare_decile"] for w in found.values()) == [4, 5]
    assert all(w["birth_date"] == "1980-01-01" for w in found.values())


def test_a_lookup_by_worker_can_use_the_index_that_holds_only_rows_with_a_worker() -> None:
    """The worker index leaves out staged rows without a worker; a lookup by worker, and the
    SET NULL that deleting a worker runs, must still be able to use it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "ingest_row_worker_idx" in ImportRow.objects.filter(worker_id=7).explain()
    deleting = ImportRow.objects.filter(worker_id__in=[7, 8])
    assert "ingest_row_worker_idx" in deleting.explain()
