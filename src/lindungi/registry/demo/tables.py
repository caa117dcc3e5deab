"""The generated rows, column by column, before they meet a database.

Columns are named after the model fields (attnames). References between tables (a membership's
worker and payer, a payer's employer or worker) are 0-based row numbers in the referenced
table, -1 for none; the loader turns them into ids. NIK and phone are plaintext here: only the
loader encrypts them, so plaintext never leaves the process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

Columns = dict[str, NDArray[Any]]


@dataclass
class Table:
    """Equal-length columns of one table."""

    columns: Columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self.columns[name]

    def take(self, rows: NDArray[np.intp]) -> Table:
        """The rows in the given order (e.g. sorted by registration time)."""
        return Table({k: v[rows] for k, v in self.columns.items()})


@dataclass
class DemoSet:
    """A whole generated population with its employers, payers and memberships."""

    seed: int
    as_of: date
    workers: Table
    employers: Table
    payers: Table
    memberships: Table
    province_of_worker: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, np.int8))

    def counts(self) -> dict[str, int]:
        open_ = np.isnat(self.memberships["end"])
        segment = self.memberships["segment"]
        return {
            "workers": len(self.workers),
            "employers": len(self.employers),
            "payers": len(self.payers),
            "memberships": len(self.memberships),
            "active_pu": int((open_ & (segment == "PU")).sum()),
            "active_bpu": int((open_ & (segment == "BPU")).sum()),
            "ended": int((~open_).sum()),
            "with_phone": int((self.workers["phone"] != None).sum()),  # noqa: E711
            "village_officials": int((self.workers["village_role"] != "").sum()),
        }


def remap(refs: NDArray[np.int64], order: NDArray[np.intp]) -> NDArray[np.int64]:
    """Row references after the referenced table was reordered by `order` (-1 stays -1)."""
    new_position = np.empty(len(order), dtype=np.int64)
    new_position[order] = np.arange(len(order))
    return np.where(refs >= 0, new_position[np.maximum(refs, 0)], -1)


def unique_strings(
    rng: np.random.Generator,
    n: int,
    make: Callable[[np.random.Generator, int], list[str]],
    taken: frozenset[str] | set[str] = frozenset(),
) -> NDArray[np.object_]:
    """n distinct values from `make`, none in `taken`: collisions are drawn again."""
    values = np.array(make(rng, n), dtype=object)
    while True:
        _, first = np.unique(values.astype(str), return_index=True)
        bad = np.ones(n, dtype=bool)
        bad[first] = False
        if taken:
            bad |= np.fromiter((v in taken for v in values.tolist()), dtype=bool, count=n)
        if not bad.any():
            return values
        values[bad] = make(rng, int(bad.sum()))
