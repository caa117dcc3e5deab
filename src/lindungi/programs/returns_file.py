"""Read the collective-registration file BPJS sends back: bytes in, rows of named cells out.

`ingest.reading.read_table` is not used as a whole: its header search knows only worker-list
columns (NIK, name, birth date…), and a returned file may carry nothing but the Lindungi id,
the KPJ and the status. Its size check, text decoding and delimiter sniffing are reused;
XLSX is read by calamine as there. Every refusal is a ValidationError on "file".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lindungi.core.errors import ValidationError
from lindungi.ingest import reading
from lindungi.ingest.rules import header_key, text_of

# Field → header texts (compared loosely: lower case, punctuation as spaces). The first
# spelling of each is our own export's (programs/exports.py COLUMNS). ⚠ BPJS's own layout of
# the returned file is not published; these are the spellings seen in branch spreadsheets.
HEADERS: dict[str, tuple[str, ...]] = {
    "worker_id": ("ID peserta Lindungi", "ID Lindungi", "Lindungi ID", "lindungi_id"),
    "full_name": ("Nama lengkap", "Nama", "Nama peserta", "Nama tenaga kerja"),
    "birth_date": ("Tanggal lahir", "Tgl lahir", "tgl_lahir"),
    "kpj": ("KPJ", "Nomor KPJ", "No KPJ", "No. KPJ", "no_kpj"),
    "status": ("Status", "Status pendaftaran", "Hasil", "Hasil pendaftaran"),
    "reason": ("Alasan penolakan", "Alasan", "Keterangan"),
}
_INDEX = {header_key(name): field for field, names in HEADERS.items() for name in names}
LOOK = 30  # rows searched for the header (titles above the table are usual)


@dataclass(frozen=True)
class ReturnedRow:
    line: int  # 1-based line of the sheet, as the person opening the file sees it
    cells: dict[str, Any]  # field → raw cell


@dataclass(frozen=True)
class ReturnedFile:
    columns: dict[str, str]  # field → the header text as written in the file
    rows: list[ReturnedRow]


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def read_returned(data: bytes, file_name: str) -> ReturnedFile:
    """The returned file's rows keyed by field; refuses empty, non-spreadsheet, unknown layout."""
    reading.check_size(len(data))
    if data.startswith((reading.ZIP_MAGIC, reading.OLE_MAGIC)):
        cells = _xlsx(data)
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")) or not _text(data):
        raise _refuse(
            _("Berkas bukan CSV atau XLSX (the file is not a spreadsheet: CSV or XLSX expected).")
        )
    else:
        cells = _csv(data)
    if not any(any(text_of(c) for c in row) for row in cells):
        raise _refuse(_("Berkas kosong (the file has no data)."))
    at, columns = _header(cells)
    rows = [
        ReturnedRow(at + 2 + i, {f: row[j] if j < len(row) else "" for f, j in columns.items()})
        for i, row in enumerate(cells[at + 1 :])
        if any(text_of(c) for c in row)
    ]
    if not rows:
        raise _refuse(_("Berkas tidak berisi baris data di bawah judul kolom (no data rows)."))
    header = cells[at]
    return ReturnedFile({f: text_of(header[j]) for f, j in columns.items()}, rows)


def _header(cells: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row (the first naming a status and a way to find the worker) and positions."""
    for at, row in enumerate(cells[:LOOK]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            field = _INDEX.get(header_key(cell))
            if field is None:
                continue
            if field in found:
                raise _refuse(
                    _("Kolom %(name)s muncul dua kali pada baris %(line)s (duplicate column).")
                    % {"name": text_of(cell), "line": at + 1}
                )
            found[field] = j
        identifies = "worker_id" in found or {"full_name", "birth_date"} <= found.keys()
        if "status" in found and identifies:
            return at, found
    raise _refuse(
        _(
            "Susunan kolom tidak dikenal: perlu kolom Status dan kolom ID peserta Lindungi atau "
            "Nama lengkap + Tanggal lahir, serta KPJ untuk yang diterima (unknown column layout: "
            "a Status column and the Lindungi id, or name and birth date, are needed)."
        )
    )


def _text(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 128 for b in head)
    return printable >= 0.95 * len(head)


def _csv(data: bytes) -> list[list[Any]]:
    text = reading.decode(data)
    csv.field_size_limit(reading.CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=reading.sniff_delimiter(text))
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise _refuse(_("CSV tidak terbaca (unreadable CSV): %(e)s") % {"e": exc}) from exc


def _xlsx(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book: Any = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise _refuse(_("Berkas XLSX tidak terbaca (unreadable XLSX): %(e)s") % {"e": exc}) from exc
    return rows
