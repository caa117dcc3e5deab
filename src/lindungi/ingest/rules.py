"""Cells of worker lists as offices send them, turned into typed values: pure functions.

No ORM, no clock: `today` and what is known (districts, villages) are passed in. A cell that
cannot be read raises CellProblem with a message in Bahasa Indonesia (English in parentheses)
naming what is wrong; the caller adds the row and column.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Lotus' 29-02-1900
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Target fields of a worker list, in display order.
FIELDS = (
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "village_code",
    "birth_place",
    "address_line",
    "phone",
    "occupation_code",
    "welfare_decile",
    "village_role",
)
REQUIRED = ("full_name", "birth_date", "sex", "village_code")

# Header spellings seen in DTKS/Regsosek extracts, village lists, employer and sponsor lists.
ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no nik", "nomor nik", "no ktp", "nomor ktp", "nomor induk kependudukan"),
    "full_name": ("nama", "nama lengkap", "nama art", "nama pekerja", "nama peserta", "name"),
    "birth_date": ("tanggal lahir", "tgl lahir", "tgl_lahir", "tanggal_lahir", "birth date"),
    "sex": ("jenis kelamin", "jk", "l/p", "kelamin", "sex", "jenis_kelamin"),
    "village_code": ("kode desa", "kode kelurahan", "kode wilayah", "kd desa", "kode_desa"),
    "birth_place": ("tempat lahir", "tmp lahir", "tempat_lahir"),
    "address_line": ("alamat", "alamat lengkap", "alamat rumah"),
    "phone": ("no hp", "nomor hp", "telepon", "no telp", "hp", "no telepon"),
    "occupation_code": ("kode pekerjaan", "kd pekerjaan", "kode_pekerjaan"),
    "welfare_decile": ("desil", "desil kesejahteraan", "peringkat kesejahteraan"),
    "village_role": ("jabatan", "peran desa", "jabatan desa"),
}

SEX_WORDS = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "1": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
    "female": "P",
    "2": "P",
}
ROLE_WORDS = {
    "kepala desa": "kepala_desa",
    "kades": "kepala_desa",
    "lurah": "kepala_desa",
    "perangkat desa": "perangkat_desa",
    "sekretaris desa": "perangkat_desa",
    "kaur": "perangkat_desa",
    "kasi": "perangkat_desa",
    "anggota bpd": "bpd",
    "bpd": "bpd",
    "ketua rt": "ketua_rt",
    "rt": "ketua_rt",
    "ketua rw": "ketua_rw",
    "rw": "ketua_rw",
}
MONTHS_ID = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_WORDY = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")


class CellProblem(Exception):  # noqa: N818 (a problem with a cell, reported, not a crash)
    """One cell cannot be read; `message` says why without repeating personal data."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_of(cell: Any) -> str:
    """A cell as the text a person would read: numbers without '.0', whitespace collapsed."""
    if type(cell) is str:  # the common case first: every CSV cell
        return " ".join(cell.split())
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return " ".join(str(cell).split())


_BRACKETED = re.compile(r"\([^()]*\)")
_SPELLED = re.compile(r"\b(?:[a-z] )+[a-z]\b")  # "n i k": a word written letter by letter


def header_key(cell: Any) -> str:
    """A header cell compared loosely: lower case, punctuation as spaces, and a word spelled
    out letter by letter ("N I K", "N.I.K.") written whole."""
    text = text_of(cell).lower().replace("_", " ").replace(".", " ")
    text = " ".join(re.sub(r"[^a-z0-9/ ]", " ", text).split())
    return _SPELLED.sub(lambda m: m.group(0).replace(" ", ""), text)


_ALIAS_INDEX = {alias: field for field, names in ALIASES.items() for alias in names}


def field_for_header(cell: Any) -> str | None:
    """The field a header names by one of its aliases."""
    return _ALIAS_INDEX.get(header_key(cell))


def _field_without_hint(cell: Any) -> str | None:
    """The field a header names once a bracketed hint is left out ("Tanggal Lahir
    (dd-mm-yyyy)", "Jenis Kelamin (L/P)")."""
    text = text_of(cell)
    bare = _BRACKETED.sub(" ", text)
    return _ALIAS_INDEX.get(header_key(bare)) if bare != text else None


def find_header(rows: Sequence[Sequence[Any]], *, look: int = 30) -> int | None:
    """Index of the header row among the first `look` rows: the one naming most known fields.

    Titles, a blank line or a logo row above the table are usual in office spreadsheets.
    """
    best, best_score = None, 1
    for index, row in enumerate(rows[:look]):
        score = len({f for c in row if (f := field_for_header(c) or _field_without_hint(c))})
        if score > best_score:
            best, best_score = index, score
    return best


def duplicate_headers(header: Sequence[Any]) -> list[str]:
    seen: dict[str, int] = {}
    for cell in header:
        key = header_key(cell)
        if key:
            seen[key] = seen.get(key, 0) + 1
    return sorted(k for k, n in seen.items() if n > 1)


def auto_mapping(header: Sequence[Any]) -> dict[str, str]:
    """Target field -> header text, for every header that a known alias names; a header
    named so only with its bracketed hint left out counts when no other header is named the
    same way ("Tanggal Lahir (Ayah)" beside "Tanggal Lahir (Ibu)" names neither)."""
    mapping: dict[str, str] = {}
    hinted: dict[str, list[str]] = {}
    for cell in header:
        if field := field_for_header(cell):
            mapping.setdefault(field, text_of(cell))
        elif field := _field_without_hint(cell):
            hinted.setdefault(field, []).append(text_of(cell))
    for field, cells in hinted.items():
        if field not in mapping and len(cells) == 1:
            mapping[field] = cells[0]
    return mapping


def column_index(header: Sequence[Any], mapping: Mapping[str, str]) -> dict[str, int]:
    """Target field -> column position, through the mapping's header names (loosely compared)."""
    positions = {header_key(c): i for i, c in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for field, name in mapping.items():
        key = header_key(name)
        if field in FIELDS and key in positions:
            found[field] = positions[key]
    return found


def _two_digit_year(yy: int, today: date) -> int:
    # A birth year: this century unless that would be in the future.
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def parse_date(cell: Any, *, today: date) -> date:
    """A birth date from an Excel serial, a date cell or text (17-08-1985, 17/08/85, 1985-08-17)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if not 1 <= cell < 2_958_466:
            raise CellProblem(f"Tanggal {cell} bukan nomor seri Excel (not an Excel date serial)")
        return EXCEL_EPOCH + timedelta(days=int(cell))
    text = text_of(cell).lower()
    if text.isdigit() and 3 <= len(text) <= 5:
        return parse_date(int(text), today=today)
    try:
        return _parse_text_date(text, today)
    except ValueError:
        raise CellProblem(
            f"Tanggal '{text}' tidak dikenali; gunakan HH-BB-TTTT (date not understood;"
            " use DD-MM-YYYY)"
        ) from None


def _parse_text_date(text: str, today: date) -> date:
    if m := _YMD.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(text):
        year = int(m[3]) if len(m[3]) == 4 else _two_digit_year(int(m[3]), today)
        return date(year, int(m[2]), int(m[1]))
    if (m := _WORDY.fullmatch(text)) and m[2] in MONTHS_ID:
        return date(int(m[3]), MONTHS_ID[m[2]], int(m[1]))
    raise ValueError(text)


def parse_sex(cell: Any) -> str:
    text = text_of(cell).lower()
    if text in SEX_WORDS:
        return SEX_WORDS[text]
    raise CellProblem(f"Jenis kelamin '{text}' harus L atau P (sex must be L or P)")


def parse_decile(cell: Any) -> int:
    text = text_of(cell).lower().removeprefix("desil").strip()
    if text.isdigit() and 1 <= int(text) <= 10:
        return int(text)
    raise CellProblem(f"Desil '{text}' harus 1-10 (welfare decile must be 1 to 10)")


def parse_role(cell: Any) -> str:
    text = header_key(cell)
    if text in ROLE_WORDS:
        return ROLE_WORDS[text]
    if text in ROLE_WORDS.values():
        return text
    raise CellProblem(f"Jabatan '{text_of(cell)}' tidak dikenal (unknown village role)")


def nik_text(cell: Any) -> str:
    """The NIK as text; a number cell is refused unless it certainly kept all 16 digits.

    Excel keeps 15 significant digits, so a NIK typed into a number cell has lost its last
    digit (stored as 0) and a NIK that started with zeros would have lost those: never guessed.
    """
    if isinstance(cell, bool):
        raise CellProblem("NIK bukan teks (NIK is not text)")
    if isinstance(cell, float) and not cell.is_integer():
        raise CellProblem(
            "NIK tersimpan sebagai angka desimal sehingga digitnya hilang; format kolom sebagai"
            " teks (NIK stored as a decimal number, digits were lost; format the column as text)"
        )
    if isinstance(cell, int | float):
        digits = str(int(cell))
        if len(digits) != 16 or digits.endswith("0"):
            raise CellProblem(
                f"NIK tersimpan sebagai angka ({len(digits)} digit) sehingga digit bisa hilang;"
                " format kolom sebagai teks (NIK stored as a number: Excel keeps only 15 digits;"
                " format the column as text)"
            )
        return digits
    return text_of(cell)


def neutralise(value: Any) -> Any:
    """A value safe to write into a spreadsheet cell: text that a spreadsheet would run as a
    formula (=, +, -, @, tab, CR first) gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def fingerprint_text(kind: str, data_json: str, nik_key: str, phone_key: str) -> str:
    """sha256 of a row's normalised values as stored (JSON), its NIK and phone blind indexes."""
    text = "\x1f".join((kind, data_json, nik_key, phone_key))
    return hashlib.sha256(text.encode()).hexdigest()


def merged_fill(
    rows: list[list[Any]], ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]]
) -> list[list[Any]]:
    """Copy a merged range's value down its first column (rows changed in place).

    A village merged over the rows of its people belongs to each of them; a title merged
    across columns belongs to its first column only (filling it across would make duplicate
    column names out of one header cell).
    """
    for (r0, c0), (r1, _c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            if c0 < len(rows[r]) and rows[r][c0] in (None, ""):
                rows[r][c0] = value
    return rows


@dataclass(frozen=True)
class FieldPolicy:
    """What a kind of source may do to a worker already in the registry."""

    overwrite: frozenset[str]  # the source is the authority for these fields
    fill: frozenset[str]  # set only where the registry has nothing


_FILLABLE = frozenset({"birth_place", "address_line", "occupation_id", "welfare_decile"})
POLICIES: dict[str, FieldPolicy] = {
    "dtks": FieldPolicy(frozenset({"welfare_decile", "occupation_id"}), _FILLABLE),
    "village": FieldPolicy(frozenset({"village_role", "village_id"}), _FILLABLE),
    "employer": FieldPolicy(frozenset({"occupation_id"}), _FILLABLE - {"welfare_decile"}),
    "sponsor": FieldPolicy(frozenset(), _FILLABLE - {"welfare_decile"}),
}
# Identity fields: a difference that the source may not overwrite goes to clerical review.
IDENTITY = ("name_search", "birth_date", "sex", "village_id")


def plan_update(
    kind: str, current: Mapping[str, Any], incoming: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The changes a source may make to a known worker, and the fields in conflict."""
    policy = POLICIES[kind]
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    for field, value in incoming.items():
        if value in (None, "") or current.get(field) == value:
            continue
        have = current.get(field)
        if field in policy.overwrite or (field in policy.fill and have in (None, "")):
            changes[field] = value
        elif field in IDENTITY:
            conflicts.append(field)
    return changes, conflicts
