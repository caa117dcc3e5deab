"""Pure rules over region codes and effective-dated periods (no ORM, no clock)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Code length (digits, no dots) of each level: province, regency, district, village.
LEVEL_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 10}
_LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_LENGTHS.items()}


def level_of(code: str) -> int:
    """Region level of an undotted Kemendagri code; ValueError if it has no valid shape."""
    if not code.isdigit() or len(code) not in _LEVEL_OF_LENGTH:
        raise ValueError(f"not a region code: {code!r}")
    return _LEVEL_OF_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    """The code one level up (6402012001 → 640201), None for a province."""
    level = level_of(code)
    return None if level == 1 else code[: LEVEL_LENGTHS[level - 1]]


def lineage(code: str) -> list[str]:
    """The codes from the province down to `code` itself (640201 → 64, 6402, 640201)."""
    return [code[:n] for level, n in sorted(LEVEL_LENGTHS.items()) if level <= level_of(code)]


@dataclass(frozen=True)
class Period:
    """A half-open validity period [start, end); end None is open-ended."""

    start: date
    end: date | None = None

    def contains(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)

    def overlaps(self, other: Period) -> bool:
        starts_before_other_ends = other.end is None or self.start < other.end
        ends_after_other_starts = self.end is None or other.start < self.end
        return starts_before_other_ends and ends_after_other_starts


def overlapping(periods: Iterable[tuple[str, Period]]) -> list[tuple[str, str]]:
    """Pairs of labels whose periods overlap (the same table+key must never have any)."""
    items = sorted(periods, key=lambda item: item[1].start)
    return [
        (a_label, b_label)
        for i, (a_label, a) in enumerate(items)
        for b_label, b in items[i + 1 :]
        if a.overlaps(b)
    ]
