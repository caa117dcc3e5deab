"""`lindungi nik check`: verdict, JSON keys and exit codes, without loaded reference data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from django.utils import timezone

from lindungi.cli import main

DISTRICTS = frozenset({"640201", "640401"})


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 5, 1))


@pytest.fixture
def districts(monkeypatch: pytest.MonkeyPatch) -> None:
    """District codes come from a stub, not from loaded reference data."""
    monkeypatch.setattr("lindungi.reference.selectors.district_codes_for_nik", lambda: DISTRICTS)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["nik", "check", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "code", "verdict"),
    [
        (
            ["6402011208850001"],
            0,
            {
                "valid": True,
                "reason": "",
                "region_code": "64.02.01",
                "birth_date": "1985-08-12",
                "sex": "L",
            },
        ),
        (
            ["6402015208850001", "--birth-date", "1985-08-12", "--sex", "P"],
            0,
            {
                "valid": True,
                "reason": "",
                "region_code": "64.02.01",
                "birth_date": "1985-08-12",
                "sex": "P",
            },
        ),
        (
            ["6404011208850001", "--sex", "l"],  # historic Kaltim code, sex case-insensitive
            0,
            {
                "valid": True,
                "reason": "",
                "region_code": "64.04.01",
                "birth_date": "1985-08-12",
                "sex": "L",
            },
        ),
        (
            ["6402015208850001", "--sex", "L"],
            1,
            {
                "valid": False,
                "reason": "Jenis kelamin tidak cocok: NIK menunjukkan perempuan (hari+40) tetapi"
                " data L (sex mismatch: day part 52 marks a woman (day + 40) but the record"
                " says L)",
                "region_code": "64.02.01",
                "birth_date": "1985-08-12",
                "sex": "P",
            },
        ),
        (
            ["6402011208850001", "--birth-date", "1985-08-13"],
            1,
            {
                "valid": False,
                "reason": "Tanggal lahir tidak cocok dengan NIK: hari 12 di NIK, 13 di data"
                " (birth date does not match: day 12 in the NIK, 13 in the record)",
                "region_code": "64.02.01",
                "birth_date": "1985-08-12",
                "sex": "L",
            },
        ),
        (
            ["6402013102850001"],
            1,
            {
                "valid": False,
                "reason": "Tanggal lahir dalam NIK tidak valid: 31-02-85 (birth date part 310285"
                " is not a real date)",
                "region_code": None,
                "birth_date": None,
                "sex": None,
            },
        ),
        (
            ["6404991213850000"],
            1,
            {
                "valid": False,
                "reason": "Kode wilayah NIK 640499 tidak dikenal (region of issue 64.04.99"
                " unknown); Tanggal lahir dalam NIK tidak valid: bulan 13 (month part 13 is not"
                " 01-12); Nomor urut NIK 0000 tidak valid (serial part 0000: serials start at"
                " 0001)",
                "region_code": None,
                "birth_date": None,
                "sex": None,
            },
        ),
        (
            ["640201120885000"],
            1,
            {
                "valid": False,
                "reason": "NIK harus 16 digit (NIK must be 16 digits): 15 digit diberikan"
                " (15 given)",
                "region_code": None,
                "birth_date": None,
                "sex": None,
            },
        ),
    ],
)
@pytest.mark.usefixtures("districts")
def test_nik_check_json(args: list[str], code: int, verdict: dict[str, object]) -> None:
    exit_code, output = _run(*args, "--json")
    assert exit_code == code
    assert json.loads(output) == verdict


@pytest.mark.usefixtures("districts")
def test_nik_check_human_valid() -> None:
    assert _run("6402015208850001") == (
        0,
        "NIK valid: wilayah 64.02.01, lahir 1985-08-12, jenis kelamin P\n",
    )


@pytest.mark.usefixtures("districts")
def test_nik_check_human_invalid() -> None:
    assert _run("6402011208850000") == (
        1,
        "NIK tidak valid (invalid): Nomor urut NIK 0000 tidak valid (serial part 0000: serials"
        " start at 0001)\n",
    )


@pytest.mark.usefixtures("districts")
def test_nik_check_rejects_a_malformed_birth_date_option() -> None:
    exit_code, output = _run("6402011208850001", "--birth-date", "12-08-1985")
    assert exit_code == 2
    assert "'12-08-1985' bukan tanggal YYYY-MM-DD (not a date)" in output


def test_nik_check_without_reference_data_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lindungi.reference.selectors.district_codes_for_nik", frozenset)
    exit_code, output = _run("6402011208850001", "--json")
    assert exit_code == 1
    assert "Data wilayah belum dimuat (no region reference data loaded" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "code", "region_code"),
    [
        ("6402011208850001", 0, "64.02.01"),  # Kutai Kartanegara, current
        ("6404011208850001", 0, "64.04.01"),  # Bulungan's Kaltim code before UU 20/2012
        ("6404991208850001", 1, None),
    ],
)
def test_nik_check_against_loaded_reference_data(
    nik: str, code: int, region_code: str | None
) -> None:
    from lindungi.reference import selectors

    selectors.clear_caches()
    exit_code, output = _run(nik, "--json")
    assert (exit_code, json.loads(output)["region_code"]) == (code, region_code)
