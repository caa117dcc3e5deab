"""The interface of linkage: what the import pipeline passes in and gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

EXACT, MERGE, REVIEW, NEW, DUPLICATE = "exact", "merge", "review", "new", "duplicate_in_file"
OUTCOMES = (EXACT, MERGE, REVIEW, NEW, DUPLICATE)


class LinkInput(NamedTuple):
    """One source row as linkage sees it; `nik_index` only for a valid NIK. (A tuple: a
    national list makes a million, and a frozen dataclass costs three times as much to build.)"""

    key: int  # the caller's source row id
    nik_index: str | None  # registry blind index of a valid NIK, else None
    nik_valid: bool  # False when a NIK was given but is malformed or contradicts the birth date
    full_name: str
    birth_date: date | None
    sex: str | None  # "L" / "P"
    village_code: str | None
    name_key: str | None = None  # the registry's name_search_key(full_name), if already known


@dataclass(frozen=True)
class LinkResult:
    """What became of one row; `agreements` maps field -> agree | fuzzy | disagree | missing."""

    key: int
    outcome: str  # exact | merge | review | new | duplicate_in_file
    worker_id: int | None  # registry worker for exact / merge / review
    probability: float | None
    agreements: dict[str, str] = field(default_factory=dict)
    duplicate_of: int | None = None  # key of the first row in the batch that is the same person
