"""Small counts in published tables: hidden, and with them any cell that would give one away.

Shared by every report that leaves the office (the public coverage page, donors' impact
reports): one rule, so the same table never shows more in one place than in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 10
SUPPRESSED = "<10"


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool

    @property
    def shown(self) -> str | int:
        return SUPPRESSED if self.hidden else self.value


def suppress(
    values: Sequence[int], total: int, *, threshold: int = THRESHOLD
) -> tuple[list[Cell], Cell]:
    """Hide counts under `threshold` in a table whose total is shown, and enough other cells that
    no hidden count can be recovered as the total minus the shown cells.

    One hidden cell among shown ones is recoverable; so the smallest shown cell is hidden with
    it (complementary suppression). When no other cell is left to hide, the total is hidden.
    """
    hidden = [0 <= v < threshold for v in values]
    total_hidden = total < threshold
    if sum(hidden) == 1 and not total_hidden:
        shown = [(v, i) for i, v in enumerate(values) if not hidden[i]]
        if shown:
            hidden[min(shown)[1]] = True
        else:
            total_hidden = True
    if total_hidden and sum(hidden) == 1 and len(values) > 1:
        shown = [(v, i) for i, v in enumerate(values) if not hidden[i]]
        hidden[min(shown)[1]] = True  # the others alone would still give it away
    cells = [Cell(v, h) for v, h in zip(values, hidden, strict=True)]
    return cells, Cell(total, total_hidden)
