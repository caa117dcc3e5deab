"""Bank statement rows → payment rows or problems (row, column, value, message). Pure: no ORM,
no clock (`today` is passed in); a bad row never stops the good ones."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from lindungi.contributions.payments.files import Cell, read_cells
from lindungi.core.errors import ValidationError

VIRTUAL_ACCOUNT, AMOUNT, PAID_ON, REFERENCE = "virtual_account", "amount", "paid_on", "reference"
COLUMNS = (VIRTUAL_ACCOUNT, AMOUNT, PAID_ON, REFERENCE)
_NAMES: dict[str, tuple[str, ...]] = {
    VIRTUAL_ACCOUNT: (
        *("va", "nova", "novirtualaccount", "virtualaccount", "nomorva", "nomorvirtualaccount"),
        *("vanumber", "virtualaccountnumber", "rekeningva", "novirtual"),
    ),
    AMOUNT: (
        *("jumlah", "nominal", "amount", "jumlahbayar", "jumlahrp", "nilai", "nominalrp"),
        *("kredit", "credit", "jumlahpembayaran", "paidamount"),
    ),
    PAID_ON: (
        *("tanggal", "tgl", "tanggalbayar", "tglbayar", "tanggaltransaksi", "tgltransaksi"),
        *("tanggalpembayaran", "date", "paidon", "paymentdate", "transactiondate", "valuedate"),
    ),
    REFERENCE: (
        *("referensi", "noreferensi", "nomorreferensi", "ref", "noref", "refno", "reffno"),
        *("reference", "bankreference", "referenceno", "referencenumber", "idtransaksi"),
        "transactionid",
    ),
}
# Header names as banks and officers write them, lower case with everything but a-z0-9 removed.
ALIASES = {alias: column for column, names in _NAMES.items() for alias in names}
HEADER_SEARCH_ROWS = 20  # title lines above the header are skipped
MAX_REFERENCE = 64
MAX_VIRTUAL_ACCOUNT = 20
EARLIEST = date(2000, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)
MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "february", "pebruari"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "agus", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oct", "oktober", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "dec", "desember", "december"), 12),
}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")
_D_MON_Y = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_VA_NOISE = str.maketrans("", "", " -.\u00a0")


Header = dict[str, tuple[int, str]]  # column → (position, label as written in the file)


class CellError(ValueError):
    """A cell that cannot become the value its column needs; the message says why."""


class Row(NamedTuple):
    """A good payment row (a tuple: half a million are built per file)."""

    row: int  # line number in the file (1 = first line), as the officer sees it
    virtual_account: str
    amount: int
    paid_on: date
    reference: str


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str  # the header as the file writes it, e.g. "Jumlah"
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Parsed:
    """The good rows (first occurrence of each reference), problems, and what was counted."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    repeated: int = 0  # same reference and content again within the file

    @property
    def invalid(self) -> int:
        return len({p.row for p in self.problems})


def parse_file(data: bytes, file_name: str, *, today: date) -> Parsed:
    """Parse a whole bank statement file; a file without the four columns is refused."""
    return parse_cells(read_cells(data, file_name), today=today)


def parse_cells(cells: Iterable[list[Cell]], *, today: date) -> Parsed:
    lines = enumerate(cells, start=1)
    header = _find_header(lines)
    parsed = Parsed()
    seen: dict[str, Row] = {}
    for line, cells_ in lines:
        if _blank(cells_):
            continue
        parsed.rows_read += 1
        row = _parse_row(line, cells_, header, today, parsed.problems)
        if row is None:
            continue
        first = seen.get(row.reference)
        if first is None:
            seen[row.reference] = row
            parsed.rows.append(row)
        elif (first.virtual_account, first.amount, first.paid_on) == (
            row.virtual_account,
            row.amount,
            row.paid_on,
        ):
            parsed.repeated += 1
        else:
            message = f"Referensi sudah dipakai di baris {first.row} dengan isi lain"
            parsed.problems.append(Problem(line, header[REFERENCE][1], row.reference, message))
    return parsed


def _find_header(lines: Iterator[tuple[int, list[Cell]]]) -> Header:
    """Position and label of each column, from the first line naming all four (titles skipped)."""
    best: Header = {}
    for line, cells in lines:
        found: Header = {}
        for index, cell in enumerate(cells):
            column = ALIASES.get(re.sub(r"[^a-z0-9]", "", _text(cell).lower()))
            if column and column not in found:
                found[column] = (index, _text(cell))
        if len(found) == len(COLUMNS):
            return found
        best = found if len(found) > len(best) else best
        if line >= HEADER_SEARCH_ROWS:
            break
    missing = ", ".join(c for c in COLUMNS if c not in best)
    raise ValidationError(
        {"file": f"Kolom tidak ditemukan (columns not found): {missing or ', '.join(COLUMNS)}"}
    )


def _blank(cells: list[Cell]) -> bool:
    try:
        return not "".join(cells).strip()  # type: ignore[arg-type]  # all text: the fast way
    except TypeError:
        return not any(_text(c) for c in cells)


def _parse_row(
    line: int, cells: list[Cell], header: Header, today: date, problems: list[Problem]
) -> Row | None:
    values: list[Any] = []
    for column, parse in PARSERS.items():
        index, label = header[column]
        raw = cells[index] if index < len(cells) else None
        try:
            values.append(parse(raw, today))
        except CellError as exc:
            problems.append(Problem(line, label, _text(raw), str(exc)))
    return Row(line, *values) if len(values) == len(PARSERS) else None


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell).strip()


def parse_virtual_account(cell: Cell, _today: date | None = None) -> str:
    """Digits only (spaces, dots and dashes dropped); empty is allowed and stays unmatched."""
    if type(cell) is str and cell.isdigit() and len(cell) <= MAX_VIRTUAL_ACCOUNT:
        return cell
    text = _text(cell).translate(_VA_NOISE)
    if text and not text.isdigit():
        raise CellError("Nomor VA hanya angka (digits only)")
    if len(text) > MAX_VIRTUAL_ACCOUNT:
        raise CellError(f"Nomor VA paling panjang {MAX_VIRTUAL_ACCOUNT} angka (too long)")
    return text


def parse_amount(cell: Cell, _today: date | None = None) -> int:
    """Whole rupiah above zero: 16800, 16.800, 16,800, Rp 16.800,00, 1.500.000 or a number."""
    if isinstance(cell, bool):
        raise CellError("Jumlah bukan angka (not a number)")
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not cell.is_integer():
            raise CellError("Jumlah harus rupiah bulat (whole rupiah)")
        amount = int(cell)
    else:
        amount = _amount_text(_text(cell))
    if amount <= 0:
        raise CellError("Jumlah harus lebih dari nol (must be positive)")
    return amount


@functools.lru_cache(maxsize=65_536)  # a statement repeats the same few amounts
def _amount_text(text: str) -> int:
    text = re.sub(r"^(rp\.?|idr)\s*", "", text.lower()).replace(" ", "").replace("\u00a0", "")
    if text.isdigit():
        return int(text)
    if not text:
        raise CellError("Jumlah kosong (missing)")
    if text.startswith("-"):
        raise CellError("Jumlah harus lebih dari nol (must be positive)")
    whole, point, fraction = text, "", ""
    cut = max(text.rfind("."), text.rfind(","))
    if cut >= 0 and 1 <= len(text) - cut - 1 <= 2:  # 1-2 digits after the last mark: decimals
        whole, point, fraction = text[:cut], text[cut], text[cut + 1 :]
    if point and not fraction.isdigit():
        raise CellError("Jumlah bukan angka (not a number)")
    if whole.isdigit():
        value = int(whole)
    elif (m := _GROUPED.fullmatch(whole)) and m[1] != point:
        value = int(whole.replace(".", "").replace(",", ""))
    else:
        raise CellError("Jumlah bukan angka (not a number)")
    if fraction.strip("0"):
        raise CellError("Jumlah harus rupiah bulat (whole rupiah)")
    return value


def parse_paid_on(cell: Cell, today: date) -> date:
    """A day not after today: a date cell, 2026-11-05, 05/11/2026, 5 Nov 2026, 20261105."""
    if isinstance(cell, datetime):
        day = cell.date()
    elif isinstance(cell, date):
        day = cell
    elif isinstance(cell, int | float) and not isinstance(cell, bool):
        day = _date_number(cell)
    else:
        day = _date_text(_text(cell))
    if day > today:
        raise CellError("Tanggal setelah hari ini (date in the future)")
    if day < EARLIEST:
        raise CellError("Tanggal terlalu lama (date too old)")
    return day


def _date_number(value: float) -> date:
    if float(value).is_integer() and 19_000_000 < value < 30_000_000:
        return _date_text(str(int(value)))
    if 1 <= value < 2_958_466:  # an Excel serial day left unformatted
        return EXCEL_EPOCH + timedelta(days=int(value))
    raise CellError("Tanggal tidak dikenali (not a date)")


@functools.lru_cache(maxsize=65_536)  # and the same few days
def _date_text(text: str) -> date:
    head = text.split("T")[0].split(" ")[0] if text[:4].isdigit() else text
    try:
        if len(head) == 10 and head[4] == "-":
            return date.fromisoformat(head)
        if m := _DMY.match(head):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YMD.match(head):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _COMPACT.fullmatch(head):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _D_MON_Y.match(text)) and m[2].lower() in MONTHS:
            return date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    except ValueError:
        raise CellError("Tanggal tidak ada (no such day)") from None
    raise CellError("Tanggal tidak dikenali (not a date)" if text else "Tanggal kosong (missing)")


def parse_reference(cell: Cell, _today: date | None = None) -> str:
    """The bank's reference, trimmed; required, at most 64 characters."""
    text = _text(cell)
    if not text:
        raise CellError("Referensi kosong (missing)")
    if len(text) > MAX_REFERENCE:
        raise CellError(f"Referensi paling panjang {MAX_REFERENCE} karakter (too long)")
    return text


PARSERS: dict[str, Callable[[Cell, date], Any]] = {
    VIRTUAL_ACCOUNT: parse_virtual_account,
    AMOUNT: parse_amount,
    PAID_ON: parse_paid_on,
    REFERENCE: parse_reference,
}
