"""Labour force (Sakernas) and coverage targets per region, from the vendored CSV files.

Sources and the ⚠ estimates are per row in `data/*.csv` (see data/README.md and
docs/analytics.md). Settings `LINDUNGI_COVERAGE_TARGETS` ({region: {year: share}}) override the
targets, e.g. with a province's RPJMD figures.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Figure:
    """A published (or estimated) figure and where it comes from."""

    region_code: str
    value: Decimal
    period: str
    status: str  # NEWS, DERIVED, ESTIMATE (⚠), SETTING
    source: str

    @property
    def estimate(self) -> bool:
        return self.status in {"ESTIMATE", "DERIVED", "SETTING"}


@cache
def _labour_force() -> dict[str, Figure]:
    with (DATA / "labour_force.csv").open(encoding="utf-8") as f:
        return {
            row["region_code"]: Figure(
                row["region_code"],
                Decimal(row["labour_force"]),
                row["period"],
                row["status"],
                row["source"],
            )
            for row in csv.DictReader(f)
        }


@cache
def _targets() -> dict[tuple[str, int], Figure]:
    with (DATA / "targets.csv").open(encoding="utf-8") as f:
        return {
            (row["region_code"], int(row["year"])): Figure(
                row["region_code"],
                Decimal(row["target"]),
                row["year"],
                row["status"],
                row["source"],
            )
            for row in csv.DictReader(f)
        }


def labour_force(region_code: str) -> Figure | None:
    """The labour force of exactly this region (Indonesia, a province or a regency), or None."""
    return _labour_force().get(region_code)


def target(region_code: str, year: int) -> Figure | None:
    """The coverage target in force for the region in `year`: its own, else its ancestors'."""
    overrides: dict[str, dict[int, float]] = getattr(settings, "LINDUNGI_COVERAGE_TARGETS", {})
    for code in _ancestors(region_code):
        if year in overrides.get(code, {}):
            value = Decimal(str(overrides[code][year]))
            return Figure(code, value, str(year), "SETTING", "LINDUNGI_COVERAGE_TARGETS")
        found = _targets().get((code, year))
        if found is not None:
            return found
    return None


def _ancestors(code: str) -> list[str]:
    widths = [w for w in (10, 6, 4, 2) if w <= len(code)]
    return [*dict.fromkeys(code[:w] for w in widths), ""]
