"""Bank statement files as rows of cells: CSV (comma, semicolon or tab; UTF-8, UTF-8 with BOM or
Windows-1252) and XLSX (first sheet, read by calamine). Pure: bytes in, cells out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from lindungi.core.errors import ValidationError

Cell = str | int | float | date | datetime | bool | None
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, also read by calamine
DELIMITERS = (";", ",", "\t", "|")
SNIFF_LINES = 20
SNIFF_CHARS = 64 * 1024


def is_spreadsheet(data: bytes, file_name: str) -> bool:
    """XLSX/XLS by content, whatever the name says; a CSV never starts with these bytes."""
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return True
    return file_name.lower().endswith((".xlsx", ".xlsm", ".xls"))


def read_cells(data: bytes, file_name: str) -> Iterator[list[Cell]]:
    """Every row of the file (or of the first sheet) as a list of cells."""
    if is_spreadsheet(data, file_name):
        return _xlsx_rows(data)
    return _csv_rows(decode(data))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which every byte string decodes as."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The separator that splits most of the first lines into 4+ cells (title lines aside)."""
    head = text[:SNIFF_CHARS]
    lines = [line for line in head.splitlines() if line.strip()][:SNIFF_LINES]
    score = {d: (sum(line.count(d) >= 3 for line in lines), head.count(d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: score[d])
    return best if score[best][0] else ","


def _csv_rows(text: str) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return (list(row) for row in reader)


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book: Any = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        raise ValidationError(
            {"file": f"Berkas XLSX tidak terbaca (unreadable XLSX): {exc}"}
        ) from exc
    return iter(rows)
