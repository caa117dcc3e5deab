"""Pure rules of the published figures: ratios, village status; small counts are hidden by
core.suppression (re-exported here).

No ORM, no settings: the threshold comes in as an argument.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lindungi.core.suppression import SUPPRESSED, THRESHOLD, Cell, suppress

__all__ = ["SUPPRESSED", "THRESHOLD", "Cell", "ratio", "sadar", "suppress"]


def ratio(part: int, whole: Decimal | int | None) -> Decimal | None:
    """part / whole to four decimals (0.4392 is 43.92 %), None without a denominator."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def sadar(*, officials: int, officials_active: int) -> bool:
    """Desa Sadar Jaminan Sosial Ketenagakerjaan: the village has officials and all are active."""
    return officials > 0 and officials_active >= officials
