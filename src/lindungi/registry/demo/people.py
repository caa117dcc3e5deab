"""The demo's people: where they live, their work, age, sex and village office, all vectorised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import figures, jobs
from lindungi.registry.demo.context import Context
from lindungi.registry.demo.names import GROUPS

# Labour-force age profile (years, relative weight): approximate, demo only.
AGE_BANDS: tuple[tuple[int, int, int], ...] = (
    *((17, 20, 4), (20, 25, 10), (25, 30, 12), (30, 35, 12), (35, 40, 12), (40, 45, 12)),
    *((45, 50, 11), (50, 55, 9), (55, 60, 8), (60, 65, 5), (65, 70, 3), (70, 75, 2)),
)
FORMAL_AGES = (18, 58)  # JP pension age 58 (PP 45/2015): wage earners retire by then
OFFICIAL_AGES = (25, 66)
OFFICIALS_PER_WORKER = 0.022  # ~26 officials (head, apparatus, BPD, RT) per ~1,200 workers
OFFICIALS_MAX = 30
HEAD_FROM = 20  # a desa with this many workers in the data always has its head among them
NO_OCCUPATION = 0.02  # records without an occupation


@dataclass
class People:
    """One row per person; village and job are indices into Context.villages / job codes."""

    province: NDArray[np.int8]  # index into figures.PROVINCES
    village: NDArray[np.int32]
    group: NDArray[np.int8]  # index into names.GROUPS
    formal: NDArray[np.bool_]
    job: NDArray[np.int16]  # index into job_codes, -1 = unknown
    female: NDArray[np.bool_]
    age: NDArray[np.int16]
    birth_date: NDArray[np.datetime64]
    village_role: NDArray[np.int8]  # index into ROLES


ROLES = ("", "kepala_desa", "perangkat_desa", "bpd", "ketua_rt")
ROLE_JOB = {1: "perangkat_desa", 2: "perangkat_desa", 3: "anggota_bpd", 4: "ketua_rt"}
# After the head: apparatus, BPD members and RT heads ~8 : 7 : 10, interleaved so that a small
# village still gets one of each before a second of any.
_OFFICES = {2: (8, 0.2), 3: (7, 0.6), 4: (10, 0.6)}  # role: (count, phase)
OFFICE_CYCLE = np.array(
    [r for _, r in sorted(((i + p) / n, r) for r, (n, p) in _OFFICES.items() for i in range(n))],
    dtype=np.int8,
)


@dataclass(frozen=True)
class Geo:
    """The villages as arrays: code, province index, regency, kind (1 kelurahan, 2 desa)."""

    codes: NDArray[np.str_]
    province: NDArray[np.int8]
    regency: NDArray[np.str_]
    kelurahan: NDArray[np.bool_]

    @classmethod
    def of(cls, ctx: Context) -> Geo:
        codes = np.array(ctx.villages, dtype="U10")
        index = {p: i for i, p in enumerate(figures.PROVINCES)}
        province = np.array([index[c[:2]] for c in ctx.villages], dtype=np.int8)
        kelurahan = np.array([c[6] == "1" for c in ctx.villages], dtype=bool)
        return cls(codes, province, codes.astype("U4"), kelurahan)


def apportion(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Integer counts proportional to weights that sum exactly to total (largest remainder)."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(-(share - counts), kind="stable")[:short]] += 1
    return counts


def categorical(rng: np.random.Generator, weights: dict[str, float], n: int) -> NDArray[np.str_]:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=np.float64)
    return np.array(keys)[rng.choice(len(keys), size=n, p=p / p.sum())]


def place(rng: np.random.Generator, geo: Geo, n: int) -> tuple[NDArray[np.int8], NDArray[np.int32]]:
    """Province and village of each person; bigger towns and district seats draw more people."""
    employed = np.array([figures.EMPLOYED[p] for p in figures.PROVINCES], dtype=np.float64)
    counts = apportion(n, employed)
    weight = rng.lognormal(0.0, 0.7, size=len(geo.codes))
    weight *= np.where(geo.kelurahan, 3.0, 1.0)
    weight *= np.where(np.char.endswith(geo.codes.astype("U6"), "01"), 1.5, 1.0)
    province = np.repeat(np.arange(len(counts), dtype=np.int8), counts)
    village = np.empty(n, dtype=np.int32)
    for p, count in enumerate(counts):
        pool = np.flatnonzero(geo.province == p)
        w = weight[pool]
        village[province == p] = rng.choice(pool, size=int(count), p=w / w.sum())
    return province, village


def ethnic_groups(
    rng: np.random.Generator, province: NDArray[np.int8], regency: NDArray[np.str_]
) -> NDArray[np.int8]:
    index = {g: i for i, g in enumerate(GROUPS)}
    group = np.empty(len(province), dtype=np.int8)
    mixes = [(province == p, figures.ETHNIC_MIX[code]) for p, code in enumerate(figures.PROVINCES)]
    mixes += [(regency == r, mix) for r, mix in figures.ETHNIC_MIX_REGENCY.items()]
    for mask, mix in mixes:
        drawn = categorical(rng, mix, int(mask.sum()))
        group[mask] = np.array([index[g] for g in drawn.tolist()], dtype=np.int8)
    return group


def ages(rng: np.random.Generator, formal: NDArray[np.bool_]) -> NDArray[np.int16]:
    bands = np.array(AGE_BANDS, dtype=np.float64)
    band = rng.choice(len(bands), size=len(formal), p=bands[:, 2] / bands[:, 2].sum())
    age = rng.integers(bands[band, 0].astype(np.int64), bands[band, 1].astype(np.int64))
    low, high = FORMAL_AGES
    outside = formal & ((age < low) | (age >= high))
    age[outside] = rng.integers(20, 56, size=int(outside.sum()))
    result: NDArray[np.int16] = age.astype(np.int16)
    return result


def birth_dates(
    rng: np.random.Generator, age: NDArray[np.int16], as_of: np.datetime64
) -> NDArray[np.datetime64]:
    days = np.floor(age * 365.2425).astype(np.int64) + rng.integers(0, 365, size=len(age))
    born: NDArray[np.datetime64] = (as_of - days.astype("timedelta64[D]")).astype("datetime64[D]")
    return born


def occupations(
    rng: np.random.Generator, province: NDArray[np.int8], job_codes: list[str]
) -> tuple[NDArray[np.bool_], NDArray[np.int16]]:
    """Formal or informal work by the province's formal share, then the occupation itself."""
    index = {code: i for i, code in enumerate(job_codes)}
    formal_share = np.array([figures.formal_share(p) for p in figures.PROVINCES])
    formal = rng.random(len(province)) < formal_share[province]
    job = np.full(len(province), -1, dtype=np.int16)
    for p, code in enumerate(figures.PROVINCES):
        for is_formal, table in (
            (True, jobs.formal_weights(code)),
            (False, jobs.informal_weights(code)),
        ):
            weights = {k: w for k, w in table.items() if k in index}
            mask = (province == p) & (formal == is_formal)
            drawn = categorical(rng, weights, int(mask.sum()))
            job[mask] = np.array([index[c] for c in drawn.tolist()], dtype=np.int16)
    unknown = ~formal & (rng.random(len(province)) < NO_OCCUPATION)
    job[unknown] = -1
    return formal, job


def officials(
    rng: np.random.Generator, village: NDArray[np.int32], age: NDArray[np.int16], geo: Geo
) -> NDArray[np.int8]:
    """Village offices by rank among eligible residents: head, apparatus, BPD, then RT heads."""
    n, n_villages = len(village), len(geo.codes)
    eligible = (age >= OFFICIAL_AGES[0]) & (age < OFFICIAL_AGES[1])
    order = np.lexsort((rng.random(n) + ~eligible * 2.0, village))
    sorted_village = village[order]
    starts = np.flatnonzero(np.r_[True, sorted_village[1:] != sorted_village[:-1]])
    sizes = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, sizes)
    population = np.bincount(village, minlength=n_villages)
    k = np.floor(population * OFFICIALS_PER_WORKER + rng.random(n_villages)).astype(np.int64)
    k = np.minimum(k, OFFICIALS_MAX)
    k = np.where(~geo.kelurahan & (population >= HEAD_FROM), np.maximum(k, 1), k)
    k_of = k[sorted_village]
    chosen = (rank < k_of) & eligible[order]
    desa_role = np.where(rank == 0, 1, OFFICE_CYCLE[np.maximum(rank - 1, 0) % len(OFFICE_CYCLE)])
    role_sorted = np.where(geo.kelurahan[sorted_village], 4, desa_role).astype(np.int8)
    role = np.zeros(n, dtype=np.int8)
    role[order[chosen]] = role_sorted[chosen]
    return role


def make_people(rng: np.random.Generator, ctx: Context, geo: Geo, n: int) -> People:
    """Everyone's place, work, sex, age and village office (names and NIKs come later)."""
    province, village = place(rng, geo, n)
    group = ethnic_groups(rng, province, geo.regency[village])
    job_codes = sorted(ctx.jobs)
    formal, job = occupations(rng, province, job_codes)
    share = np.array([jobs.FEMALE_SHARE.get(c, 0.4) for c in [*job_codes, ""]])
    female = rng.random(n) < share[job]  # job -1 picks the trailing default
    age = ages(rng, formal)
    role = officials(rng, village, age, geo)
    index = {code: i for i, code in enumerate(job_codes)}
    for value, code in ROLE_JOB.items():
        if code in index:
            job[role == value] = index[code]
    formal &= role == 0
    birth = birth_dates(rng, age, np.datetime64(ctx.as_of, "D"))
    return People(province, village, group, formal, job, female, age, birth, role)
