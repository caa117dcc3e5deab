"""Employers of the covered wage earners: one set per regency and sector, Pareto-sized.

Kaltim, June 2017: 9,378 registered companies with 409,744 workers (DESIGN.md §1), ~44 per
company; a Pareto size law with a long tail gives that mean with many micro firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import jobs
from lindungi.registry.demo.people import Geo
from lindungi.registry.demo.tables import Table, unique_strings

SIZE_MIN, SIZE_ALPHA, SIZE_MAX = 3, 1.1, 4000
SIZE_CLASSES = ((5, "micro"), (20, "small"), (100, "medium"), (10**9, "large"))
# Share of employers paying each optional programme, by size class (PDS program exists).
JHT_SHARE = {"micro": 0.7, "small": 0.95, "medium": 1.0, "large": 1.0}
JP_SHARE = {"micro": 0.2, "small": 0.6, "medium": 0.95, "large": 1.0}
JKP_SHARE = 0.9  # of those paying JKK, JKM, JHT and JP
REGISTERED_FROM, REGISTERED_TO = np.datetime64("2005-01-01"), np.datetime64("2021-01-01")
AREA_CODES = {"61": "561", "62": "536", "63": "511", "64": "541", "65": "551"}
_PLACES = """Borneo Kalimantan Mahakam Kapuas Barito Khatulistiwa Banua Kayan Sesayap Meratus
Tanjung Nusantara Sinar Cahaya Bumi Putra Mandau Enggang Kahayan Katingan Sebuku Berau"""
_SUFFIXES = """Lestari Makmur Jaya Abadi Sejahtera Perkasa Mandiri Utama Sentosa Prima Persada
Gemilang Sukses Bersama Raya Indah Pratama Nusantara"""
PLACE_WORDS, SUFFIX_WORDS = _PLACES.split(), _SUFFIXES.split()


@dataclass
class Employment:
    """Employers plus, for each wage earner given, the row of their employer."""

    employers: Table
    employer_of: NDArray[np.int64]
    regency: NDArray[np.str_]
    registered: NDArray[np.datetime64]  # dates
    programmes: dict[str, NDArray[np.bool_]]  # jht, jp, jkp per employer
    wage_factor: NDArray[np.float64]


def pareto_sizes(rng: np.random.Generator, total: int) -> NDArray[np.int64]:
    """Firm sizes from a Pareto law that add up to exactly `total` workers."""
    sizes = np.zeros(0, dtype=np.int64)
    while sizes.sum() < total:
        batch = max(8, total // 20)
        draw = np.floor(SIZE_MIN * (1 - rng.random(batch)) ** (-1 / SIZE_ALPHA))
        sizes = np.concatenate([sizes, np.minimum(draw, SIZE_MAX).astype(np.int64)])
    cut = int(np.searchsorted(np.cumsum(sizes), total))
    sizes = sizes[: cut + 1]
    sizes[-1] -= int(sizes.sum()) - total
    return sizes[sizes > 0]


def employ(
    rng: np.random.Generator,
    geo: Geo,
    regency: NDArray[np.str_],
    sector: NDArray[np.str_],
    names: NDArray[np.object_],
) -> Employment:
    """Group wage earners by (regency, sector) and split each group into Pareto-sized firms."""
    key = np.char.add(regency, sector)
    groups, inverse = np.unique(key, return_inverse=True)
    employer_of = np.empty(len(key), dtype=np.int64)
    firm_regency: list[NDArray[np.str_]] = []
    firm_sector: list[NDArray[np.str_]] = []
    firm_size: list[NDArray[np.int64]] = []
    first = 0
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(groups) + 1))
    for g in range(len(groups)):
        members = rng.permutation(order[bounds[g] : bounds[g + 1]])
        sizes = pareto_sizes(rng, len(members))
        employer_of[members] = first + np.repeat(np.arange(len(sizes)), sizes)
        firm_regency.append(np.full(len(sizes), groups[g][:4]))
        firm_sector.append(np.full(len(sizes), groups[g][4:]))
        firm_size.append(sizes)
        first += len(sizes)
    size = np.concatenate(firm_size) if firm_size else np.zeros(0, np.int64)
    e_regency = np.concatenate(firm_regency) if firm_regency else np.zeros(0, "U4")
    e_sector = np.concatenate(firm_sector) if firm_sector else np.zeros(0, "U16")
    contact = np.full(len(size), "", dtype=object)
    contact[employer_of] = names  # the last employee written wins: a plausible HR contact
    return _employment(rng, geo, e_regency, e_sector, size, contact, employer_of)


def _size_class(size: NDArray[np.int64]) -> NDArray[np.str_]:
    bounds = np.array([b for b, _ in SIZE_CLASSES])
    return np.array([c for _, c in SIZE_CLASSES])[np.searchsorted(bounds, size, side="right")]


def _employment(
    rng: np.random.Generator,
    geo: Geo,
    regency: NDArray[np.str_],
    sector: NDArray[np.str_],
    size: NDArray[np.int64],
    contact: NDArray[np.object_],
    employer_of: NDArray[np.int64],
) -> Employment:
    m = len(size)
    size_class = _size_class(size)
    span = int((REGISTERED_TO - REGISTERED_FROM).astype(np.int64))
    registered = REGISTERED_FROM + rng.integers(0, span, size=m).astype("timedelta64[D]")
    sectors = [jobs.SECTORS[s] for s in sector.tolist()]
    names = _firm_names(rng, sectors, size_class)
    programmes = {
        "jht": rng.random(m) < np.vectorize(JHT_SHARE.get)(size_class),
        "jp": rng.random(m) < np.vectorize(JP_SHARE.get)(size_class),
    }
    programmes["jp"] &= programmes["jht"]
    programmes["jkp"] = programmes["jp"] & (rng.random(m) < JKP_SHARE)
    columns = {
        "npp": unique_strings(rng, m, npp_maker),
        "nib": _nib(rng, m),
        "name": names,
        "kbli": np.array([s.kbli[rng.integers(len(s.kbli))] for s in sectors], dtype=object),
        "size_class": size_class.astype(object),
        "jkk_risk_group": np.array([s.risk_group for s in sectors], dtype=np.int16),
        "village_id": _villages(rng, geo, regency),
        "address_line": np.array(
            [f"Jl. {PLACE_WORDS[i]} No. {k}" for i, k in _pairs(rng, m, len(PLACE_WORDS))],
            dtype=object,
        ),
        "contact_name": contact,
        "contact_phone": _landlines(rng, regency),
        "contact_email": _emails(names, size_class),
        "registered_at": registered.astype("datetime64[s]") + np.timedelta64(1, "h"),
    }
    wage = np.array([s.wage_factor for s in sectors], dtype=np.float64)
    return Employment(Table(columns), employer_of, regency, registered, programmes, wage)


def _pairs(rng: np.random.Generator, m: int, k: int) -> list[tuple[int, int]]:
    return list(zip(rng.integers(0, k, m).tolist(), rng.integers(1, 300, m).tolist(), strict=True))


def _firm_names(
    rng: np.random.Generator, sectors: list[jobs.Sector], size_class: NDArray[np.str_]
) -> NDArray[np.object_]:
    m = len(sectors)
    small = np.isin(size_class, ["micro", "small"])
    legal = np.where(small & (rng.random(m) < 0.6), np.where(rng.random(m) < 0.7, "CV", "UD"), "PT")
    place = rng.integers(0, len(PLACE_WORDS), m).tolist()
    suffix = rng.integers(0, len(SUFFIX_WORDS), m).tolist()
    word = rng.integers(0, 100, m).tolist()
    return np.array(
        [
            f"{legal[i]} {PLACE_WORDS[place[i]]} {s.words[word[i] % len(s.words)]}"
            f" {SUFFIX_WORDS[suffix[i]]}"
            for i, s in enumerate(sectors)
        ],
        dtype=object,
    )


def _villages(rng: np.random.Generator, geo: Geo, regency: NDArray[np.str_]) -> NDArray[np.object_]:
    low = np.searchsorted(geo.regency, regency, side="left")
    high = np.searchsorted(geo.regency, regency, side="right")
    pick = low + np.floor(rng.random(len(regency)) * (high - low)).astype(np.int64)
    return geo.codes[pick].astype(object)


def npp_maker(rng: np.random.Generator, k: int) -> list[str]:
    """NPP as 2 letters + 6 digits (most) or 8 digits (registry.rules.normalise_npp)."""
    head = rng.integers(0, 26 * 26, size=k).tolist()
    tail = rng.integers(0, 1_000_000, size=k).tolist()
    digits = rng.integers(0, 100, size=k).tolist()
    lettered = (rng.random(k) < 0.8).tolist()
    return [
        (chr(65 + h // 26) + chr(65 + h % 26) if lt else f"{d:02d}") + f"{t:06d}"
        for h, t, d, lt in zip(head, tail, digits, lettered, strict=True)
    ]


def nib_maker(rng: np.random.Generator, k: int) -> list[str]:
    """13-digit OSS business numbers."""
    return [str(v) for v in rng.integers(10**12, 10**13, size=k).tolist()]


def _nib(rng: np.random.Generator, m: int) -> NDArray[np.object_]:
    """13-digit NIB for ~85 % of employers (older registrations may have none)."""
    numbers = unique_strings(rng, m, nib_maker)
    numbers[rng.random(m) >= 0.85] = None
    return numbers


def _landlines(rng: np.random.Generator, regency: NDArray[np.str_]) -> NDArray[np.object_]:
    numbers = rng.integers(700_000, 900_000, size=len(regency)).tolist()
    return np.array(
        [f"+62{AREA_CODES[r[:2]]}{n}" for r, n in zip(regency.tolist(), numbers, strict=True)],
        dtype=object,
    )


def _emails(names: NDArray[np.object_], size_class: NDArray[np.str_]) -> NDArray[np.object_]:
    return np.array(
        [
            "hrd@" + "".join(ch for ch in n.split(" ", 1)[1].lower() if ch.isalnum()) + ".co.id"
            if c in ("medium", "large")
            else ""
            for n, c in zip(names.tolist(), size_class.tolist(), strict=True)
        ],
        dtype=object,
    )
