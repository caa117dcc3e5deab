"""Generated registries and import files with known truth, for evaluation and benchmarks.

Registry people get realistic Indonesian names from the demo's name maker (ethnic groups, Muhammad
variants, Siti/Andi/Awang prefixes, H./Hj., degrees, bin/binti), a birth date, sex, village and a
NIK that encodes them. A file row copies a registry person (or a person not in the registry) and
adds the errors offices make, at the rates in `ERRORS`.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from lindungi.ingest.linkage.registry_source import SCHEMA
from lindungi.ingest.linkage.types import LinkInput
from lindungi.registry.demo.names import GROUPS, MUHAMMAD, NameMaker, build_names
from lindungi.registry.rules import name_search_key

GROUP_SHARE = {"banjar": 0.25, "dayak": 0.1, "kutai": 0.12, "bugis": 0.18, "javanese": 0.25}
GROUP_SHARE |= {"malay": 0.05, "chinese": 0.05}
ERRORS = {
    "nik_missing": 0.20,
    "nik_wrong_digit": 0.05,
    "name_typo": 0.08,
    "name_swap": 0.04,
    "title_added": 0.05,
    "muhammad_variant": 0.5,  # of names with a Muhammad
    "spacing": 0.02,
    "token_dropped": 0.02,
    "day_month_swap": 0.03,
    "date_digit": 0.02,
    "village_moved": 0.08,
    "sex_wrong": 0.002,
}
NEW_SHARE = 0.25  # file rows of people not in the registry
DUPLICATE_SHARE = 0.02  # file rows repeating a person already in the file
REGISTRY_NO_NIK = 0.05
TITLES = ("H. ", "Hj. ", "Drs. ", "Dr. ", "Ir. ")
DEGREES = (", S.Pd.", ", S.E.", ", S.Kom.", ", A.Md.", " S.H.")
FIRST_BIRTH, BIRTH_DAYS = date(1955, 1, 1), 19_000


def fake_index(nik: str) -> str:
    """Stand-in for the keyed blind index when no database keyring is involved."""
    return hashlib.sha256(b"linkage-synth:" + nik.encode()).hexdigest()[:32]


def synthetic_villages(n_regencies: int = 10) -> list[str]:
    return [
        f"64{r:02d}{d:02d}{2000 + v}"
        for r in range(1, n_regencies + 1)
        for d in range(1, 16)
        for v in range(1, 16)
    ]


@dataclass
class FileSet:
    """File rows and, per row, the id of the person it really is."""

    inputs: list[LinkInput]
    truth: list[int]
    niks: list[str | None] | None = None  # the NIK as written in the file, when known


@dataclass
class SynthSet:
    """`registry` in registry_source.COLUMNS; `truth[i]` = person id of file row i."""

    registry: pa.Table
    registry_nik: list[str | None]
    inputs: list[LinkInput]
    truth: list[int]
    file_nik: list[str | None]


def make_people(
    rng: np.random.Generator, n: int, villages: Sequence[str], *, first_id: int = 1
) -> tuple[pa.Table, list[str]]:
    """n distinct people (registry_source.COLUMNS, nik_index = fake index) and their NIKs."""
    maker = NameMaker()
    p = np.array([GROUP_SHARE[g] for g in GROUPS])
    group = rng.choice(len(GROUPS), size=n, p=p / p.sum()).astype(np.int8)
    female = rng.random(n) < 0.5
    offsets = rng.integers(0, BIRTH_DAYS, size=n)
    age = (2026 - (1955 + offsets // 365)).astype(np.int16)
    slots = maker.draw(rng, group=group, female=female, age=age, degree_prob=np.full(n, 0.03))
    distinct, which = build_names(slots, maker)
    village = [villages[i] for i in rng.integers(0, len(villages), size=n)]
    births = [FIRST_BIRTH + timedelta(days=int(o)) for o in offsets]
    sexes = ["P" if f else "L" for f in female.tolist()]
    niks: list[str] = []
    seen: set[str] = set()
    serials = rng.integers(1, 9999, size=n)
    for i in range(n):
        b = births[i]
        day = b.day + (40 if sexes[i] == "P" else 0)
        stem = f"{village[i][:6]}{day:02d}{b.month:02d}{b.year % 100:02d}"
        serial = int(serials[i])
        while (nik := f"{stem}{serial:04d}") in seen:
            serial = serial % 9999 + 1
        seen.add(nik)
        niks.append(nik)
    full = [distinct[i] for i in which.tolist()]
    table = pa.Table.from_pydict(
        {
            "id": list(range(first_id, first_id + n)),
            "full_name": full,
            "name_search": [name_search_key(x) for x in full],
            "birth_date": births,
            "sex": sexes,
            "village_code": village,
            "nik_index": [fake_index(x) for x in niks],
        },
        schema=SCHEMA,
    )
    return table, niks


def generate(
    *, registry_size: int, file_size: int, seed: int, villages: Sequence[str] | None = None
) -> SynthSet:
    """A registry of `registry_size` people and a file of `file_size` rows with known truth."""
    rng = np.random.default_rng(seed)
    villages = list(villages or synthetic_villages())
    n_new = int(file_size * NEW_SHARE)
    people, niks = make_people(rng, registry_size + n_new, villages)
    has_nik = rng.random(registry_size) >= REGISTRY_NO_NIK
    registry = people.slice(0, registry_size)
    indexes = registry["nik_index"].to_pylist()
    registry = registry.set_column(
        6,
        "nik_index",
        pa.array(
            [x if h else None for x, h in zip(indexes, has_nik.tolist(), strict=True)], pa.string()
        ),
    )
    registry_nik = [niks[i] if has_nik[i] else None for i in range(registry_size)]
    file = make_file(rng, people, registry_size, file_size, villages, niks=niks)
    return SynthSet(registry, registry_nik, file.inputs, file.truth, file.niks or [])


def make_file(
    rng: np.random.Generator,
    people: pa.Table,
    known: int,
    size: int,
    villages: Sequence[str],
    *,
    niks: Sequence[str] | None = None,
) -> FileSet:
    """File rows copying people (the first `known` are in the registry) with errors; truth ids."""
    n_new = people.num_rows - known
    persons = _file_persons(rng, known, n_new, size)
    # only the people the file uses become Python dicts (3 M of them would cost gigabytes)
    used = sorted(set(persons))
    rows = dict(zip(used, people.take(pa.array(used, pa.int64())).to_pylist(), strict=True))
    by_district: dict[str, list[str]] = {}
    for v in villages:
        by_district.setdefault(v[:6], []).append(v)
    made = [
        _corrupt(
            rng,
            rows[p],
            key=k + 1,
            nik=niks[p] if niks else None,
            villages=villages,
            by_district=by_district,
        )
        for k, p in enumerate(persons)
    ]
    return FileSet(
        [m[0] for m in made], [int(rows[p]["id"]) for p in persons], [m[1] for m in made]
    )


def _file_persons(rng: np.random.Generator, registry_size: int, n_new: int, size: int) -> list[int]:
    """Person indices of the file rows: known people, new people and repeats, shuffled."""
    n_dup = int(size * DUPLICATE_SHARE)
    n_known = max(size - n_new - n_dup, 0)
    known = rng.choice(registry_size, size=min(n_known, registry_size), replace=False)
    new = np.arange(registry_size, registry_size + n_new)
    base = np.concatenate([known, new])
    repeats = rng.choice(base, size=size - len(base)) if len(base) else base
    order = np.concatenate([base, repeats])
    rng.shuffle(order)
    return [int(x) for x in order[:size]]


def _corrupt(
    rng: np.random.Generator,
    person: dict[str, Any],
    *,
    key: int,
    nik: str | None,
    villages: Sequence[str],
    by_district: dict[str, list[str]],
) -> tuple[LinkInput, str | None]:
    roll = rng.random(12)
    index: str | None = person["nik_index"]
    valid = True
    if roll[0] < ERRORS["nik_missing"] or index is None:
        index = nik = None
    elif roll[1] < ERRORS["nik_wrong_digit"]:
        # a wrong digit in DDMMYY (6 of 16 places) contradicts the birth date: invalid
        pos = int(rng.integers(0, 16))
        valid = not 6 <= pos < 12
        if nik is not None:
            nik = nik[:pos] + str((int(nik[pos]) + int(rng.integers(1, 10))) % 10) + nik[pos + 1 :]
        index = (
            (fake_index(nik) if nik else f"{int(rng.integers(0, 2**62)):032x}") if valid else None
        )
    village = person["village_code"]
    if roll[9] < ERRORS["village_moved"]:
        near = by_district.get(village[:6], []) if roll[10] < 0.5 else []
        pool = near or list(villages)
        village = pool[int(rng.integers(0, len(pool)))]
    sex = person["sex"]
    if roll[11] < ERRORS["sex_wrong"]:
        sex = "L" if sex == "P" else "P"
    row = LinkInput(
        key=key,
        nik_index=index,
        nik_valid=valid,
        full_name=_corrupt_name(rng, person["full_name"], roll[2:7]),
        birth_date=_corrupt_date(rng, person["birth_date"], roll[7:9]),
        sex=sex,
        village_code=village,
    )
    return row, nik


def write_csv(data: SynthSet, folder: Path) -> dict[str, Path]:
    """registry.csv and file.csv (with the truth: person id, in registry or not)."""
    registry_path, file_path = folder / "registry.csv", folder / "file.csv"
    reg = data.registry
    with registry_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["person_id", "nik", "full_name", "birth_date", "sex", "village_code"])
        columns = [
            reg[c].to_pylist() for c in ("id", "full_name", "birth_date", "sex", "village_code")
        ]
        for i, (pid, name, born, sex, village) in enumerate(zip(*columns, strict=True)):
            out.writerow([pid, data.registry_nik[i] or "", name, born, sex, village])
    known = reg.num_rows
    with file_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            [
                "row",
                "nik",
                "full_name",
                "birth_date",
                "sex",
                "village_code",
                "truth_person_id",
                "in_registry",
            ]
        )
        for row, nik, person in zip(data.inputs, data.file_nik, data.truth, strict=True):
            out.writerow(
                [
                    row.key,
                    nik or "",
                    row.full_name,
                    row.birth_date,
                    row.sex,
                    row.village_code,
                    person,
                    int(person <= known),
                ]
            )
    return {"registry": registry_path, "file": file_path}


_VARIANTS = [*list(MUHAMMAD), "Mochammad", "Moch.", "Muhamad"]


def _corrupt_name(rng: np.random.Generator, name: str, roll: np.ndarray) -> str:
    words = name.split()
    if words and words[0].rstrip(".") in {"H", "Hj"}:
        words = words[1:] if rng.random() < 0.5 else words  # titles dropped, too
    if roll[4] < ERRORS["muhammad_variant"]:
        words = [
            _VARIANTS[int(rng.integers(0, len(_VARIANTS)))] if w in MUHAMMAD else w for w in words
        ]
    if roll[1] < ERRORS["name_swap"] and len(words) >= 2:
        words = words[1:] + words[:1]
    if rng.random() < ERRORS["token_dropped"] and len(words) >= 3:
        words = words[:-1]
    if rng.random() < ERRORS["spacing"] and len(words) >= 2:
        j = int(rng.integers(0, len(words) - 1))
        words = [
            *words[:j],
            words[j] + ("-" if rng.random() < 0.5 else "") + words[j + 1],
            *words[j + 2 :],
        ]
    text = " ".join(words) or name
    if roll[0] < ERRORS["name_typo"]:
        text = _typo(rng, text)
    if roll[2] < ERRORS["title_added"]:
        text = TITLES[int(rng.integers(0, len(TITLES)))] + text
    elif roll[3] < ERRORS["title_added"]:
        text = text + DEGREES[int(rng.integers(0, len(DEGREES)))]
    return text


def _typo(rng: np.random.Generator, text: str) -> str:
    letters = [j for j, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    j = letters[int(rng.integers(0, len(letters)))]
    kind = int(rng.integers(0, 4))
    c = chr(ord("a") + int(rng.integers(0, 26)))
    if kind == 0:
        return text[:j] + c + text[j + 1 :]
    if kind == 1:
        return text[:j] + text[j + 1 :]
    if kind == 2:
        return text[:j] + c + text[j:]
    k = j + 1 if j + 1 < len(text) else j - 1
    chars = list(text)
    chars[j], chars[k] = chars[k], chars[j]
    return "".join(chars)


def _corrupt_date(rng: np.random.Generator, birth: date, roll: np.ndarray) -> date:
    if roll[0] < ERRORS["day_month_swap"] and birth.day <= 12 and birth.day != birth.month:
        return date(birth.year, birth.day, birth.month)
    if roll[1] < ERRORS["date_digit"]:
        text = birth.strftime("%Y%m%d")
        for _ in range(10):
            pos = int(rng.integers(2, 8))
            digit = str(int(rng.integers(0, 10)))
            candidate = text[:pos] + digit + text[pos + 1 :]
            try:
                changed = date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
            except ValueError:
                continue
            if changed != birth and changed.year <= 2010:
                return changed
    return birth
