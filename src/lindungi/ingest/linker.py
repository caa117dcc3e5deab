"""The one door to record linkage: `lindungi.ingest.linkage.link`.

Rows and results pass through as the linkage package's own types (a million rows are not
copied twice). `_exact_only` links on the exact NIK blind index alone, duplicates inside the
rows on the same index, and everything else as "new": tests choose it (fixture `exact_only`)
where outcomes must not depend on a trained model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lindungi.ingest.linkage.types import LinkInput, LinkResult
from lindungi.registry.models import Worker, WorkerStatus

__all__ = ["LinkInput", "LinkResult", "backend_name", "link", "warm"]


def _real() -> Any | None:
    """The linkage package; tests replace this with None to link on the exact NIK alone."""
    from lindungi.ingest import linkage

    return linkage


def warm() -> None:
    """Load the linkage engine before the first job (a long-lived worker calls this once)."""
    module = _real()
    if module is not None:
        module.warm()


def backend_name() -> str:
    return "linkage" if _real() is not None else "exact-nik fallback"


def link(rows: Sequence[LinkInput], *, model_name: str = "default") -> list[LinkResult]:
    """Outcome per row: exact | merge | review | new | duplicate_in_file."""
    module = _real()
    if module is None:
        return _exact_only(rows)
    results: list[LinkResult] = module.link(rows, model_name=model_name)
    return results


def _exact_only(rows: Sequence[LinkInput]) -> list[LinkResult]:
    """Exact NIK against the registry and inside the rows; no probabilistic linkage."""
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
