"""Every row of a table checked against the registry's rules; every problem named.

A problem is an "error" (the row cannot enter the registry: a required value missing or wrong,
a village unknown or outside the uploader's scope) or a "warning" (the value is dropped and the
row goes on: a NIK that lost digits, an unknown occupation). The NIK never appears in a message
or in `data`: only its masked form in the problem's value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lindungi.core import pii
from lindungi.core.errors import ValidationError
from lindungi.ingest import rules
from lindungi.ingest.reading import Table
from lindungi.registry import rules as registry_rules

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Known:
    """What the rows are checked against, fetched once per file."""

    today: date
    villages: frozenset[str]
    occupations: frozenset[str]
    districts: frozenset[str]
    prefixes: tuple[str, ...]  # the uploader's region scope; () is national


@dataclass
class Checked:
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    nik: str = ""  # plaintext, only in memory: sealed before anything is written
    nik_given: str = ""
    nik_valid: bool = False
    phone: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems or not any(p["level"] == ERROR for p in self.problems)


# (field, type of cell, cell) -> (value, problem message or ""): a column repeats its values
# (dates, villages, sexes, deciles, names), so each distinct value is parsed once per file.
Memo = dict[tuple[str, type, Any], tuple[Any, str]]
Line = tuple[int, list[Any]]  # (line in the sheet, its cells)


class _Row:
    """One row being checked: problems collected with their column and value."""

    def __init__(
        self,
        line: int,
        cells: list[Any],
        columns: Mapping[str, int],
        names: list[str],
        memo: Memo | None = None,
    ):
        self.out = Checked(line=line)
        self.cells, self.columns, self.names = cells, columns, names
        self.memo: Memo = {} if memo is None else memo

    def cell(self, name: str) -> Any:
        at = self.columns.get(name)
        return self.cells[at] if at is not None and at < len(self.cells) else None

    def problem(self, name: str, message: str, *, level: str = ERROR, shown: str = "") -> None:
        at = self.columns.get(name)
        column = self.names[at] if at is not None else name
        value = shown if shown or name == "nik" else rules.text_of(self.cell(name))
        self.out.problems.append(
            {"column": column, "field": name, "value": value, "message": message, "level": level}
        )

    def read(self, name: str, parse: Callable[[Any], Any], *, level: str = ERROR) -> Any:
        """The cell parsed (memoised per distinct value); a problem is recorded, never raised."""
        raw = self.cell(name)
        key = (name, type(raw), raw)
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = _parse_once(raw, parse)
        value, message = hit
        if message:
            self.problem(name, message, level=level)
        return value

    def name_key(self, name: str) -> str:
        key = ("name_search", str, name)
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = (registry_rules.name_search_key(name)[:200], "")
        return str(hit[0])


def _parse_once(raw: Any, parse: Callable[[Any], Any]) -> tuple[Any, str]:
    if rules.text_of(raw) == "" and not isinstance(raw, int | float):
        return None, ""
    try:
        return parse(raw), ""
    except rules.CellProblem as exc:
        return None, exc.message
    except ValidationError as exc:
        return None, "; ".join(m for ms in exc.errors.values() for m in ms)


def check_table(table: Table, mapping: Mapping[str, str], known: Known) -> list[Checked]:
    """Every row under the header, blank lines skipped, each with its problems."""
    lines, columns, names = table_lines(table, mapping)
    return check_lines(lines, columns=columns, names=names, known=known)


def table_lines(
    table: Table, mapping: Mapping[str, str]
) -> tuple[list[Line], dict[str, int], list[str]]:
    """The non-blank lines under the header, the mapped columns' positions and the header's
    names; raises ValidationError when a required column is not mapped."""
    columns = rules.column_index(table.header, mapping)
    missing = [f for f in rules.REQUIRED if f not in columns]
    if missing:
        raise ValidationError(
            {"mapping": f"Kolom wajib belum dipetakan (required columns not mapped): {missing}"}
        )
    names = [rules.text_of(c) for c in table.header]
    lines = [
        (table.first_line + offset, cells)
        for offset, cells in enumerate(table.rows)
        if any(rules.text_of(c) for c in cells)
    ]
    return lines, columns, names


def check_lines(
    lines: list[Line],
    *,
    columns: dict[str, int],
    names: list[str],
    known: Known,
    memo: Memo | None = None,
) -> list[Checked]:
    memo = {} if memo is None else memo
    return [check_row(_Row(line, cells, columns, names, memo), known) for line, cells in lines]


def check_row(row: _Row, known: Known) -> Checked:
    name = rules.text_of(row.cell("full_name"))
    if not name:
        row.problem("full_name", "Nama wajib diisi (name is required)")
    elif len(name) > 150:
        row.problem("full_name", "Nama lebih dari 150 karakter (name over 150 characters)")
    elif not registry_rules.name_has_letters(name):
        row.problem("full_name", registry_rules.NAME_WITHOUT_LETTERS)
    born = row.read("birth_date", lambda c: rules.parse_date(c, today=known.today))
    born = _check_born(row, born, known.today)
    sex = row.read("sex", rules.parse_sex)
    village = _village(row, known)
    for required, value in (("birth_date", born), ("sex", sex)):
        if value is None and rules.text_of(row.cell(required)) == "":
            row.problem(required, "Wajib diisi (required)")
    row.out.data = {
        "full_name": name,
        "name_search": row.name_key(name) if name else "",
        "birth_date": born.isoformat() if born else None,
        "sex": sex,
        "village_code": village,
        "birth_place": rules.text_of(row.cell("birth_place"))[:100],
        "address_line": rules.text_of(row.cell("address_line"))[:200],
        "occupation_code": _occupation(row, known),
        "welfare_decile": row.read("welfare_decile", rules.parse_decile, level=WARNING),
        "village_role": row.read("village_role", rules.parse_role, level=WARNING) or "",
    }
    _nik(row, known, born, sex)
    phone = row.read("phone", registry_rules.normalise_phone, level=WARNING)
    row.out.phone = phone or ""
    return row.out


def _check_born(row: _Row, born: date | None, today: date) -> date | None:
    if born is None:
        return None
    if born > today:
        row.problem("birth_date", "Tanggal lahir di masa depan (birth date is in the future)")
        return None
    if today.year - born.year > 120:
        row.problem("birth_date", "Umur lebih dari 120 tahun (older than 120 years)")
        return None
    return born


def _village(row: _Row, known: Known) -> str | None:
    code = row.read(
        "village_code",
        lambda c: registry_rules.normalise_region_code(
            rules.text_of(c), level=4, field="village_code"
        ),
    )
    if code is None:
        if rules.text_of(row.cell("village_code")) == "":
            row.problem("village_code", "Kode desa wajib diisi (village code is required)")
        return None
    if code not in known.villages:
        row.problem("village_code", f"Desa/kelurahan {code} tidak dikenal (unknown village code)")
        return None
    if known.prefixes and not code.startswith(known.prefixes):
        row.problem("village_code", "Wilayah di luar cakupan Anda (outside your region scope)")
        return None
    return str(code)


def _occupation(row: _Row, known: Known) -> str | None:
    code = rules.text_of(row.cell("occupation_code"))
    if not code:
        return None
    if code not in known.occupations:
        row.problem(
            "occupation_code",
            f"Pekerjaan '{code}' tidak dikenal, diabaikan (unknown occupation, ignored)",
            level=WARNING,
        )
        return None
    return code


def _nik(row: _Row, known: Known, born: date | None, sex: str | None) -> None:
    raw = row.cell("nik")
    if rules.text_of(raw) == "" and not isinstance(raw, int | float):
        return
    row.out.nik_given = rules.text_of(raw)
    try:
        text = rules.nik_text(raw)
        row.out.nik_given = text
        info = registry_rules.parse_nik(
            text, region_known=known.districts.__contains__, today=known.today
        )
        mismatch = registry_rules.check_nik_matches(info, birth_date=born, sex=sex, strict=False)
    except rules.CellProblem as exc:
        return row.problem("nik", exc.message, level=WARNING, shown=_shown(raw))
    except ValidationError as exc:
        message = "; ".join(m for ms in exc.errors.values() for m in ms)
        return row.problem("nik", message, level=WARNING, shown=_shown(raw))
    row.out.nik = info.nik
    row.out.nik_valid = not mismatch
    for message in mismatch:
        row.problem("nik", message, level=WARNING, shown=pii.mask_nik(info.nik))


def _shown(raw: Any) -> str:
    """A bad NIK as it may be shown: scientific notation has lost its digits anyway."""
    text = rules.text_of(raw)
    if "e" in text.lower() and "+" in text:
        return text
    digits = "".join(ch for ch in text if ch.isdigit())
    return pii.mask_nik(digits) if len(digits) == 16 else pii.MASK * len(digits)
