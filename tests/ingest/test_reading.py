"""Files as offices send them, and files that must be refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.core.errors import ValidationError
from lindungi.ingest import reading

from .conftest import HEADER, KUKAR, csv_bytes, nik, xlsx_bytes

ROW = [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR]


def _refused(data: bytes, name: str = "daftar.csv") -> str:
    with pytest.raises(ValidationError) as exc:
        reading.read_table(data, name)
    return " ".join(exc.value.errors["file"])


@pytest.mark.parametrize(
    ("sep", "encoding"), [(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8")]
)
def test_csv_separators_and_encodings(sep: str, encoding: str) -> None:
    rows = [ROW, [nik(2), "Séno Ñoto", "17/08/85", "L", KUKAR]]
    table = reading.read_table(csv_bytes(rows, sep=sep, encoding=encoding), "d.csv")
    assert table.header == HEADER
    assert table.rows[1][1] == "Séno Ñoto"
    assert table.file_kind == "csv"


def test_header_not_on_line_one() -> None:
    table = reading.read_table(csv_bytes([ROW], title=True), "d.csv")
    assert table.header == HEADER
    assert table.first_line == 4  # title, blank line, header, then line 4


def test_xlsx_with_merged_title_and_merged_village_cells() -> None:
    def merge(sheet: object) -> None:
        sheet.merge_range(2, 4, 3, 4, KUKAR)  # type: ignore[attr-defined]

    rows = [[nik(1), "Budi", 31276, "L", None], [nik(2), "Agus", "17-08-1985", "L", None]]
    table = reading.read_table(xlsx_bytes(rows, title_rows=1, merge=merge), "d.xlsx")
    assert table.file_kind == "xlsx"
    assert table.first_line == 3
    assert [r[4] for r in table.rows] == [KUKAR, KUKAR]
    assert table.rows[0][2] == 31276  # Excel serial, read as a number


def test_empty_file() -> None:
    assert "kosong" in _refused(b"")
    assert "kosong" in _refused(b"\r\n;;;\r\n")


def test_not_a_spreadsheet() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert "bukan CSV atau XLSX" in _refused(png, "foto.csv")
    assert "bukan CSV atau XLSX" in _refused(b"just text that is not xlsx", "daftar.xlsx")
    assert "tidak terbaca" in _refused(b"PK\x03\x04broken zip", "daftar.xlsx")


def test_size_is_refused_before_reading(settings: object) -> None:
    with pytest.raises(ValidationError) as exc:
        reading.check_size(200 * 1024 * 1024)
    assert "melebihi batas 100 MB" in exc.value.errors["file"][0]


def test_ten_thousand_columns() -> None:
    header = ",".join(["NIK", "Nama"] + [f"k{i}" for i in range(9998)])
    assert "10,000 kolom" in _refused((header + "\r\n1,2\r\n").encode())


def test_duplicate_column_names() -> None:
    data = csv_bytes([[*ROW, "x"]], header=[*HEADER, "Nama Lengkap"])
    assert "Nama kolom ganda: nama lengkap" in _refused(data)


def test_no_header_row() -> None:
    assert "judul kolom tidak ditemukan" in _refused(b"a,b,c\r\n1,2,3\r\n")


def test_birth_dates_from_a_date_cell() -> None:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write_string(1, 0, nik(1))
    sheet.write_datetime(1, 2, date(1985, 8, 17), book.add_format({"num_format": "dd/mm/yyyy"}))
    book.close()
    table = reading.read_table(buffer.getvalue(), "d.xlsx")
    assert table.rows[0][2] == date(1985, 8, 17)
