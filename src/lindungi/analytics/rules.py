"""Pure rules of the published figures: small-count suppression, ratios, village status.

No ORM, no settings: the threshold comes in as an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def ratio(part: int, whole: Decimal | int | None) -> Decimal | None:
    """part / whole to four decimals (0.4392 is 43.92 %), None without a denominator."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def sadar(*, officials: int, officials_active: int) -> bool:
    """Desa Sadar Jaminan Sosial Ketenagakerjaan: the village has officials and all are active."""
    return officials > 0 and officials_active >= officials
