"""Rebuild the vendored region files from their upstream sources (maintainer tool, not runtime).

    python -m lindungi.reference.vendor regions PACKAGE_DIR
        PACKAGE_DIR = an unpacked `npm pack idn-area-data@4.0.1` (its data/*.csv)
    python -m lindungi.reference.vendor historic PACKAGE_DIR ARCHIVE.sql [ARCHIVE.sql ...]
        ARCHIVE = cahyadsn/wilayah db/archive/wilayah_<year>.sql (older Kemendagri lists)

Output goes to lindungi/reference/data/. The app reads only the output, never these sources.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
LEVEL_FILES = ("provinces", "regencies", "districts", "villages")
HISTORIC_COLUMNS = ("code", "level", "name", "parent", "successor", "successor_by", "source")

# Kalimantan Utara (UU 20/2012) took these Kalimantan Timur codes. Regency codes per a
# third-party copy of an older Kemendagri list; district suffixes are assumed kept (inference).
KALTARA_1999_2012 = {
    "6404": ("6501", "Kabupaten Bulungan"),
    "6405": ("6503", "Kabupaten Nunukan"),
    "6406": ("6502", "Kabupaten Malinau"),
    "6410": ("6504", "Kabupaten Tana Tidung"),
    "6473": ("6571", "Kota Tarakan"),
}
KALTARA_SOURCE = "inferred: Kaltim code before UU 20/2012, district suffix kept"

# (file year, decree) of each cahyadsn/wilayah archive, newest first.
ARCHIVES = {
    "2023": "Kepmendagri 100.1.1-6117/2022",
    "2022": "Permendagri 58/2021 (Kepmendagri 050-145/2022)",
    "2020": "Permendagri 72/2019 (Kepmendagri 146.1-4717/2020)",
    "2018": "Permendagri 137/2017",
    "2016": "Permendagri 56/2015",
}
_ROW = re.compile(r"""\(\s*["']([0-9.]+)["']\s*,\s*["']((?:[^"'\\]|\\.)*)["']""")


def read_package(package_dir: Path) -> dict[str, str]:
    """Undotted code → name for all four levels of an unpacked idn-area-data package."""
    names: dict[str, str] = {}
    for level in LEVEL_FILES:
        with (package_dir / "data" / f"{level}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                names[row["code"].replace(".", "")] = row["name"].strip()
    return names


def write_regions(names: dict[str, str], out: Path) -> None:
    """One gzip'd CSV (code,name), sorted; mtime 0 so rebuilding gives identical bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(sorted(names.items()))
    with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def read_archive(path: Path) -> dict[str, str]:
    """Undotted province/regency/district code → name from one archived SQL dump."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return {
        m.group(1).replace(".", ""): m.group(2).replace("\\'", "'").strip()
        for m in _ROW.finditer(text)
        if len(m.group(1)) <= 8
    }


def _norm(name: str) -> str:
    name = re.sub(r"^(KABUPATEN|KAB\.?|KOTA)\s+", "", name.upper().strip())
    return " ".join(name.replace("-", " ").split())


def _regency_name(name: str) -> str:
    upper = name.upper()
    kind = "Kota" if upper.startswith("KOTA") else "Kabupaten"
    return f"{kind} {_norm(name).title()}"


def _match(name: str, candidates: dict[str, str]) -> tuple[str | None, str]:
    exact = [code for code, cand in candidates.items() if _norm(cand) == _norm(name)]
    if len(exact) == 1:
        return exact[0], "name"
    by_norm = {_norm(cand): code for code, cand in candidates.items()}
    close = difflib.get_close_matches(_norm(name), list(by_norm), n=1, cutoff=0.7)
    return (by_norm[close[0]], "similar name") if close else (None, "")


def kaltara_rows(current: dict[str, str]) -> list[dict[str, str]]:
    rows = []
    for old, (new, name) in sorted(KALTARA_1999_2012.items()):
        rows.append(_historic(old, 2, name, "64", new, "code", KALTARA_SOURCE))
        for code in sorted(c for c in current if len(c) == 6 and c.startswith(new)):
            rows.append(
                _historic(old + code[4:], 3, current[code], old, code, "suffix", KALTARA_SOURCE)
            )
    return rows


def archive_rows(
    current: dict[str, str], archives: dict[str, dict[str, str]]
) -> list[dict[str, str]]:
    """Regencies and districts of older lists that today's list no longer has, with successors."""
    gone: dict[str, tuple[str, str]] = {}
    for year in sorted(archives, reverse=True):
        for code, name in archives[year].items():
            if len(code) in (4, 6) and code not in current and code not in gone:
                gone[code] = (name, year)
    regencies = {c: n for c, n in current.items() if len(c) == 4}
    successor: dict[str, str | None] = {}
    rows = []
    for code, (name, year) in sorted(gone.items()):
        source = f"{ARCHIVES[year]} (archive)"
        if len(code) == 4:
            # Regency numbers 71-99 are cities: Kota Sorong must not succeed Kabupaten Sorong.
            same_kind = {c: n for c, n in regencies.items() if (c[2] >= "7") == (code[2] >= "7")}
            successor[code], how = _match(name, same_kind)
            rows.append(
                _historic(code, 2, _regency_name(name), code[:2], successor[code], how, source)
            )
            continue
        new_regency = successor.get(code[:4])
        districts = {c: n for c, n in current.items() if len(c) == 6 and c[:4] == new_regency}
        new, how = _match(name, districts) if new_regency else (None, "")
        rows.append(_historic(code, 3, name, code[:4], new, how, source))
    return rows


def _historic(
    code: str, level: int, name: str, parent: str, successor: str | None, by: str, source: str
) -> dict[str, str]:
    return {
        "code": code,
        "level": str(level),
        "name": name,
        "parent": parent,
        "successor": successor or "",
        "successor_by": by if successor else "",
        "source": source,
    }


def write_historic(rows: Iterable[dict[str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HISTORIC_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["code"]))


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "regions":
        write_regions(read_package(Path(argv[1])), DATA_DIR / "regions.csv.gz")
        return 0
    if len(argv) >= 3 and argv[0] == "historic":
        current = {c: n for c, n in read_package(Path(argv[1])).items() if len(c) <= 6}
        archives = {p.stem.rsplit("_", 1)[-1]: read_archive(p) for p in map(Path, argv[2:])}
        rows = kaltara_rows(current) + archive_rows(current, archives)
        write_historic(rows, DATA_DIR / "historic_regions.csv")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
