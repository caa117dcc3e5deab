"""A queued job's valid rows, kept sealed in parts until their batch merges them.

A part's body is a zlib-compressed JSON array, one array per row:
`[line, data, nik_index, nik_enc, nik_valid, fingerprint, problems, phone_enc]`, the two
ciphertexts in base64 (the NIK and phone stay sealed as they are in `ImportRow`). The row is
written to `ImportRow` once, with its outcome, by the batch that merges it; a resumed job takes
from its parts only the lines that have no `ImportRow` yet. Level 1 compression: a national
file's parts are about a quarter of their JSON, and compressing costs less than writing the
difference.
"""

from __future__ import annotations

import heapq
import json
import zlib
from base64 import b64decode, b64encode
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import connection

from lindungi.ingest import staging
from lindungi.ingest.models import StagedPart

PART_COLUMNS = ("job_id", "seq", "first_line", "last_line", "rows", "body")


class Staged(NamedTuple):
    """A valid row waiting for its batch (or, in review, a merged row seen the same way)."""

    line: int
    data: dict[str, Any]
    nik_index: str | None
    nik_enc: bytes | memoryview | None
    nik_valid: bool
    phone_enc: bytes | memoryview | None
    fingerprint: str
    errors: list[dict[str, str]]  # the row's problems (warnings: the row is valid)


def _text(value: str | None) -> str:
    # blind indexes and fingerprints are hex: no character needs escaping
    return "null" if value is None else f'"{value}"'


def _sealed(value: bytes | memoryview | None) -> str:
    return "null" if value is None else f'"{b64encode(value).decode()}"'


def _opened(value: str | None) -> bytes | None:
    return None if value is None else b64decode(value)


def body_of(sealed: Sequence[tuple[Any, ...]]) -> bytes:
    """One part's body from staged values in `staging.COLUMNS` order after the job id (the
    row's data and problems are JSON text already and go in as they are)."""
    rows = ",".join(
        f"[{v[0]},{v[2]},{_text(v[3])},{_sealed(v[4])},{'true' if v[5] else 'false'},"
        f"{_text(v[6])},{v[7]},{_sealed(v[10])}]"
        for v in sealed
    )
    return zlib.compress(f"[{rows}]".encode(), 1)


def rows_of(body: bytes | memoryview) -> list[Staged]:
    """The rows of one part's body, in line order."""
    return [
        Staged(line, data, index, _opened(nik), valid, _opened(phone), fp, errors)
        for line, data, index, nik, valid, fp, errors, phone in json.loads(zlib.decompress(body))
    ]


class Part(NamedTuple):
    """Valid rows ready to be kept: their first and last line, how many, and the body."""

    first_line: int
    last_line: int
    rows: int
    body: bytes


def part_of(sealed: Sequence[tuple[Any, ...]]) -> Part | None:
    """The part holding these valid rows (staged values without the job id); None if none."""
    if not sealed:
        return None
    return Part(sealed[0][0], sealed[-1][0], len(sealed), body_of(sealed))


def write(job_id: int, seq: int, part: Part | None) -> None:
    """Keep the part as part `seq` of the job (nothing when there is none)."""
    if not connection.in_atomic_block:
        raise RuntimeError("parts.write must run inside the job's transaction")
    if part is not None:
        staging.copy_or_insert(StagedPart._meta.db_table, PART_COLUMNS, [(job_id, seq, *part)])


def _bodies(job_id: int) -> Iterator[bytes | memoryview]:
    # one part at a time: a national file's parts are a few hundred megabytes
    parts = StagedPart.objects.filter(job_id=job_id).order_by("seq").values_list("body", flat=True)
    return parts.iterator(chunk_size=1)


def _merged_lines(job_id: int) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT line FROM ingest_importrow WHERE job_id = %s", [job_id])
        return {int(line) for (line,) in cursor.fetchall()}


def pending(job_id: int) -> list[Staged]:
    """The job's valid rows not merged yet, in line order."""
    done = _merged_lines(job_id)
    return [row for body in _bodies(job_id) for row in rows_of(body) if row.line not in done]


def with_problems(job_id: int) -> Iterator[Staged]:
    """The job's pending valid rows that carry a warning, in line order."""
    return (row for row in pending(job_id) if row.errors)


def by_line(*sources: Iterable[Any]) -> Iterator[Any]:
    """Rows of several sources (each in line order, each with `line`) in one line order."""
    return heapq.merge(*sources, key=lambda row: row.line)


def drop(job_id: int) -> int:
    """Delete the job's parts (its rows are merged, or the job is undone)."""
    deleted, _ = StagedPart.objects.filter(job_id=job_id).delete()
    return deleted
