"""Bank statement cells → values, header names in Indonesian and English, encodings and
delimiters. Pure: no database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from lindungi.contributions.payments.files import decode, is_spreadsheet, sniff_delimiter
from lindungi.contributions.payments.parsing import (
    CellError,
    Problem,
    Row,
    parse_amount,
    parse_file,
    parse_paid_on,
    parse_reference,
    parse_virtual_account,
)
from lindungi.core.errors import ValidationError

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("16800", 16_800),
        ("16.800", 16_800),
        ("16,800", 16_800),
        ("Rp 16.800,00", 16_800),
        ("Rp16.800", 16_800),
        ("IDR 1,780,000,000", 1_780_000_000),
        ("1.500.000", 1_500_000),
        ("1,500,000.00", 1_500_000),
        ("1500000.00", 1_500_000),
        ("1500000,0", 1_500_000),
        (" 16 800 ", 16_800),
        (16_800, 16_800),
        (16_800.0, 16_800),
    ],
)
def test_amounts(cell: Any, amount: int) -> None:
    assert parse_amount(cell) == amount


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "Jumlah bukan angka (not a number)"),
        ("1.500.000.00", "Jumlah bukan angka (not a number)"),
        ("1.5000", "Jumlah bukan angka (not a number)"),
        ("16.800,50", "Jumlah harus rupiah bulat (whole rupiah)"),
        ("1,5", "Jumlah harus rupiah bulat (whole rupiah)"),
        (16_800.5, "Jumlah harus rupiah bulat (whole rupiah)"),
        ("0", "Jumlah harus lebih dari nol (must be positive)"),
        ("-16800", "Jumlah harus lebih dari nol (must be positive)"),
        ("", "Jumlah kosong (missing)"),
        (None, "Jumlah kosong (missing)"),
        (True, "Jumlah bukan angka (not a number)"),
    ],
)
def test_bad_amounts(cell: Any, message: str) -> None:
    with pytest.raises(CellError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_amount(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "2026-11-05",
        "2026-11-05 10:22:01",
        "2026-11-05T10:22",
        "05/11/2026",
        "5/11/2026 10:22",
        "05-11-2026",
        "05.11.2026",
        "2026/11/05",
        "20261105",
        "5 Nov 2026",
        "5 November 2026",
        "5 Nopember 2026",
        "05-Nov-2026",
        date(2026, 11, 5),
        datetime(2026, 11, 5, 10, 22),  # noqa: DTZ001 (a spreadsheet cell has no zone)
        46_331.0,  # Excel serial day
        20_261_105,
    ],
)
def test_dates(cell: Any) -> None:
    assert parse_paid_on(cell, TODAY) == date(2026, 11, 5)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31/11/2026", "Tanggal tidak ada (no such day)"),
        ("2026-12-01", "Tanggal setelah hari ini (date in the future)"),
        ("1999-12-31", "Tanggal terlalu lama (date too old)"),
        ("kemarin", "Tanggal tidak dikenali (not a date)"),
        ("", "Tanggal kosong (missing)"),
    ],
)
def test_bad_dates(cell: Any, message: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_paid_on(cell, TODAY)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("cell", "va"),
    [
        ("88000000000042", "88000000000042"),
        ("8800 0000 0000 42", "88000000000042"),
        ("88-0000-0000-0042", "88000000000042"),
        (88_000_000_000_042.0, "88000000000042"),
        ("", ""),
        (None, ""),
    ],
)
def test_virtual_accounts(cell: Any, va: str) -> None:
    assert parse_virtual_account(cell) == va


@pytest.mark.parametrize("cell", ["88A0", "1" * 21])
def test_bad_virtual_accounts(cell: str) -> None:
    with pytest.raises(CellError):
        parse_virtual_account(cell)


@pytest.mark.parametrize(("cell", "ref"), [(" BNI-1 ", "BNI-1"), (12345.0, "12345"), (7, "7")])
def test_references(cell: Any, ref: str) -> None:
    assert parse_reference(cell) == ref


@pytest.mark.parametrize("cell", ["", "  ", None, "R" * 65])
def test_bad_references(cell: Any) -> None:
    with pytest.raises(CellError):
        parse_reference(cell)


@pytest.mark.parametrize(
    "header",
    [
        "No VA;Jumlah;Tanggal;Referensi",
        "virtual_account,amount,date,reference",
        "Nomor Virtual Account\tNominal (Rp)\tTgl Bayar\tNo. Ref",
        "VA|Jumlah Pembayaran|Tanggal Transaksi|ID Transaksi",
        "Referensi;Tanggal;Jumlah;No VA",
    ],
)
def test_header_names_in_either_language_and_any_order(header: str) -> None:
    delimiter = sniff_delimiter(header)
    names = header.split(delimiter)
    values = {"va": "88000000000001", "jumlah": "16800", "tanggal": "2026-11-05", "ref": "R1"}
    order = [_kind(n) for n in names]
    text = header + "\n" + delimiter.join(values[k] for k in order) + "\n"
    parsed = parse_file(text.encode(), "mutasi.csv", today=TODAY)
    assert parsed.rows == [Row(2, "88000000000001", 16_800, date(2026, 11, 5), "R1")]


def _kind(name: str) -> str:
    lowered = name.lower()
    if "ref" in lowered or "id transaksi" in lowered:
        return "ref"
    if "va" in lowered or "virtual" in lowered:
        return "va"
    return "tanggal" if any(w in lowered for w in ("tanggal", "tgl", "date")) else "jumlah"


def test_rows_problems_and_repeats() -> None:
    text = (
        "Laporan mutasi\n\nNo VA;Jumlah;Tanggal;Referensi\n"
        "88000000000001;16.800;05/11/2026;R1\n"
        ";;;\n"
        "88000000000001;16.800;05/11/2026;R1\n"
        "88000000000002;16.800;05/11/2026;R1\n"
        "88000000000003;x;05/13/2026;R2\n"
    )
    parsed = parse_file(text.encode(), "a.csv", today=TODAY)
    assert parsed.rows == [Row(4, "88000000000001", 16_800, date(2026, 11, 5), "R1")]
    assert (parsed.rows_read, parsed.repeated, parsed.invalid) == (4, 1, 2)
    assert parsed.problems == [
        Problem(7, "Referensi", "R1", "Referensi sudah dipakai di baris 4 dengan isi lain"),
        Problem(8, "Jumlah", "x", "Jumlah bukan angka (not a number)"),
        Problem(8, "Tanggal", "05/13/2026", "Tanggal tidak ada (no such day)"),
    ]


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_file(b"No VA,Jumlah\n1,2\n", "a.csv", today=TODAY)
    assert exc.value.errors == {
        "file": ["Kolom tidak ditemukan (columns not found): paid_on, reference"]
    }


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Jumlah;Rp", "Jumlah;Rp"),
        (b"\xef\xbb\xbfNo VA", "No VA"),
        ("Setoran \u2013 é".encode("cp1252"), "Setoran \u2013 é"),
    ],
)
def test_encodings(data: bytes, text: str) -> None:
    assert decode(data) == text


@pytest.mark.parametrize(
    ("data", "name", "spreadsheet"),
    [
        (b"PK\x03\x04rest", "mutasi.csv", True),
        (b"a,b", "mutasi.XLSX", True),
        (b"a,b", "mutasi.csv", False),
    ],
)
def test_spreadsheets_known_by_content_or_name(data: bytes, name: str, spreadsheet: bool) -> None:
    assert is_spreadsheet(data, name) is spreadsheet


def test_unreadable_xlsx_is_a_file_error() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_file(b"PK\x03\x04not really a zip", "x.xlsx", today=TODAY)
    assert list(exc.value.errors) == ["file"]
