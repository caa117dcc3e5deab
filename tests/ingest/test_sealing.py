"""Checking and sealing a file on several processes gives what one process gives."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import date
from typing import Any

import pytest

from lindungi.core import pii
from lindungi.ingest import parts, reading, rules, sealing, validation
from lindungi.reference.selectors import district_codes_for_nik

from .conftest import KUKAR, csv_bytes, nik

pytestmark = pytest.mark.django_db


def _file(n: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for i in range(1, n + 1):
        born = "17-08-1985" if i % 7 else "31-02-1985"  # every 7th row: no such date
        given = "" if i % 5 == 0 else nik(i)  # every 5th row: no NIK
        if i % 13 == 0 and given:  # every 13th: a woman's NIK on a man's row, a warning only
            given = nik(i, day="57")
        village = KUKAR if i % 11 else "9999999999"  # every 11th: unknown village
        rows.append([given, f"Budi Santoso {i % 13}", born, "L", village])
    return rows


def _lines() -> tuple[list[validation.Line], dict[str, int], list[str]]:
    table = reading.read_table(csv_bytes(_file(200)), "daftar.csv")
    return validation.table_lines(table, rules.auto_mapping(table.header))


def _known() -> validation.Known:
    return validation.Known(
        today=date(2026, 11, 26),
        villages=frozenset({KUKAR}),
        occupations=frozenset(),
        districts=district_codes_for_nik(),
        prefixes=(),
    )


def _plain(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sealed values with the ciphertexts opened (each encryption draws a fresh nonce)."""
    nik_enc = pii.decrypt(values[4], field="nik") if values[4] else None
    return (*values[:4], nik_enc, *values[5:])


def _valid(chunk: sealing.SealedChunk) -> list[parts.Staged]:
    """The chunk's valid rows as its part gives them back, the NIK opened."""
    rows = parts.rows_of(chunk.part.body) if chunk.part else []
    return [r._replace(nik_enc=r.nik_enc and pii.decrypt(r.nik_enc, field="nik")) for r in rows]


def _lines_of(chunk: sealing.SealedChunk) -> list[int]:
    return sorted([v[0] for v in chunk.invalid] + [r.line for r in _valid(chunk)])


# forced onto two processes even where pytest's own threads run (xdist, a live server)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_two_processes_seal_what_one_seals_in_file_order(monkeypatch):
    lines, columns, names = _lines()
    args: dict[str, Any] = {"columns": columns, "names": names, "known": _known(), "kind": "dtks"}
    [one] = list(sealing.sealed_chunks(lines, workers=1, **args))
    monkeypatch.setattr(sealing, "CHUNK_ROWS", 17)
    chunks = list(sealing.sealed_chunks(lines, workers=2, **args))
    assert [c.rows for c in chunks] == [17] * 11 + [13]
    assert [_plain(v) for c in chunks for v in c.invalid] == [_plain(v) for v in one.invalid]
    assert [r for c in chunks for r in _valid(c)] == _valid(one)
    assert [line for c in chunks for line in _lines_of(c)] == list(range(2, 202))
    # 28 bad dates + 18 unknown villages - 2 both
    assert (sum(c.part.rows for c in chunks if c.part), one.part and one.part.rows) == (156, 156)
    assert (sum(len(c.invalid) for c in chunks), len(one.invalid)) == (44, 44)
    assert (
        sum(r.nik_enc is not None for c in chunks for r in _valid(c))
        + sum(v[4] is not None for c in chunks for v in c.invalid)
        == 160
    )
    assert [c.warned for c in chunks] == [sum(bool(r.errors) for r in _valid(c)) for c in chunks]
    # 15 thirteenths, less 65, 130, 195 without NIK and 91, 143, 182 invalid
    assert (sum(c.warned for c in chunks), one.warned) == (9, 9)
    assert sealing._inherited is None


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_caller_that_stops_early_stops_the_workers(monkeypatch):
    lines, columns, names = _lines()
    args: dict[str, Any] = {"columns": columns, "names": names, "known": _known(), "kind": "dtks"}
    monkeypatch.setattr(sealing, "CHUNK_ROWS", 17)
    chunks = sealing.sealed_chunks(lines, workers=2, **args)
    assert _lines_of(next(chunks)) == list(range(2, 19))
    assert sealing._inherited is not None
    chunks.close()
    assert sealing._inherited is None
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("rows", "workers", "size"),
    [(50_000, 2, 8_334), (40_000, 2, 10_000), (45_000, 2, 7_500), (1_000_000, 2, 10_000),
     (1_000_001, 2, 9_804), (90_000, 3, 10_000), (5, 2, 3)],
)  # fmt: skip
def test_each_worker_gets_as_many_slices_of_at_most_chunk_rows(rows, workers, size):
    assert sealing._slice_size(rows, workers) == size
    assert size <= sealing.CHUNK_ROWS
    assert -(-rows // size) % workers == 0  # the last round of slices keeps every worker busy


def test_a_small_file_or_a_threaded_process_is_sealed_in_one_process(monkeypatch):
    monkeypatch.setattr(sealing.os, "sched_getaffinity", lambda _: {0, 1})
    assert sealing._workers(sealing.PARALLEL_MIN_ROWS - 1) == 1
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert sealing._workers(sealing.PARALLEL_MIN_ROWS) == 1
    finally:
        stop.set()
        other.join()
    if threading.active_count() == 1:  # a live server thread of the browser tests may remain
        assert sealing._workers(sealing.PARALLEL_MIN_ROWS) == 2
