"""Input checks shared by the dues functions; each raises a ContributionInputError."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from lindungi.contributions.rules.errors import (
    MSG_NO_RATES,
    MSG_POSITIVE,
    MSG_REQUIRED,
    ContributionInputError,
    ProgrammeNotOffered,
)
from lindungi.contributions.rules.types import OFFERED, Programme, RateSet, Segment, in_order

T = TypeVar("T")


def check_programmes(
    segment: Segment, programmes: Iterable[Programme], *, jkp: bool = True
) -> list[Programme]:
    """The programmes in display order; each must be offered to the segment (this month)."""
    chosen = in_order(programmes)
    if not chosen:
        raise ContributionInputError({"programmes": MSG_REQUIRED % {"segment": segment.value}})
    offered = OFFERED[segment] - (set() if jkp else {Programme.JKP})
    missing = [p for p in chosen if p not in offered]
    if missing:
        raise ProgrammeNotOffered(segment=segment, programmes=missing)
    return chosen


def need_rates(part: T | None, rates: RateSet) -> T:
    if part is None:
        msg = MSG_NO_RATES % {"segment": rates.segment.value, "month": rates.month.isoformat()}
        raise ContributionInputError({"month": msg})
    return part


def required(name: str, value: T | None, segment: Segment) -> T:
    if value is None:
        raise ContributionInputError({name: MSG_REQUIRED % {"segment": segment.value}})
    return value


def positive(name: str, value: int) -> None:
    if value <= 0:
        raise ContributionInputError({name: str(MSG_POSITIVE)})
