"""Checked rows into the values a job stages: NIKs and phones sealed, a fingerprint each.

A large file is checked and sealed on every core: both are pure Python per row (about 60 µs),
and nothing in them touches the database. The worker processes are forked, so they inherit the
file's lines, the settings and the keys instead of being sent them; only the sealed values come
back. Forking is used only from a single-threaded process (the CLI, the queue worker, a
synchronous web worker) because a fork copies other threads' locks in whatever state they are.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lindungi.core import checkpoints, pii
from lindungi.ingest import parts, rules, staging
from lindungi.ingest.models import RowStatus
from lindungi.ingest.validation import Checked, Known, Line, Memo, check_lines

PARALLEL_MIN_ROWS = int(os.environ.get("LINDUNGI_INGEST_PARALLEL_ROWS", "40000"))
CHUNK_ROWS = 10_000
Sealed = tuple[Any, ...]


def seal_rows(checked: list[Checked], *, kind: str) -> list[Sealed]:
    """Staged row values (without the job id) for checked rows: NIKs and phones sealed."""
    ring = pii.keyring()
    return [_row_values(c, kind, ring) for c in checked]


@dataclass(frozen=True)
class SealedChunk:
    """A slice of the file checked and sealed: its invalid rows as staged values (written as
    ImportRows when the job is created), its valid rows as one part (`parts.Part`)."""

    invalid: list[Sealed]
    part: parts.Part | None
    warned: int  # valid rows that carry a warning

    @property
    def rows(self) -> int:
        return len(self.invalid) + (self.part.rows if self.part else 0)


def chunk_of(sealed: list[Sealed]) -> SealedChunk:
    """The chunk of these sealed rows. Built where they were sealed: a worker sends back one
    compressed body instead of every row's values for the parent to encode (a national
    file's parent spent a core's worth of time doing it)."""
    valid = [v for v in sealed if v[1] == RowStatus.VALID]
    return SealedChunk(
        invalid=[v for v in sealed if v[1] != RowStatus.VALID],
        part=parts.part_of(valid),
        warned=sum(v[7] != "[]" for v in valid),
    )


def _row_values(c: Checked, kind: str, ring: pii.Keyring) -> Sealed:
    index = pii.blind_index(c.nik, field="nik", ring=ring) if c.nik else None
    given = index if c.nik == c.nik_given else None
    if c.nik_given and given is None:
        given = pii.blind_index(c.nik_given, field="nik", ring=ring)
    phone_key = pii.blind_index(c.phone, field="phone", ring=ring) if c.phone else ""
    data = staging.as_json(c.data)  # keys in a fixed order: the code builds the dict
    return (
        c.line,
        RowStatus.VALID if c.ok else RowStatus.INVALID,
        data,
        index if c.nik_valid else None,
        pii.encrypt(c.nik, field="nik", ring=ring) if c.nik else None,
        bool(c.nik_valid) if c.nik_given else True,
        rules.fingerprint_text(kind, data, given or "", phone_key),
        staging.as_json(c.problems) if c.problems else "[]",
        "",
        False,
        pii.encrypt(c.phone, field="phone", ring=ring) if c.phone else None,
    )


@dataclass(frozen=True)
class _Inherited:
    """What a forked worker reads of its parent: set before the fork, never sent."""

    lines: list[Line]
    columns: dict[str, int]
    names: list[str]
    known: Known
    kind: str
    memo: Memo = field(default_factory=dict)  # grows per worker over its slices


_inherited: _Inherited | None = None


def _sealed_chunk(start: int, stop: int) -> SealedChunk:
    """One slice of the file, checked and sealed inside a worker process."""
    job = _inherited
    if job is None:
        raise RuntimeError("_sealed_chunk runs only in a worker forked by sealed_chunks")
    checked = check_lines(
        job.lines[start:stop], columns=job.columns, names=job.names, known=job.known, memo=job.memo
    )
    return chunk_of(seal_rows(checked, kind=job.kind))


def _workers(rows: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Linux only: macOS's system libraries are not safe across fork (Python spawns there)
    forkable = sys.platform.startswith("linux")
    if rows < PARALLEL_MIN_ROWS or not forkable:
        return 1
    checkpoints.wait()  # the last job's checkpoint thread: a fork copies no thread
    if threading.active_count() > 1:
        return 1
    return max(1, min(cores or 1, 8))


def _slice_size(rows: int, workers: int) -> int:
    """Up to CHUNK_ROWS rows a slice, and as many slices for each worker: with 50,000 rows in
    slices of 10,000, one worker sealed the fifth slice alone while the other waited."""
    per_worker = -(-rows // (workers * CHUNK_ROWS))
    return max(1, -(-rows // (workers * per_worker)))


def sealed_chunks(
    lines: list[Line],
    *,
    columns: dict[str, int],
    names: list[str],
    known: Known,
    kind: str,
    workers: int | None = None,
) -> Generator[SealedChunk, None, None]:
    """Every line checked and sealed, in file order, a slice at a time; on all cores when the
    file is large. The workers go on sealing later slices while the caller writes the first:
    writing a national file's rows took as long as sealing them, with one core idle. Close
    the iterator (contextlib.closing) so a caller that stops early stops the workers too."""
    workers = _workers(len(lines)) if workers is None else workers
    if workers == 1:
        checked = check_lines(lines, columns=columns, names=names, known=known)
        yield chunk_of(seal_rows(checked, kind=kind))
        return
    global _inherited  # read by the forked workers, never sent to them
    _inherited = _Inherited(lines, columns, names, known, kind)
    size = _slice_size(len(lines), workers)
    starts = range(0, len(lines), size)
    stops = [min(s + size, len(lines)) for s in starts]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            try:
                yield from pool.map(_sealed_chunk, starts, stops)
            except GeneratorExit:  # the caller stopped (its write failed): drop what is queued
                pool.shutdown(cancel_futures=True)
                raise
    finally:
        _inherited = None
