"""Identifier and name rules of registry.rules, against REGULATIONS.md §5 (NIK, region codes)."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.core.errors import ValidationError
from lindungi.registry.rules import (
    IdentifierError,
    NikInfo,
    check_nik_matches,
    name_search_key,
    name_tokens,
    normalise_kpj,
    normalise_nib,
    normalise_npp,
    normalise_phone,
    normalise_region_code,
    parse_nik,
    validate_nik,
)

TODAY = date(2026, 5, 1)
# Current districts plus 64.04.01, a pre-2012 Kaltim code now under Kalimantan Utara (§5.1).
DISTRICTS = frozenset({"640201", "640401", "611201", "647201"})
KNOWN = DISTRICTS.__contains__

BAD_DATE = "Tanggal lahir dalam NIK tidak valid"


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.errors


# --- NIK -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "born", "sex", "serial"),
    [
        ("6402011208850001", "640201", date(1985, 8, 12), "L", "0001"),  # man, Kutai Kartanegara
        ("6402015208850001", "640201", date(1985, 8, 12), "P", "0001"),  # woman: day 12 + 40
        ("6404011208850001", "640401", date(1985, 8, 12), "L", "0001"),  # historic Kaltim code
        ("6112014608920123", "611201", date(1992, 8, 6), "P", "0123"),  # Kubu Raya
        ("6402017101850001", "640201", date(1985, 1, 31), "P", "0001"),  # 71 - 40 = 31 January
        ("6402014101850001", "640201", date(1985, 1, 1), "P", "0001"),  # 41 - 40 = 1
        ("6402011208100001", "640201", date(2010, 8, 12), "L", "0001"),  # YY 10 -> 2010
        ("6402011208300001", "640201", date(1930, 8, 12), "L", "0001"),  # YY 30 -> 1930
        ("6402010105260001", "640201", date(2026, 5, 1), "L", "0001"),  # born today
        ("6402012902000001", "640201", date(2000, 2, 29), "L", "0001"),  # leap day 2000
        ("6472013112999999", "647201", date(1999, 12, 31), "L", "9999"),
        ("'6402 0112 0885 0001", "640201", date(1985, 8, 12), "L", "0001"),  # spreadsheet text
        ("6402.0112.0885.0001", "640201", date(1985, 8, 12), "L", "0001"),
    ],
)
def test_parse_nik_valid(raw: str, region: str, born: date, sex: str, serial: str) -> None:
    info = parse_nik(raw, region_known=KNOWN, today=TODAY)
    assert info == NikInfo(
        raw.strip("'").replace(" ", "").replace(".", ""), region, born, sex, serial
    )


@pytest.mark.parametrize(
    ("raw", "messages"),
    [
        (
            "640201120885000",
            ["NIK harus 16 digit (NIK must be 16 digits): 15 digit diberikan (15 given)"],
        ),
        (
            "64020112088500011",
            ["NIK harus 16 digit (NIK must be 16 digits): 17 digit diberikan (17 given)"],
        ),
        ("", ["NIK harus 16 digit (NIK must be 16 digits): 0 digit diberikan (0 given)"]),
        (
            "64O2011208850001",
            [
                "NIK hanya boleh berisi angka: 'O' pada posisi 3 (NIK must contain digits only:"
                " 'O' at position 3)"
            ],
        ),
        (
            "6.40212E+15",
            [
                "NIK tertulis dalam notasi ilmiah sehingga digitnya hilang; format kolom sebagai"
                " teks"
                " (NIK is in scientific notation, e.g. 6.40212E+15, so digits were lost; format the"
                " column as text)"
            ],
        ),
        (
            "6404991208850001",
            ["Kode wilayah NIK 640499 tidak dikenal (region of issue 64.04.99 unknown)"],
        ),
        (
            "4002011208850001",
            [
                "Kode provinsi NIK 40 tidak valid (province part 40: first digit 1-3 or 5-9"
                " (island group), second 1-9)"
            ],
        ),
        (
            "6470011208850001",
            [
                "Kode kabupaten/kota NIK 70 tidak valid (regency/city part 70: 01-69 kabupaten,"
                " 71-99 kota)"
            ],
        ),
        (
            "6402001208850001",
            ["Kode kecamatan NIK 00 tidak valid (district part 00: districts start at 01)"],
        ),
        (
            "6402013102850001",
            [f"{BAD_DATE}: 31-02-85 (birth date part 310285 is not a real date)"],
        ),
        (
            "6402013002900001",
            [f"{BAD_DATE}: 30-02-90 (birth date part 300290 is not a real date)"],
        ),
        (
            "6402017102850001",  # woman, 71 - 40 = 31 February
            [f"{BAD_DATE}: 31-02-85 (birth date part 710285 is not a real date)"],
        ),
        (
            "6402012902230001",  # 2023 is no leap year, nor is 1923
            [f"{BAD_DATE}: 29-02-23 (birth date part 290223 is not a real date)"],
        ),
        (
            "6402017202850001",
            [f"{BAD_DATE}: hari 72 (day part 72 is neither 01-31 for men nor 41-71 for women)"],
        ),
        (
            "6402013502850001",
            [f"{BAD_DATE}: hari 35 (day part 35 is neither 01-31 for men nor 41-71 for women)"],
        ),
        (
            "6402010008850001",
            [f"{BAD_DATE}: hari 00 (day part 00 is neither 01-31 for men nor 41-71 for women)"],
        ),
        ("6402011213850001", [f"{BAD_DATE}: bulan 13 (month part 13 is not 01-12)"]),
        ("6402011200850001", [f"{BAD_DATE}: bulan 00 (month part 00 is not 01-12)"]),
        (
            "6402010205260001",  # 2 May 2026, the day after TODAY
            [
                "Tanggal lahir dalam NIK di masa depan: 02-05-2026 (birth date part 020526 is"
                " after today)"
            ],
        ),
        (
            "6402011208850000",
            ["Nomor urut NIK 0000 tidak valid (serial part 0000: serials start at 0001)"],
        ),
        (
            "6404991213850000",  # every bad part reported at once
            [
                "Kode wilayah NIK 640499 tidak dikenal (region of issue 64.04.99 unknown)",
                f"{BAD_DATE}: bulan 13 (month part 13 is not 01-12)",
                "Nomor urut NIK 0000 tidak valid (serial part 0000: serials start at 0001)",
            ],
        ),
    ],
)
def test_parse_nik_invalid(raw: str, messages: list[str]) -> None:
    with pytest.raises(IdentifierError) as exc:
        parse_nik(raw, region_known=KNOWN, today=TODAY)
    assert _errors(exc) == {"nik": messages}
    assert isinstance(exc.value, ValidationError)
    if len(raw) >= 16:
        assert raw not in exc.value.message  # personal data stays out of messages and logs


def test_region_known_is_asked_for_the_six_digit_district() -> None:
    asked: list[str] = []

    def known(code: str) -> bool:
        asked.append(code)
        return True

    parse_nik("6402011208850001", region_known=known, today=TODAY)
    assert asked == ["640201"]


MAN = parse_nik("6402011208850001", region_known=KNOWN, today=TODAY)
WOMAN = parse_nik("6402015208850001", region_known=KNOWN, today=TODAY)
SEX_WOMAN_BUT_L = (
    "Jenis kelamin tidak cocok: NIK menunjukkan perempuan (hari+40) tetapi data L"
    " (sex mismatch: day part 52 marks a woman (day + 40) but the record says L)"
)
SEX_MAN_BUT_P = (
    "Jenis kelamin tidak cocok: NIK menunjukkan laki-laki (hari 01-31) tetapi data P"
    " (sex mismatch: day part 12 marks a man (day 01-31) but the record says P)"
)


@pytest.mark.parametrize(
    ("info", "birth_date", "sex"),
    [
        (MAN, date(1985, 8, 12), "L"),
        (WOMAN, date(1985, 8, 12), "P"),
        (MAN, None, None),
        (MAN, date(1885, 8, 12), None),  # only DD MM YY are in the NIK: the record's century wins
        (MAN, None, "X"),  # not L/P: the caller's own field error, not a NIK mismatch
    ],
)
def test_check_nik_matches_ok(info: NikInfo, birth_date: date | None, sex: str | None) -> None:
    assert check_nik_matches(info, birth_date=birth_date, sex=sex) == []


@pytest.mark.parametrize(
    ("info", "birth_date", "sex", "errors"),
    [
        (WOMAN, date(1985, 8, 12), "L", {"sex": [SEX_WOMAN_BUT_L]}),
        (MAN, None, "P", {"sex": [SEX_MAN_BUT_P]}),
        (
            MAN,
            date(1985, 8, 13),
            "L",
            {
                "birth_date": [
                    "Tanggal lahir tidak cocok dengan NIK: hari 12 di NIK, 13 di data"
                    " (birth date does not match: day 12 in the NIK, 13 in the record)"
                ]
            },
        ),
        (
            WOMAN,
            date(1986, 9, 12),
            "L",
            {
                "sex": [SEX_WOMAN_BUT_L],
                "birth_date": [
                    "Tanggal lahir tidak cocok dengan NIK: bulan 08 di NIK, 09 di data; tahun 85"
                    " di NIK, 86 di data (birth date does not match: month 08 in the NIK, 09 in"
                    " the record; 2-digit year 85 in the NIK, 86 in the record)"
                ],
            },
        ),
    ],
)
def test_check_nik_matches_mismatch(
    info: NikInfo, birth_date: date | None, sex: str | None, errors: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as exc:
        check_nik_matches(info, birth_date=birth_date, sex=sex)
    assert _errors(exc) == errors
    # PP 40/2019 Pasal 30(2): the NIK stays; a lenient caller gets the same words as warnings.
    warnings = check_nik_matches(info, birth_date=birth_date, sex=sex, strict=False)
    assert warnings == [m for messages in errors.values() for m in messages]


def test_validate_nik_parses_then_checks_strictly() -> None:
    info = validate_nik(
        "6402015208850001", region_known=KNOWN, today=TODAY, birth_date=date(1985, 8, 12), sex="P"
    )
    assert (info.region_code, info.birth_date, info.sex) == ("640201", date(1985, 8, 12), "P")
    with pytest.raises(ValidationError) as exc:
        validate_nik("6402015208850001", region_known=KNOWN, today=TODAY, sex="L")
    assert _errors(exc) == {"sex": [SEX_WOMAN_BUT_L]}
    with pytest.raises(IdentifierError) as bad:
        validate_nik("6402013102850001", region_known=KNOWN, today=TODAY, sex="L")
    assert list(_errors(bad)) == ["nik"]


# --- KPJ, NPP, NIB ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345678901", "12345678901"),
        ("123 4567 8901", "12345678901"),
        ("1234-5678-901", "12345678901"),
    ],
)
def test_normalise_kpj_valid(raw: str, expected: str) -> None:
    assert normalise_kpj(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "1234567890",
            "Nomor KPJ harus 11 digit (KPJ number must be 11 digits): 10 digit diberikan (10"
            " given)",
        ),
        (
            "123456789012",
            "Nomor KPJ harus 11 digit (KPJ number must be 11 digits): 12 digit diberikan (12"
            " given)",
        ),
        (
            "1234567890A",
            "Nomor KPJ hanya boleh berisi angka: 'A' pada posisi 11 (KPJ number must contain"
            " digits only: 'A' at position 11)",
        ),
    ],
)
def test_normalise_kpj_invalid(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_kpj(raw)
    assert _errors(exc) == {"kpj": [message]}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AB123456", "AB123456"),
        ("ab 123456", "AB123456"),
        ("'AB-123456", "AB123456"),
        ("12345678", "12345678"),
    ],
)
def test_normalise_npp_valid(raw: str, expected: str) -> None:
    assert normalise_npp(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "AB12345",
            "NPP harus 8 karakter: 2 huruf + 6 angka atau 8 angka (NPP must be 8 characters:"
            " 2 letters + 6 digits, or 8 digits): 7 karakter diberikan",
        ),
        ("AB12345C", "NPP: bagian nomor 12345C harus 6 angka (NPP number part 12345C: 6 digits)"),
        ("ABC12345", "NPP: bagian nomor C12345 harus 6 angka (NPP number part C12345: 6 digits)"),
        (
            "A1234567",
            "NPP: awalan A1 harus 2 huruf atau 2 angka (NPP prefix A1 must be 2 letters, or 2"
            " digits)",
        ),
        (
            "ÄB123456",
            "NPP: awalan ÄB harus 2 huruf atau 2 angka (NPP prefix ÄB must be 2 letters, or 2"
            " digits)",
        ),
    ],
)
def test_normalise_npp_invalid(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_npp(raw)
    assert _errors(exc) == {"npp": [message]}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1234567890123", "1234567890123"), ("1234 5678 90123", "1234567890123")],
)
def test_normalise_nib_valid(raw: str, expected: str) -> None:
    assert normalise_nib(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "123456789012",
            "NIB harus 13 digit (NIB must be 13 digits): 12 digit diberikan (12 given)",
        ),
        (
            "12345678901234",
            "NIB harus 13 digit (NIB must be 13 digits): 14 digit diberikan (14 given)",
        ),
        (
            "1,23457E+12",
            "NIB tertulis dalam notasi ilmiah sehingga digitnya hilang; format kolom sebagai teks"
            " (NIB is in scientific notation, e.g. 6.40212E+15, so digits were lost; format the"
            " column as text)",
        ),
        (
            "NIB1234567890",
            "NIB hanya boleh berisi angka: 'N' pada posisi 1 (NIB must contain digits only:"
            " 'N' at position 1)",
        ),
    ],
)
def test_normalise_nib_invalid(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_nib(raw)
    assert _errors(exc) == {"nib": [message]}


# --- region codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "level", "expected"),
    [
        ("64.02.01.2001", None, "6402012001"),
        ("6402012001", 4, "6402012001"),
        ("61.12.01.2001", 4, "6112012001"),  # Sungai Raya, Kubu Raya (§5.3)
        ("64.72.01.1001", 4, "6472011001"),  # a kelurahan in Kota Samarinda
        ("11.01.01.3001", 4, "1101013001"),  # prefix 3 occurs in idn-area-data (§5.2)
        ("64", 1, "64"),
        ("64.72", 2, "6472"),
        ("6402", 2, "6402"),
        ("61.12.01", 3, "611201"),
        (" 65.71 ", None, "6571"),
    ],
)
def test_normalise_region_code_valid(raw: str, level: int | None, expected: str) -> None:
    assert normalise_region_code(raw, level=level) == expected


@pytest.mark.parametrize(
    ("raw", "level", "message"),
    [
        (
            "64.2.01",
            None,
            "Kode wilayah: bagian kabupaten/kota '2' harus 2 angka (region code: regency/city part"
            " '2' must be 2 digits)",
        ),
        (
            "64.02.01.201",
            None,
            "Kode wilayah: bagian desa/kelurahan '201' harus 4 angka (region code: village part"
            " '201' must be 4 digits)",
        ),
        (
            "6402011",
            None,
            "Kode wilayah harus 2, 4, 6 atau 10 angka, boleh bertitik (region code must be 2, 4, 6"
            " or 10 digits, dots allowed): '6402011'",
        ),
        (
            "64-02",
            None,
            "Kode wilayah harus 2, 4, 6 atau 10 angka, boleh bertitik (region code must be 2, 4, 6"
            " or 10 digits, dots allowed): '64-02'",
        ),
        (
            "64.02.01.2001.1",
            None,
            "Kode wilayah 64.02.01.2001.1 terlalu banyak bagian (region code has over 4 parts)",
        ),
        (
            "40",
            None,
            "Kode provinsi 40 tidak valid (province part 40: first digit 1-3 or 5-9 (island group),"
            " second 1-9)",
        ),
        (
            "64.00",
            None,
            "Kode kabupaten/kota 00 tidak valid (regency/city part 00: 01-69 kabupaten, 71-99"
            " kota)",
        ),
        (
            "64.70",
            None,
            "Kode kabupaten/kota 70 tidak valid (regency/city part 70: 01-69 kabupaten, 71-99"
            " kota)",
        ),
        (
            "64.02.00",
            None,
            "Kode kecamatan 00 tidak valid (district part 00: districts start at 01)",
        ),
        (
            "64.02.01.4001",
            None,
            "Kode desa/kelurahan 4001 tidak valid (village part 4001: first digit 1 kelurahan,"
            " 2 desa (3 also occurs), then 001-999)",
        ),
        (
            "64.02.01.2000",
            None,
            "Kode desa/kelurahan 2000 tidak valid (village part 2000: first digit 1 kelurahan,"
            " 2 desa (3 also occurs), then 001-999)",
        ),
        (
            "64.02.01",
            4,
            "Kode wilayah 64.02.01 adalah kode kecamatan, bukan desa/kelurahan (region code is a"
            " district code, expected a village code)",
        ),
    ],
)
def test_normalise_region_code_invalid(raw: str, level: int | None, message: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_region_code(raw, level=level)
    assert _errors(exc) == {"region_code": [message]}


def test_normalise_region_code_reports_under_the_callers_field() -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_region_code("64.02.01", level=4, field="village_code")
    assert list(_errors(exc)) == ["village_code"]


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("0062 812 3456 7890", "+6281234567890"),
        ("0812.345.678", "+62812345678"),  # 10 digits with the 0: shortest mobile
        ("0812-3456-78901", "+62812345678901"),  # 13 digits with the 0: longest mobile
        ("(0541) 123456", "+62541123456"),  # Samarinda
        ("0541-7654321", "+625417654321"),
        ("021-12345678", "+622112345678"),  # Jakarta
        ("0536 21234", "+6253621234"),  # 9 digits with the 0: shortest landline
    ],
)
def test_normalise_phone_valid(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Nomor telepon kosong (phone number is empty)"),
        (
            "0812-3456-789O",
            "Nomor telepon hanya boleh berisi angka: 'O' pada posisi 12 (phone number must"
            " contain digits only: 'O' at position 12)",
        ),
        (
            "+6208123456789",
            "Setelah kode negara 62 awalan 0 harus dihapus (drop the leading 0 after country code"
            " 62: +62 8..., not +62 08...)",
        ),
        ("+65 8123 4567", "Kode negara harus +62 (country code must be +62)"),
        (
            "0812345",
            "Nomor seluler harus 9-12 digit setelah 62 (10-13 dengan awalan 0): 6 digit (mobile"
            " number must have 9-12 digits after 62, 10-13 with the leading 0: 6 given)",
        ),
        (
            "0812-3456-789012",
            "Nomor seluler harus 9-12 digit setelah 62 (10-13 dengan awalan 0): 13 digit (mobile"
            " number must have 9-12 digits after 62, 10-13 with the leading 0: 13 given)",
        ),
        (
            "0541-1234",
            "Nomor telepon tetap harus 8-10 digit setelah 62 (9-11 dengan awalan 0 dan kode"
            " area): 7 digit (landline must have 8-10 digits after 62, 9-11 with the leading 0:"
            " 7 given)",
        ),
        (
            "021-123456789",
            "Nomor telepon tetap harus 8-10 digit setelah 62 (9-11 dengan awalan 0 dan kode"
            " area): 11 digit (landline must have 8-10 digits after 62, 9-11 with the leading 0:"
            " 11 given)",
        ),
        (
            "0800-1-234567",
            "Nomor 080x adalah nomor layanan, bukan nomor pribadi (080x numbers are toll-free"
            " services, not personal phones)",
        ),
        (
            "0112345678",
            "Awalan '1' bukan nomor Indonesia (seluler 08, kode area 02-07 atau 09) (after 62"
            " comes 8 for mobiles or an area code starting 2-7 or 9)",
        ),
    ],
)
def test_normalise_phone_invalid(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError) as exc:
        normalise_phone(raw)
    assert _errors(exc) == {"phone": [message]}


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "key"),
    [
        ("Muhammad Rizki", "muhamad rizki"),
        ("Muhamad Rizky", "muhamad rizki"),
        ("H. Moh. Rizqi, S.Pd.", "muhamad rizki"),
        ("H.Moh.Rizqi", "muhamad rizki"),
        ("M. Rizki", "muhamad rizki"),
        ("Mochammad Rizky", "muhamad rizki"),
        ("Mhd Rizki", "muhamad rizki"),
        ("Mohammed Rizki", "muhamad rizki"),
        ("Hj. Siti Fatimah, S.E.", "siti fatima"),
        ("SITI FATIMA", "siti fatima"),
        ("Soeharto", "suharto"),
        ("Djoko Susilo", "joko susilo"),
        ("Tjahjo Kumolo", "cahio kumolo"),  # old spelling: tj = c, j = y
        ("Cahyo Kumolo", "cahio kumolo"),
        ("Soejono", "suiono"),
        ("Achmad Syaifuddin", "ahmad saifudin"),
        ("Akhmad Saefudin", "ahmad saifudin"),
        ("Ramadhan bin Abdullah", "ramadan abdula"),
        ("Ramadan Abdulah", "ramadan abdula"),
        ("Nur-Aini bt. Sulaiman", "nur aini sulaiman"),
        ("Nur Aini binti Sulaiman", "nur aini sulaiman"),
        ("Stephanus Dwi", "stefanus dwi"),
        ("Khairul Anwar", "hairul anwar"),
        ("Chairul Anwar", "hairul anwar"),
        ("Dzulkifli", "zulkifli"),
        ("Zaenal Arifin", "zainal arifin"),
        ("Évi Novianti", "efi nofianti"),
        ("Ma'ruf Amin", "maruf amin"),
        ("Ma\u2019ruf Amin", "maruf amin"),
        ("Prof. Dr. H. Taufiq Hidayat, M.M.", "taufik hidaiat"),
        ("Dr. Ir. Yohanes Sitorus, M.Si.", "iohanes sitorus"),
        ("K.H. Ahmad Dahlan", "ahmad dahlan"),
        ("Budi Santoso, S.T., M.T.", "budi santoso"),
        ("Rizki S. Pd.", "rizki"),
        ("Siti Rahmawati, A.Md.Keb.", "siti rahmawati"),
        ("Syamsul Bahri", "samsul bahri"),
        ("Rachmat Djajadi", "rahmat jaiadi"),  # dj marks old spelling, so its j is a y
        ("Alexander", "aleksander"),
        ("Budi M.", "budi m"),  # a final initial is not Muhammad
        ("Jack Ma", "jack ma"),  # undotted "Ma" is a name, M.A. a degree
        ("Santoso, Budi", "santoso budi"),
        ("Haji", "haji"),  # never strip a name to nothing
        ("", ""),
    ],
)
def test_name_search_key(full_name: str, key: str) -> None:
    assert name_search_key(full_name) == key


@pytest.mark.parametrize(
    "variants",
    [
        ["Muhammad Rizki", "Muhamad Rizky", "H. Moh. Rizqi, S.Pd."],
        ["Siti Fatimah", "Siti Fatima", "Hj. Siti Fatimah, S.E."],
        ["Khairul", "Chairul", "Hairul"],
        ["Saifuddin", "Syaifudin", "Saefudin"],
    ],
)
def test_name_variants_share_a_key(variants: list[str]) -> None:
    assert len({name_search_key(v) for v in variants}) == 1


def test_name_key_is_stable_under_folding_again() -> None:
    key = name_search_key("Prof. Dr. H. Mochammad Rizqi bin Abdullah, S.Pd.I., M.Si.")
    assert key == "muhamad rizki abdula"
    assert name_search_key(key) == key


def test_name_tokens() -> None:
    assert name_tokens(name_search_key("H. Moh. Rizqi, S.Pd.")) == ["muhamad", "rizki"]
    assert name_tokens("") == []
