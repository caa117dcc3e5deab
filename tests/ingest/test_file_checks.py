"""The column-wise check of a file gives, row for row, what `validation.check_row` gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from lindungi.ingest import file_checks
from lindungi.ingest.validation import Known, _Row, check_row

from .conftest import KUKAR, nik

TODAY = date(2026, 11, 26)
NAMES = [
    "NIK",
    "Nama",
    "Lahir",
    "JK",
    "Desa",
    "Desil",
    "Jabatan",
    "HP",
    "Tempat",
    "Alamat",
    "Kerja",
]
FIELDS = [
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "village_code",
    "welfare_decile",
    "village_role",
    "phone",
    "birth_place",
    "address_line",
    "occupation_code",
]
COLUMNS = {f: i for i, f in enumerate(FIELDS)}
KNOWN = Known(
    today=TODAY,
    villages=frozenset({KUKAR, "6402012002"}),
    occupations=frozenset({"PETANI"}),
    districts=frozenset({"640201"}),
    prefixes=(),
)
# Each column's cells as offices send them: good ones in every form the readers give (text,
# Excel numbers, date cells) and every kind of bad one.
VARIANTS: dict[str, list[Any]] = {
    "nik": [
        nik(1),
        nik(2),
        "",
        None,
        f" {nik(3)[:8]} {nik(3)[8:]} ",
        nik(4, day="18"),  # the birth date in it differs from the row's
        nik(5, day="57"),  # a woman's NIK
        6.40212e15,  # scientific notation: digits lost
        int(nik(6)),
        "123",
        "9902011708850001",  # unknown region of issue
        True,
        "6402011708850000",  # serial 0000
    ],
    "full_name": [
        "Budi Santoso",
        "H. Muhammad  Yusuf, S.Pd.",
        "",
        None,
        "12345",
        "x" * 151,
        "Siti binti Ahmad",
        123,
        "  Ni   Made  Ayu ",
    ],
    "birth_date": [
        "17-08-1985",
        "1985-08-17",
        "17/08/85",
        "31-02-1985",
        "",
        None,
        datetime(1985, 8, 17, 0, 0),  # noqa: DTZ001 (an Excel date cell has no zone)
        date(1985, 8, 17),
        31276,
        31276.0,
        "2099-01-01",
        "1800-01-01",
        "17 agustus 1985",
        True,
    ],
    "sex": ["L", "P", "laki-laki", "x", "", None, "l"],
    "village_code": [KUKAR, "64.02.01.2001", "9999999999", "", None, int(KUKAR), "6402012002"],
    "welfare_decile": ["3", "Desil 4", "11", "", None, 3, 3.0, "desil"],
    "village_role": ["", None, "kepala desa", "xyz", "Kades"],
    "phone": ["", None, "08123456789", "abc", "+62 812-3456-7890"],
    "birth_place": ["", None, "Tenggarong", "  Samarinda   Ulu ", 12],
    "address_line": ["", None, "Jl. Mawar 1", "y" * 250],
    "occupation_code": ["", None, "PETANI", "NELAYAN"],
}
# co-prime steps, so the 600 rows meet the variants in many combinations
STEPS = [1, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31]


def _lines(n: int, *, clean_every: int = 3) -> list[tuple[int, list[Any]]]:
    lines = []
    for i in range(n):
        if i % clean_every == 0:  # a row every rule passes
            cells: list[Any] = [nik(i % 9000 + 1), f"Budi {i % 40}", "17-08-1985", "L", KUKAR]
            cells += ["3", "", "", "", "", ""]
        else:
            cells = [
                VARIANTS[f][(i * s) % len(VARIANTS[f])] for f, s in zip(FIELDS, STEPS, strict=True)
            ]
        if i % 17 == 0:
            cells = cells[: 5 + i % 6]  # a short row: the last cells missing
        lines.append((i + 4, cells))
    return lines


def _one_by_one(lines: list[tuple[int, list[Any]]]) -> list[Any]:
    return [check_row(_Row(line, cells, COLUMNS, NAMES), KNOWN) for line, cells in lines]


@pytest.mark.parametrize("clean_every", [1, 3, 1000])
def test_column_wise_check_gives_what_the_row_check_gives(clean_every):
    lines = _lines(600, clean_every=clean_every)
    expected = _one_by_one(lines)
    got = file_checks.check_lines(lines, columns=COLUMNS, names=NAMES, known=KNOWN)
    assert got == expected


def test_the_clean_rows_are_decided_column_wise_and_only_they():
    lines = _lines(600)
    expected = _one_by_one(lines)
    decided = file_checks.clean_rows(lines, columns=COLUMNS, known=KNOWN, memo={})
    assert [c is not None for c in decided] == [not c.problems for c in expected]
    assert sum(c is not None for c in decided) == 208  # 200 clean by design, 8 by chance
    assert [c for c in decided if c is not None] == [c for c in expected if not c.problems]


def test_a_nik_written_with_spaces_is_kept_as_given_and_as_read():
    lines = [(4, [f"{nik(3)[:8]} {nik(3)[8:]}", "Budi", "17-08-1985", "L", KUKAR])]
    [checked] = file_checks.check_lines(lines, columns=COLUMNS, names=NAMES, known=KNOWN)
    assert (checked.nik, checked.nik_given, checked.nik_valid) == (
        nik(3),
        f"{nik(3)[:8]} {nik(3)[8:]}",
        True,
    )
    assert checked.problems == []


def test_mixed_cell_types_that_compare_equal_are_parsed_apart():
    """1, 1.0 and True are one key of a dict: as a birth date, 1 is an Excel serial (1900)
    and True is text that is no date."""
    lines = [(4 + i, [nik(1), "Budi", born, "L", KUKAR]) for i, born in enumerate([1, True, 1.0])]
    got = file_checks.check_lines(lines, columns=COLUMNS, names=NAMES, known=KNOWN)
    assert got == _one_by_one(lines)
    assert [p["message"][:14] for c in got for p in c.problems if p["field"] == "birth_date"] == [
        "Umur lebih dar",
        "Tanggal '1' ti",
        "Umur lebih dar",
    ]
