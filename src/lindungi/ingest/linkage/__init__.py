"""Record linkage of imported rows to the registry (issue 4, item 3); see docs/linkage.md.

`link()` resolves a batch: exact NIK through the blind index first, then probabilistic linkage
with Splink on DuckDB (name, birth date, sex, village) for the rest, and duplicates inside the
batch. Each row ends as exact / merge / review / new / duplicate_in_file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lindungi.ingest.linkage.types import LinkInput, LinkResult

if TYPE_CHECKING:
    from lindungi.ingest.linkage.registry_source import Registry

__all__ = ["LinkInput", "LinkResult", "link", "warm"]


def warm() -> None:
    """Load the linkage engine and Splink now rather than inside the first job.

    Importing Splink, DuckDB and PyArrow costs about half a second, which a long-lived
    import worker pays once at start instead of in the first job's linkage.
    """
    from splink import DuckDBAPI, Linker  # noqa: F401

    from lindungi.ingest.linkage import engine  # noqa: F401


def link(
    inputs: Sequence[LinkInput],
    *,
    model_name: str = "default",
    registry: Registry | None = None,
) -> list[LinkResult]:
    """One result per input, in input order; reads the registry, writes nothing.

    `registry` (optional) replaces the database with another `registry_source.Registry`, e.g.
    a generated one in evaluation.
    """
    from lindungi.ingest.linkage import engine, model, registry_source

    source = registry if registry is not None else registry_source.DatabaseRegistry()
    return engine.run(inputs, model=model.load(model_name), registry=source)
