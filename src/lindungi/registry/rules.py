"""Identifiers and names as they enter: NIK, KPJ, NPP, NIB, region codes, phones, name keys.

Pure functions over plain values: the clock (`today`) and the list of known districts
(`region_known`) are passed in. Every error is a ValidationError keyed by the field; its
message names the part of the value that is wrong, in Bahasa Indonesia with English in
parentheses. Messages never repeat a whole NIK or phone number (personal data). The rules and
their sources are written up in docs/identifiers.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from lindungi.core.errors import ValidationError


class IdentifierError(ValidationError):
    """An identifier broke its format; `errors[field]` lists messages naming the bad parts."""

    def __init__(self, field: str, messages: str | list[str]) -> None:
        super().__init__({field: messages})


_SEPARATORS = re.compile(r"[\s.\-]+")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")


def _dotted(code: str) -> str:
    return ".".join(p for p in (code[0:2], code[2:4], code[4:6], code[6:10]) if p)


def _trimmed(raw: str) -> str:
    # A leading apostrophe is how spreadsheet users force a number to stay text.
    return raw.strip().removeprefix("'").strip()


def _clean_digits(raw: str, *, field: str, names: tuple[str, str], length: int) -> str:
    """`raw` without spaces, dots and hyphens, checked to be exactly `length` ASCII digits."""
    idn, eng = names
    text = _trimmed(raw)
    if len(text) == length and text.isascii() and text.isdigit():
        return text  # the common case, decided without the checks below (a million rows a file)
    if _SCIENTIFIC.fullmatch(text):
        raise IdentifierError(
            field,
            f"{idn} tertulis dalam notasi ilmiah sehingga digitnya hilang; format kolom sebagai"
            f" teks ({eng} is in scientific notation, e.g. 6.40212E+15, so digits were lost;"
            " format the column as text)",
        )
    for position, char in enumerate(text, 1):
        if char not in "0123456789" and not _SEPARATORS.fullmatch(char):
            raise IdentifierError(
                field,
                f"{idn} hanya boleh berisi angka: '{char}' pada posisi {position}"
                f" ({eng} must contain digits only: '{char}' at position {position})",
            )
    value = _SEPARATORS.sub("", text)
    if len(value) != length:
        raise IdentifierError(
            field,
            f"{idn} harus {length} digit ({eng} must be {length} digits):"
            f" {len(value)} digit diberikan ({len(value)} given)",
        )
    return value


# --- region codes (Permendagri 137/2017 Pasal 4) -------------------------------------------

_LEVELS = {1: ("provinsi", "province"), 2: ("kabupaten/kota", "regency/city")}
_LEVELS |= {3: ("kecamatan", "district"), 4: ("desa/kelurahan", "village")}
_SEGMENT_LENGTHS = (2, 2, 2, 4)


def _segment_problem(index: int, part: str, *, context: str = "") -> str | None:
    """Why one segment (0 province .. 3 village) is structurally impossible, or None."""
    idn, eng = _LEVELS[index + 1]
    if index == 0 and (part[0] not in "12356789" or part[1] == "0"):
        rule = "first digit 1-3 or 5-9 (island group), second 1-9"
    elif index == 1 and part in ("00", "70"):
        rule = "01-69 kabupaten, 71-99 kota"
    elif index == 2 and part == "00":
        rule = "districts start at 01"
    elif index == 3 and (part[0] not in "123" or part[1:] == "000"):
        rule = "first digit 1 kelurahan, 2 desa (3 also occurs), then 001-999"
    else:
        return None
    return f"Kode {idn}{context} {part} tidak valid ({eng} part {part}: {rule})"


def _split_region(text: str, field: str) -> list[str]:
    if "." not in text:
        if not text.isascii() or not text.isdigit() or len(text) not in (2, 4, 6, 10):
            raise IdentifierError(
                field,
                "Kode wilayah harus 2, 4, 6 atau 10 angka, boleh bertitik"
                f" (region code must be 2, 4, 6 or 10 digits, dots allowed): '{text}'",
            )
        return [text[a:b] for a, b in ((0, 2), (2, 4), (4, 6), (6, 10)) if len(text) > a]
    segments = text.split(".")
    if len(segments) > len(_SEGMENT_LENGTHS):
        raise IdentifierError(
            field, f"Kode wilayah {text} terlalu banyak bagian (region code has over 4 parts)"
        )
    for index, (part, size) in enumerate(zip(segments, _SEGMENT_LENGTHS, strict=False)):
        if len(part) != size or not part.isascii() or not part.isdigit():
            idn, eng = _LEVELS[index + 1]
            raise IdentifierError(
                field,
                f"Kode wilayah: bagian {idn} '{part}' harus {size} angka"
                f" (region code: {eng} part '{part}' must be {size} digits)",
            )
    return segments


def normalise_region_code(
    code: str, *, level: int | None = None, field: str = "region_code"
) -> str:
    """A Kemendagri code, dotted or not, returned undotted ("64.02.01.2001" -> "6402012001")."""
    segments = _split_region(code.strip(), field)
    problems = [p for i, s in enumerate(segments) if (p := _segment_problem(i, s))]
    if problems:
        raise IdentifierError(field, problems)
    if level is not None and len(segments) != level:
        got, want = _LEVELS[len(segments)], _LEVELS[level]
        raise IdentifierError(
            field,
            f"Kode wilayah {'.'.join(segments)} adalah kode {got[0]}, bukan {want[0]}"
            f" (region code is a {got[1]} code, expected a {want[1]} code)",
        )
    return "".join(segments)


# --- NIK (UU 23/2006 Pasal 13; PP 40/2019 Pasal 30) -----------------------------------------


class NikInfo(NamedTuple):
    """What a NIK says about its holder; `birth_date` carries the inferred century. (A tuple:
    an import decodes a NIK per row, and a frozen dataclass costs three times as much to build.)"""

    nik: str
    region_code: str  # district of first issue, 6 digits, undotted
    birth_date: date
    sex: str  # "L" or "P"
    serial: str


# A file's NIKs share a few hundred regions and some 20,000 birth parts: the pure checks of
# each are decided once per process (the caller's region_known is asked every time).
@lru_cache(maxsize=4096)
def _nik_segment_problems(code: str) -> tuple[str, ...]:
    segments = [code[0:2], code[2:4], code[4:6]]
    return tuple(p for i, s in enumerate(segments) if (p := _segment_problem(i, s, context=" NIK")))


def _nik_region_problems(code: str, region_known: Callable[[str], bool]) -> list[str]:
    problems = list(_nik_segment_problems(code))
    if not problems and not region_known(code):
        problems.append(
            f"Kode wilayah NIK {code} tidak dikenal (region of issue {_dotted(code)} unknown)"
        )
    return problems


@lru_cache(maxsize=65536)
def _nik_birth(part: str, today: date) -> tuple[date, str] | str:
    """Birth date and sex from DDMMYY (women: day + 40), or the message naming the bad part."""
    dd, mm, yy = int(part[0:2]), int(part[2:4]), int(part[4:6])
    bad = "Tanggal lahir dalam NIK tidak valid"
    if not (1 <= dd <= 31 or 41 <= dd <= 71):
        return (
            f"{bad}: hari {part[0:2]}"
            f" (day part {part[0:2]} is neither 01-31 for men nor 41-71 for women)"
        )
    if not 1 <= mm <= 12:
        return f"{bad}: bulan {part[2:4]} (month part {part[2:4]} is not 01-12)"
    sex, day = ("P", dd - 40) if dd > 40 else ("L", dd)
    # Two-digit year: this century unless that year is still to come.
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        born = date(year, mm, day)
    except ValueError:
        shown = f"{day:02d}-{part[2:4]}-{part[4:6]}"
        return f"{bad}: {shown} (birth date part {part} is not a real date)"
    if born > today:
        return (
            f"Tanggal lahir dalam NIK di masa depan: {born:%d-%m-%Y}"
            f" (birth date part {part} is after today)"
        )
    return born, sex


def parse_nik(nik: str, *, region_known: Callable[[str], bool], today: date) -> NikInfo:
    """Decode a NIK (PP KK CC DDMMYY SSSS); raise naming every bad part at once."""
    value = _clean_digits(nik, field="nik", names=("NIK", "NIK"), length=16)
    problems = _nik_region_problems(value[0:6], region_known)
    birth = _nik_birth(value[6:12], today)
    if isinstance(birth, str):
        problems.append(birth)
    if value[12:16] == "0000":
        problems.append("Nomor urut NIK 0000 tidak valid (serial part 0000: serials start at 0001)")
    if isinstance(birth, str) or problems:
        raise IdentifierError("nik", problems)
    return NikInfo(value, value[0:6], birth[0], birth[1], value[12:16])


def check_nik_matches(
    info: NikInfo, *, birth_date: date | None, sex: str | None, strict: bool = True
) -> list[str]:
    """Compare a NIK with the record; strict raises on a mismatch, lenient returns warnings.

    PP 40/2019 Pasal 30(2): a NIK is never changed, even when the birth date in it is wrong,
    so a lenient caller (an officer who has seen the KTP) may accept the mismatch. Only the
    digits the NIK holds are compared: day, month and two-digit year, so the record's century
    wins. A `sex` other than L/P is the caller's own field error and is not compared.
    """
    sex_differs = sex in ("L", "P") and sex != info.sex
    held = info.birth_date
    date_differs = birth_date is not None and (held.day, held.month, held.year % 100) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    )
    if not (sex_differs or date_differs):  # the common case: no message is built
        return []
    problems: dict[str, str] = {}
    if sex_differs:
        day_part = info.nik[6:8]
        idn, eng = ("perempuan (hari+40)", "a woman (day + 40)")
        if info.sex == "L":
            idn, eng = ("laki-laki (hari 01-31)", "a man (day 01-31)")
        problems["sex"] = (
            f"Jenis kelamin tidak cocok: NIK menunjukkan {idn} tetapi data {sex}"
            f" (sex mismatch: day part {day_part} marks {eng} but the record says {sex})"
        )
    if date_differs and birth_date is not None:
        pairs = [
            ("hari", "day", held.day, birth_date.day),
            ("bulan", "month", held.month, birth_date.month),
            ("tahun", "2-digit year", held.year % 100, birth_date.year % 100),
        ]
        diffs = [(i, e, f"{n:02d}", f"{r:02d}") for i, e, n, r in pairs if n != r]
        idn = "; ".join(f"{i} {n} di NIK, {r} di data" for i, _, n, r in diffs)
        eng = "; ".join(f"{e} {n} in the NIK, {r} in the record" for _, e, n, r in diffs)
        problems["birth_date"] = (
            f"Tanggal lahir tidak cocok dengan NIK: {idn} (birth date does not match: {eng})"
        )
    if problems and strict:
        raise ValidationError(problems)
    return list(problems.values())


def validate_nik(
    nik: str,
    *,
    region_known: Callable[[str], bool],
    today: date,
    birth_date: date | None = None,
    sex: str | None = None,
) -> NikInfo:
    """Parse a NIK and, strictly, check it against the record's birth date and sex."""
    info = parse_nik(nik, region_known=region_known, today=today)
    check_nik_matches(info, birth_date=birth_date, sex=sex, strict=True)
    return info


# --- KPJ, NPP, NIB ---------------------------------------------------------------------------


def normalise_kpj(raw: str) -> str:
    """The 11-digit BPJS participant card number (KPJ), separators removed."""
    return _clean_digits(raw, field="kpj", names=("Nomor KPJ", "KPJ number"), length=11)


def normalise_nib(raw: str) -> str:
    """The 13-digit OSS business identification number (NIB, PP 5/2021)."""
    return _clean_digits(raw, field="nib", names=("NIB", "NIB"), length=13)


def normalise_npp(raw: str) -> str:
    """The 8-character employer registration number: AA999999 or 99999999 (our assumption)."""
    value = _SEPARATORS.sub("", _trimmed(raw)).upper()
    if len(value) != 8:
        raise IdentifierError(
            "npp",
            f"NPP harus 8 karakter: 2 huruf + 6 angka atau 8 angka (NPP must be 8 characters:"
            f" 2 letters + 6 digits, or 8 digits): {len(value)} karakter diberikan",
        )
    head, tail = value[:2], value[2:]
    if not re.fullmatch(r"[0-9]{6}", tail):
        raise IdentifierError(
            "npp", f"NPP: bagian nomor {tail} harus 6 angka (NPP number part {tail}: 6 digits)"
        )
    if not re.fullmatch(r"[A-Z]{2}|[0-9]{2}", head):
        raise IdentifierError(
            "npp",
            f"NPP: awalan {head} harus 2 huruf atau 2 angka"
            f" (NPP prefix {head} must be 2 letters, or 2 digits)",
        )
    return value


# --- phone numbers ---------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


def _phone_error(idn: str, eng: str) -> IdentifierError:
    return IdentifierError("phone", f"{idn} ({eng})")


def _national_number(text: str) -> str:
    """The digits after +62, whatever prefix the number was written with."""
    if text.startswith("+"):
        rest = text[1:]
    elif text.startswith("00"):  # international dialling prefix
        rest = text[2:]
    elif text.startswith("62"):
        rest = text
    else:
        return text.removeprefix("0")  # national form 08..., 0541..., or 8... without the 0
    if not rest.startswith("62"):
        raise _phone_error("Kode negara harus +62", "country code must be +62")
    if rest.startswith("620"):
        raise _phone_error(
            "Setelah kode negara 62 awalan 0 harus dihapus",
            "drop the leading 0 after country code 62: +62 8..., not +62 08...",
        )
    return rest[2:]


def normalise_phone(raw: str) -> str:
    """An Indonesian phone number in E.164 (+62...): a mobile 8xx or a landline with area code."""
    text = _PHONE_SEPARATORS.sub("", raw.strip())
    if not text:
        raise _phone_error("Nomor telepon kosong", "phone number is empty")
    for position, char in enumerate(text, 1):
        if char not in "0123456789" and not (char == "+" and position == 1):
            raise _phone_error(
                f"Nomor telepon hanya boleh berisi angka: '{char}' pada posisi {position}",
                f"phone number must contain digits only: '{char}' at position {position}",
            )
    national = _national_number(text)
    n, kind = len(national), national[:1]
    if national.startswith("80"):
        raise _phone_error(
            "Nomor 080x adalah nomor layanan, bukan nomor pribadi",
            "080x numbers are toll-free services, not personal phones",
        )
    if kind == "8" and not 9 <= n <= 12:
        raise _phone_error(
            f"Nomor seluler harus 9-12 digit setelah 62 (10-13 dengan awalan 0): {n} digit",
            f"mobile number must have 9-12 digits after 62, 10-13 with the leading 0: {n} given",
        )
    if kind in ("2", "3", "4", "5", "6", "7", "9") and not 8 <= n <= 10:
        raise _phone_error(
            f"Nomor telepon tetap harus 8-10 digit setelah 62 (9-11 dengan awalan 0 dan kode"
            f" area): {n} digit",
            f"landline must have 8-10 digits after 62, 9-11 with the leading 0: {n} given",
        )
    if kind in ("", "0", "1"):
        raise _phone_error(
            f"Awalan '{kind}' bukan nomor Indonesia (seluler 08, kode area 02-07 atau 09)",
            "after 62 comes 8 for mobiles or an area code starting 2-7 or 9",
        )
    return "+62" + national


# --- names -----------------------------------------------------------------------------------


NAME_WITHOUT_LETTERS = "Nama harus memuat huruf (a name must contain letters)"


def name_has_letters(name: str) -> bool:
    """A person's or an employer's name holds at least one letter: "12345", "-" or "=1+1" is a
    spreadsheet's debris, not a name."""
    return any(ch.isalpha() for ch in name)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREFIX_TITLES = _words(
    "h hj hjh haji hajah hajjah kh tgh ust ustad ustadz ustaz ustadzah ustazah prof dr drs dra"
    " drg ir ns apt alm almh almarhum almarhumah ny nn tn sdr sdri bpk bapak ibu"
)
_DEGREES = _words(
    "spd spdi spdsd se sei sh shi skom st sst str ssos sag sip sked skep sfarm spsi shut sp spi"
    " ssi ssn sds skm sak sikom shum sth ssy stp sgz msi mm mpd mh mkes mkom mt msc ma mag"
    " mba meng mhum mak me mp map mkn mars amd amdkep amdkeb amdkes amdfarm amdgz ama amk phd"
    " bsc ba spa spog sppd spb spkk"
)
# Too likely to be a real last name when written as one undotted word.
_DOTTED_ONLY = frozenset({"ma", "ba", "me", "mp", "sp"})
_CONNECTORS = frozenset({"bin", "binti", "binte", "bt", "bte"})
_MUHAMMAD = _words(
    "muhamad muhamat muhamed mohamad mohamat mohamed moh muh mhd mohd"
)  # already folded: muhammad, mochammad, mukhamad, mohammed ... all land here
_APOSTROPHES = re.compile("['`\u2018\u2019\u02bb\u02bc\u00b4]")
_OLD_SPELLING = re.compile(r"oe|dj|tj|sj")
_OLD_MAP = {"oe": "u", "dj": "j", "tj": "c", "sj": "sy", "j": "y"}
_FOLD_MAP = {"ph": "f", "th": "t", "dh": "d", "kh": "h", "ch": "h", "sh": "s", "sy": "s"}
_FOLD_MAP |= {"dz": "z", "ae": "ai", "q": "k", "x": "ks", "v": "f", "y": "i"}
_OLD_RE = re.compile("|".join(_OLD_MAP))
_FOLD_RE = re.compile("|".join(_FOLD_MAP))
_REPEATS = re.compile(r"(.)\1+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(token: str) -> str:
    """Spelling variants of one name token to one form (table in docs/identifiers.md)."""
    if _OLD_SPELLING.search(token):  # pre-1972 spelling: Soejono, Tjahjo, Djojo
        token = _OLD_RE.sub(lambda m: _OLD_MAP[m.group()], token)
    token = _REPEATS.sub(r"\1", _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group()], token))
    return token[:-1] if len(token) > 3 and token.endswith("h") else token


def _title_at_start(pieces: list[str]) -> int:
    """How many leading pieces form an honorific: H., Hj., Dr., K.H. ..."""
    if pieces[0] in _PREFIX_TITLES:
        return 1
    pair = "".join(pieces[:2])  # two one-letter pieces: K.H.
    return 2 if len(pair) == 2 and len(pieces) > 2 and pair in _PREFIX_TITLES else 0


def _degree_at_end(pieces: list[str]) -> int:
    """How many trailing pieces form a degree, written in up to four (S.Pd.I., A.Md.Kep.)."""
    for n in range(min(4, len(pieces) - 1), 0, -1):
        if "".join(pieces[-n:]) in _DEGREES and (n > 1 or pieces[-1] not in _DOTTED_ONLY):
            return n
    return 0


def _strip_titles(pieces: list[str]) -> list[str]:
    """Drop honorifics at the start and degrees at the end, keeping at least one piece."""
    while len(pieces) > 1 and (n := _title_at_start(pieces)):
        pieces = pieces[n:]
    while len(pieces) > 1 and (n := _degree_at_end(pieces)):
        pieces = pieces[:-n]
    return pieces


def name_search_key(full_name: str) -> str:
    """Lower-case ASCII key of a person's name for search and record linkage."""
    text = _APOSTROPHES.sub("", full_name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    pieces = _strip_titles([p for p in _NON_ALNUM.split(text) if p])
    pieces = [p for p in pieces if p not in _CONNECTORS] or pieces
    tokens: list[str] = []
    for index, piece in enumerate(pieces):
        folded = _fold(piece)
        is_initial_m = folded == "m" and index < len(pieces) - 1  # "M. Rizki", not "Budi M."
        tokens.append("muhamad" if folded in _MUHAMMAD or is_initial_m else folded)
    return " ".join(tokens)


def name_tokens(key: str) -> list[str]:
    """The tokens of a name key, in the order of the name."""
    return key.split()
