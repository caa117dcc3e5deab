"""The one door to record linkage: `lindungi.ingest.linkage.link` when installed.

TEMPORARY FALLBACK (marked, to be removed once the linkage package is always present): when
`lindungi.ingest.linkage` cannot be imported, rows are linked on exact NIK blind index only,
and duplicates inside a batch are found on the same index; everything else is "new".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lindungi.registry.models import Worker, WorkerStatus


@dataclass(frozen=True)
class LinkInput:
    key: int
    nik_index: str | None
    nik_valid: bool
    full_name: str
    birth_date: date | None
    sex: str | None
    village_code: str | None


@dataclass(frozen=True)
class LinkResult:
    key: int
    outcome: str
    worker_id: int | None
    probability: float | None
    agreements: dict[str, str] = field(default_factory=dict)
    duplicate_of: int | None = None


def _real() -> Any | None:
    try:
        module = importlib.import_module("lindungi.ingest.linkage")
    except ImportError:
        return None
    return module if hasattr(module, "link") and hasattr(module, "LinkInput") else None


def backend_name() -> str:
    return "linkage" if _real() is not None else "exact-nik fallback"


def link(rows: Sequence[LinkInput], *, model_name: str = "default") -> list[LinkResult]:
    """Outcome per row: exact | merge | review | new | duplicate_in_file."""
    module = _real()
    if module is None:
        return _exact_only(rows)
    make: Callable[..., Any] = module.LinkInput
    inputs = [
        make(
            key=r.key,
            nik_index=r.nik_index,
            nik_valid=r.nik_valid,
            full_name=r.full_name,
            birth_date=r.birth_date,
            sex=r.sex,
            village_code=r.village_code,
        )
        for r in rows
    ]
    return [
        LinkResult(
            key=int(x.key),
            outcome=str(x.outcome),
            worker_id=x.worker_id,
            probability=x.probability,
            agreements=dict(x.agreements or {}),
            duplicate_of=x.duplicate_of,
        )
        for x in module.link(inputs, model_name=model_name)
    ]


def _exact_only(rows: Sequence[LinkInput]) -> list[LinkResult]:
    """TEMPORARY FALLBACK: exact NIK against the registry and inside the batch."""
    indexes = {r.nik_index for r in rows if r.nik_index}
    known: dict[str, int] = {}
    chunk = sorted(indexes)
    for start in range(0, len(chunk), 5000):
        part = chunk[start : start + 5000]
        found = Worker.objects.filter(nik_index__in=part).exclude(status=WorkerStatus.MERGED)
        known.update({str(i): int(w) for i, w in found.values_list("nik_index", "id")})
    first: dict[str, int] = {}
    out: list[LinkResult] = []
    for r in rows:
        if r.nik_index and r.nik_index in known:
            out.append(LinkResult(r.key, "exact", known[r.nik_index], 1.0, {"nik": "agree"}))
        elif r.nik_index and r.nik_index in first:
            out.append(LinkResult(r.key, "duplicate_in_file", None, 1.0, {}, first[r.nik_index]))
        else:
            if r.nik_index:
                first[r.nik_index] = r.key
            out.append(LinkResult(r.key, "new", None, None, {}))
    return out
