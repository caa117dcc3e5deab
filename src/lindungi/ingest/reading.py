"""A worker list file as a table: header row found, merged cells filled, limits enforced.

CSV (comma, semicolon, tab or pipe; UTF-8, UTF-8 with BOM or Windows-1252) and XLSX/XLS (first
sheet, read by calamine). Bytes in, a Table out; every refusal is a ValidationError on "file"
with a message an office clerk can act on.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lindungi.core.errors import ValidationError
from lindungi.ingest import rules

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
DELIMITERS = (";", ",", "\t", "|")
MAX_COLUMNS = 200
CSV_FIELD_LIMIT = 1 << 20


def max_bytes() -> int:
    """Largest accepted upload (LINDUNGI_INGEST_MAX_MB, default 100 MB)."""
    configured = getattr(settings, "INGEST_MAX_BYTES", None)
    if configured:
        return int(configured)
    return int(os.environ.get("LINDUNGI_INGEST_MAX_MB", "100")) * 1024 * 1024


@dataclass
class Table:
    """The rows under the header; `first_line` is the 1-based sheet line of rows[0]."""

    header: list[Any]
    rows: list[list[Any]]
    first_line: int
    file_kind: str  # "csv" | "xlsx"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def check_size(size: int) -> None:
    """Refuse by size before a byte is read."""
    limit = max_bytes()
    if size > limit:
        raise _refuse(
            _("Berkas %(size)s MB melebihi batas %(limit)s MB (file exceeds the size limit).")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if size == 0:
        raise _refuse(_("Berkas kosong (the file is empty)."))


def read_table(data: bytes, file_name: str) -> Table:
    """The table of a worker list; raises ValidationError naming what makes it unreadable."""
    check_size(len(data))
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        cells, kind = _xlsx_rows(data), "xlsx"
    elif file_name.lower().endswith((".xlsx", ".xls", ".xlsm")) or not _looks_like_text(data):
        raise _refuse(
            _("Berkas bukan CSV atau XLSX (the file is not a spreadsheet: CSV or XLSX expected).")
        )
    else:
        cells, kind = _csv_rows(data), "csv"
    widest = max((len(r) for r in cells), default=0)
    if widest > MAX_COLUMNS:
        raise _refuse(
            _("Berkas memiliki %(n)s kolom; paling banyak %(max)s (too many columns).")
            % {"n": f"{widest:,}", "max": MAX_COLUMNS}
        )
    if not any(any(rules.text_of(c) for c in row) for row in cells):
        raise _refuse(_("Berkas kosong (the file has no data)."))
    return _table(cells, kind)


def _table(cells: list[list[Any]], kind: str) -> Table:
    at = rules.find_header(cells)
    if at is None:
        raise _refuse(
            _(
                "Baris judul kolom tidak ditemukan: perlu minimal dua kolom seperti NIK, Nama,"
                " Tanggal Lahir (no header row naming known columns found)."
            )
        )
    header = cells[at]
    duplicated = rules.duplicate_headers(header)
    if duplicated:
        raise _refuse(
            _("Nama kolom ganda: %(names)s (duplicate column names).")
            % {"names": ", ".join(duplicated)}
        )
    body = list(cells[at + 1 :])
    return Table(header=list(header), rows=body, first_line=at + 2, file_kind=kind)


def _looks_like_text(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 128 for b in head)
    return printable >= 0.95 * len(head)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (undefined bytes replaced)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The separator splitting most of the first lines into 3+ cells (title lines aside)."""
    lines = [line for line in text[:65536].splitlines() if line.strip()][:30]
    score = {d: (sum(line.count(d) >= 2 for line in lines), text.count(d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: score[d])
    return best if score[best][0] else ","


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = decode(data)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise _refuse(_("CSV tidak terbaca (unreadable CSV): %(e)s") % {"e": exc}) from exc


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book: Any = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise _refuse(_("Berkas XLSX tidak terbaca (unreadable XLSX): %(e)s") % {"e": exc}) from exc
    width = max((c1 + 1 for _, (_, c1) in merged), default=0)
    if width:
        rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    return rules.merged_fill(rows, merged)
