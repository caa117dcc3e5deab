"""Figures anyone may see without logging in: aggregates only, small counts suppressed.

Counts under 10 show as "<10", and in each table whose total is shown one more cell is hidden
when a single hidden count could otherwise be recovered from the total (rules.suppress). Only
Indonesia, provinces and regencies are published; their children are one level down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lindungi.analytics import rules, selectors
from lindungi.analytics.selectors import Filters
from lindungi.core.errors import NotFound

MAX_LEVEL = 2


@dataclass(frozen=True)
class PublicFigures:
    place: selectors.Place
    month: Any
    total: rules.Cell
    ratio: Any
    labour_force: Any
    children: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    months: list[Any]


def public_figures(*, region: str, filters: Filters) -> PublicFigures:
    """The region's active workers, by child region and by segment, with suppression applied."""
    place = selectors.place_for(actor=None, code=region)
    if place.level > MAX_LEVEL:
        raise NotFound("region")
    plain = Filters(filters.month)  # the public page offers the month only
    summary = selectors.coverage_summary(actor=None, region=place.code, filters=plain)
    kids, total = rules.suppress([c["active"] for c in summary.children], summary.active)
    segs, _ = rules.suppress([s["active"] for s in summary.breakdowns["segment"]], summary.active)
    children = [
        {**c, "shown": cell.shown, "ratio": None if cell.hidden else c["ratio"]}
        for c, cell in zip(summary.children, kids, strict=True)
    ]
    segments = [
        {**s, "shown": cell.shown}
        for s, cell in zip(summary.breakdowns["segment"], segs, strict=True)
    ]
    trend = [{**t, "shown": rules.suppress([], t["active"])[1].shown} for t in summary.trend]
    return PublicFigures(
        place=place,
        month=plain.month,
        total=total,
        ratio=None if total.hidden else summary.ratio,
        labour_force=summary.labour_force,
        children=children,
        segments=segments,
        trend=trend,
        months=summary.months,
    )
