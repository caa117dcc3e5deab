"""Pure rules: dates, NIK cells, headers, formula neutralising, the update policy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lindungi.ingest import rules

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("17-08-1985", date(1985, 8, 17)),
        ("17/08/85", date(1985, 8, 17)),
        ("1985-08-17", date(1985, 8, 17)),
        ("17.08.1985", date(1985, 8, 17)),
        ("1/2/05", date(2005, 2, 1)),
        ("17 Agustus 1985", date(1985, 8, 17)),
        (31276, date(1985, 8, 17)),  # Excel serial
        (31276.0, date(1985, 8, 17)),
        ("31276", date(1985, 8, 17)),  # a serial that came through CSV as text
        (datetime(1985, 8, 17, 0, 0, tzinfo=UTC), date(1985, 8, 17)),
        (date(1985, 8, 17), date(1985, 8, 17)),
    ],
)
def test_parse_date_accepts_what_offices_send(cell: object, expected: date) -> None:
    assert rules.parse_date(cell, today=TODAY) == expected


@pytest.mark.parametrize("cell", ["31-02-1985", "besok", "17-13-1985", -5])
def test_parse_date_names_the_problem(cell: object) -> None:
    with pytest.raises(rules.CellProblem) as exc:
        rules.parse_date(cell, today=TODAY)
    assert "Tanggal" in exc.value.message


def test_nik_from_a_number_cell_is_refused_unless_all_digits_certainly_kept() -> None:
    assert rules.nik_text(6402011708850001.0) == "6402011708850001"
    with pytest.raises(rules.CellProblem, match="15 digits"):
        rules.nik_text(6402011708850010.0)  # Excel's 16th digit is always 0: never guessed
    with pytest.raises(rules.CellProblem, match="15 digits"):
        rules.nik_text(402011708850001)  # lost a leading digit
    with pytest.raises(rules.CellProblem, match="decimal"):
        rules.nik_text(640201.5)
    assert rules.nik_text("'6402011708850001") == "'6402011708850001"  # text: the rules trim


def test_find_header_skips_titles_and_blank_lines() -> None:
    rows = [
        ["DAFTAR PENERIMA", "", ""],
        ["", "", ""],
        ["No", "NIK", "Nama Lengkap", "Tgl. Lahir", "JK", "Kode Desa"],
        ["1", "6402011708850001", "Budi", "17-08-1985", "L", "6402012001"],
    ]
    assert rules.find_header(rows) == 2
    assert rules.auto_mapping(rows[2]) == {
        "nik": "NIK",
        "full_name": "Nama Lengkap",
        "birth_date": "Tgl. Lahir",
        "sex": "JK",
        "village_code": "Kode Desa",
    }
    assert rules.find_header([["a", "b"], ["c", "d"]]) is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        (["NIK"], "nik"),
        (["N I K"], "nik"),
        (["N.I.K."], "nik"),
        (["No. NIK"], "nik"),
        (["NO_KTP"], "nik"),
        (["Tanggal Lahir (dd-mm-yyyy)"], "birth_date"),
        (["Tgl. Lahir"], "birth_date"),
        (["Jenis Kelamin (L/P)"], "sex"),
        (["L/P"], "sex"),
        (["J K"], "sex"),
        (["Kode Desa (10 digit)"], "village_code"),
        (["Nama Lengkap (sesuai KTP)"], "full_name"),
        (["(Nama)"], "full_name"),
        # two headers named the same once their hints go: neither is taken
        (["Tanggal Lahir (Ayah)", "Tanggal Lahir (Ibu)"], None),
        # a header named exactly wins over one named only without its hint
        (["Tanggal Lahir (Ibu)", "Tanggal Lahir"], "birth_date"),
        (["Keterangan"], None),
        (["No"], None),
    ],
)
def test_headers_as_offices_write_them_name_their_field(
    header: list[str], field: str | None
) -> None:
    mapping = rules.auto_mapping(header)
    assert list(mapping) == ([field] if field else [])
    if field == "birth_date" and len(header) == 2:
        assert mapping[field] == "Tanggal Lahir"


def test_a_header_row_whose_names_carry_hints_is_found() -> None:
    rows = [
        ["FORMULIR PENDATAAN", "", ""],
        ["Nama (sesuai KTP)", "Tanggal Lahir (dd-mm-yyyy)", "Jenis Kelamin (L/P)"],
        ["Budi", "17-08-1985", "L"],
    ]
    assert rules.find_header(rows) == 1
    assert rules.auto_mapping(rows[1]) == {
        "full_name": "Nama (sesuai KTP)",
        "birth_date": "Tanggal Lahir (dd-mm-yyyy)",
        "sex": "Jenis Kelamin (L/P)",
    }


def test_headers_that_differ_only_in_their_hint_are_not_duplicates() -> None:
    assert rules.duplicate_headers(["Tanggal Lahir (Ayah)", "Tanggal Lahir (Ibu)"]) == []
    assert rules.duplicate_headers(["NIK", "N.I.K."]) == ["nik"]


def test_duplicate_headers_are_compared_loosely() -> None:
    assert rules.duplicate_headers(["NIK", "Nama", "nik ", "Alamat", ""]) == ["nik"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://evil","klik")', '\'=HYPERLINK("http://evil","klik")'),
        ("+62812", "'+62812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Budi", "Budi"),
        (12, 12),
    ],
)
def test_neutralise_formula_starts(value: object, shown: object) -> None:
    assert rules.neutralise(value) == shown


def test_merged_cells_fill_down_not_across() -> None:
    rows = [["Judul", "", ""], ["Desa A", "x", ""], ["", "y", ""], ["", "z", ""]]
    rules.merged_fill(rows, [((0, 0), (0, 2)), ((1, 0), (3, 0))])
    assert rows == [
        ["Judul", "", ""],
        ["Desa A", "x", ""],
        ["Desa A", "y", ""],
        ["Desa A", "z", ""],
    ]


@pytest.mark.parametrize(
    ("cell", "sex"), [("L", "L"), ("Laki-laki", "L"), ("P", "P"), ("perempuan", "P"), ("2", "P")]
)
def test_parse_sex(cell: str, sex: str) -> None:
    assert rules.parse_sex(cell) == sex


def test_plan_update_follows_the_source_kind() -> None:
    current = {"welfare_decile": 5, "birth_date": "1985-08-17", "address_line": "", "sex": "L"}
    incoming = {"welfare_decile": 2, "birth_date": "1985-08-18", "address_line": "RT 1", "sex": "L"}
    assert rules.plan_update("dtks", current, incoming) == (
        {"welfare_decile": 2, "address_line": "RT 1"},
        ["birth_date"],
    )
    # An employer may not set the welfare decile, nor change a birth date.
    assert rules.plan_update("employer", current, incoming) == (
        {"address_line": "RT 1"},
        ["birth_date"],
    )


def test_fingerprint_binds_kind_values_and_identifiers() -> None:
    a = rules.fingerprint_text("dtks", '{"x":1}', "nikidx", "")
    assert len(a) == 64
    assert a == rules.fingerprint_text("dtks", '{"x":1}', "nikidx", "")
    assert a != rules.fingerprint_text("village", '{"x":1}', "nikidx", "")
    assert a != rules.fingerprint_text("dtks", '{"x":1}', "other", "")
