"""Read the vendored reference files into plain rows (no database access here)."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from lindungi.reference.models import RuleStatus
from lindungi.reference.rules import LEVEL_LENGTHS, Period, level_of, overlapping, parent_of

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "regions.csv.gz"
HISTORIC_FILE = DATA_DIR / "historic_regions.csv"
OCCUPATIONS_FILE = DATA_DIR / "occupations.csv"
RULES_FILE = DATA_DIR / "rules.json"
CURRENT_SOURCE = "Kepmendagri 300.2.2-2138/2025 (idn-area-data 4.0.1)"
_LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_LENGTHS.items()}


class RegionRow(NamedTuple):
    """One region as stored: the same tuple shape the loader reads back from the table."""

    code: str
    level: int
    name: str
    parent: str | None
    historic: bool
    successor: str | None
    source: str


class OccupationRow(NamedTuple):
    code: str
    name: str
    name_en: str
    jkk_risk_group: int
    informal: bool
    kbli_section: str


@dataclass(frozen=True)
class RuleSpec:
    """One rule row of rules.json with its table's defaults applied."""

    table: str
    key: str
    valid_from: date
    valid_to: date | None
    value: Decimal
    regulation: str
    source: str
    status: str
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str, date]:
        return self.table, self.key, self.valid_from

    @property
    def period(self) -> Period:
        return Period(self.valid_from, self.valid_to)


class DataFileError(ValueError):
    """A vendored file breaks its own format; names the file and the row."""


def region_rows() -> tuple[RegionRow, ...]:
    """All current regions, then the historic ones, each parent before its children.

    Not cached: 92k tuples would stay in every process that ever loaded; parsing takes ~0.3 s.
    """
    with gzip.open(REGIONS_FILE, "rt", encoding="utf-8", newline="") as fh:
        records = csv.reader(fh)
        if next(records) != ["code", "name"]:
            raise DataFileError(f"{REGIONS_FILE.name}: header must be code,name")
        current = [_current_row(code, name) for code, name in records]
    return tuple(current) + tuple(_historic_rows())


def _current_row(code: str, name: str) -> RegionRow:
    # 92k rows: slicing by known lengths instead of level_of/parent_of halves the parse time.
    level = _LEVEL_OF_LENGTH.get(len(code))
    if level is None or not code.isdigit():
        raise DataFileError(f"{REGIONS_FILE.name}: not a region code {code!r}")
    parent = code[: LEVEL_LENGTHS[level - 1]] if level > 1 else None
    return RegionRow(code, level, name, parent, False, None, CURRENT_SOURCE)


def _historic_rows() -> Iterator[RegionRow]:
    with HISTORIC_FILE.open(encoding="utf-8", newline="") as fh:
        for n, rec in enumerate(csv.DictReader(fh), start=2):
            code = rec["code"]
            if level_of(code) != int(rec["level"]) or parent_of(code) != rec["parent"]:
                raise DataFileError(f"{HISTORIC_FILE.name} line {n}: {code} level/parent mismatch")
            successor = rec["successor"] or None
            yield RegionRow(
                code, int(rec["level"]), rec["name"], rec["parent"], True, successor, rec["source"]
            )


@cache
def occupation_rows() -> tuple[OccupationRow, ...]:
    with OCCUPATIONS_FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(
            OccupationRow(
                rec["code"],
                rec["name"],
                rec["name_en"],
                int(rec["jkk_risk_group"]),
                rec["informal"] == "1",
                rec["kbli_section"],
            )
            for rec in csv.DictReader(fh)
        )


@cache
def rule_specs() -> tuple[RuleSpec, ...]:
    """Every row of rules.json, checked: regulation/source/status present, no overlaps per key."""
    document = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    specs = tuple(
        _spec(table, row, n) for table in document["tables"] for n, row in enumerate(table["rows"])
    )
    _check_no_overlap(specs)
    return specs


def _spec(table: Mapping[str, Any], row: Mapping[str, Any], n: int) -> RuleSpec:
    where = f"{RULES_FILE.name} {table['table']} row {n}"
    merged = {**{k: table.get(k, "") for k in ("regulation", "source", "status")}, **row}
    try:
        spec = RuleSpec(
            table=table["table"],
            key=merged.get("key", ""),
            valid_from=date.fromisoformat(merged["valid_from"]),
            valid_to=date.fromisoformat(merged["valid_to"]) if merged.get("valid_to") else None,
            value=Decimal(merged["value"]),
            regulation=merged["regulation"].strip(),
            source=merged["source"].strip(),
            status=merged["status"],
            note=merged.get("note", ""),
            params=dict(merged.get("params", {})),
        )
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise DataFileError(f"{where}: {exc!r}") from exc
    if not spec.regulation or not spec.source or spec.status not in RuleStatus.values:
        raise DataFileError(f"{where}: regulation, source and a known status are required")
    if spec.valid_to is not None and spec.valid_to <= spec.valid_from:
        raise DataFileError(f"{where}: valid_to must be after valid_from")
    return spec


def _check_no_overlap(specs: tuple[RuleSpec, ...]) -> None:
    by_key: dict[tuple[str, str], list[tuple[str, Period]]] = {}
    for spec in specs:
        by_key.setdefault((spec.table, spec.key), []).append((str(spec.valid_from), spec.period))
    for (table, key), periods in by_key.items():
        clashes = overlapping(periods)
        if clashes:
            raise DataFileError(f"{RULES_FILE.name} {table}[{key}]: overlapping rows {clashes}")
