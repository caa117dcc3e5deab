"""Who is covered, by whom, since when: memberships scaled to the published coverage.

Per province: active = employed x (active / employed) of REGULATIONS.md §4.4; of those ~15 %
informal (BPU, self-paid JKK+JKM at Rp1-5 million declared income; village officials first)
and the rest wage earners (PU) paid by their employer. Some of the uncovered carry an ended
membership (lapsed BPU, or a PU job they left): the published "non-active" participants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import figures, jobs
from lindungi.registry.demo.employers import Employment
from lindungi.registry.demo.people import People

PREVIOUS_JOB = 0.2  # wage earners whose earlier PU membership (another employer) has ended
EX_WAGE_EARNER = 0.5  # of the non-active: left a PU job (else a lapsed BPU membership)
VILLAGE_COVERAGE = (0.35, 0.75)  # villages: all officials covered below, half below, else none
UNDER_REPORTED = 0.05  # wage earners declared below the minimum wage (PDS upah)
BPU_JHT = 0.1
BPU_SINCE = np.datetime64("2016-01-01")
OFFICIALS_SINCE = np.datetime64("2019-01-01")


@dataclass
class Coverage:
    """Row numbers of people by what they hold."""

    pu: NDArray[np.intp]  # active wage earners
    bpu: NDArray[np.intp]  # active informal
    lapsed: NDArray[np.intp]  # ended BPU only
    left_job: NDArray[np.intp]  # ended PU only


def _weighted_sample(
    rng: np.random.Generator, rows: NDArray[np.intp], weights: NDArray[np.float64], k: int
) -> NDArray[np.intp]:
    """k rows without replacement, chance proportional to weight (Efraimidis-Spirakis)."""
    if k >= len(rows):
        return rows
    keys = np.log(rng.random(len(rows))) / weights
    return rows[np.argpartition(-keys, k)[:k]]


def select(
    rng: np.random.Generator, people: People, job_codes: list[str], village_count: int
) -> Coverage:
    """Pick the covered and the formerly covered of each province to match the figures."""
    n = len(people.province)
    official = people.village_role > 0
    coverage = rng.random(village_count)
    low, high = VILLAGE_COVERAGE
    covered_village = np.where(coverage < low, 1.0, np.where(coverage < high, 0.5, 0.0))
    official_covered = official & (rng.random(n) < covered_village[people.village])
    uptake = np.array([jobs.BPU_UPTAKE.get(c, 1.0) for c in [*job_codes, ""]])
    parts: dict[str, list[NDArray[np.intp]]] = {"pu": [], "bpu": [], "lapsed": [], "left": []}
    for p, code in enumerate(figures.PROVINCES):
        here = people.province == p
        size = int(here.sum())
        active = round(size * figures.covered_share(code))
        bpu_target = round(active * figures.INFORMAL_SHARE_OF_COVERED)
        formal = rng.permutation(np.flatnonzero(here & people.formal))
        pu = formal[: active - bpu_target]
        bpu_target = active - len(pu)
        officials = rng.permutation(np.flatnonzero(here & official_covered))[:bpu_target]
        informal = np.flatnonzero(here & ~people.formal & ~official)
        others = _weighted_sample(
            rng, informal, uptake[people.job[informal]], bpu_target - len(officials)
        )
        taken = np.zeros(n, dtype=bool)
        taken[np.concatenate([pu, officials, others])] = True
        rest = rng.permutation(np.flatnonzero(here & ~taken))
        ended = rest[: round(size * figures.non_active_share(code))]
        split = round(len(ended) * EX_WAGE_EARNER)
        parts["pu"].append(pu)
        parts["bpu"].append(np.concatenate([officials, others]))
        parts["left"].append(ended[:split])
        parts["lapsed"].append(ended[split:])
    joined = {k: np.sort(np.concatenate(v)).astype(np.intp) for k, v in parts.items()}
    return Coverage(joined["pu"], joined["bpu"], joined["lapsed"], joined["left"])


def first_of_month(days: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    return days.astype("datetime64[M]").astype("datetime64[D]")


def months_before(
    rng: np.random.Generator, end: np.datetime64, mean_years: float, n: int
) -> NDArray[np.datetime64]:
    """Dates a random (exponential) number of months before `end`, on the first of a month."""
    months = np.ceil(rng.exponential(mean_years * 12, size=n)).astype(np.int64)
    month = end.astype("datetime64[M]") - months.astype("timedelta64[M]")
    days: NDArray[np.datetime64] = month.astype("datetime64[D]")
    return days


def adult_from(birth: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    """The first of the month after the 18th birthday."""
    return first_of_month(birth + np.timedelta64(18 * 366 + 31, "D"))


def wages(
    rng: np.random.Generator, ump: NDArray[np.float64], factor: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Declared monthly wages around the provincial minimum, rounded to Rp1,000."""
    wage = ump * factor * np.exp(rng.normal(0.12, 0.3, size=len(ump)))
    wage = np.maximum(wage, ump)
    low = rng.random(len(ump)) < UNDER_REPORTED
    wage[low] = ump[low] * rng.uniform(0.6, 0.95, size=int(low.sum()))
    return (np.round(wage / 1000) * 1000).astype(np.int64)


def bpu_incomes(rng: np.random.Generator, n: int) -> NDArray[np.int64]:
    amounts = np.array(list(jobs.BPU_INCOMES), dtype=np.int64)
    p = np.array(list(jobs.BPU_INCOMES.values()), dtype=np.float64)
    return amounts[rng.choice(len(amounts), size=n, p=p / p.sum())]


def pick_employer(
    rng: np.random.Generator, work: Employment, regency: NDArray[np.str_]
) -> NDArray[np.int64]:
    """A random employer of the same regency (or any, where the regency has none)."""
    order = np.argsort(work.regency, kind="stable")
    sorted_regency = work.regency[order]
    low = np.searchsorted(sorted_regency, regency, side="left")
    high = np.searchsorted(sorted_regency, regency, side="right")
    anywhere = high == low
    low[anywhere], high[anywhere] = 0, len(order)
    pick = low + np.floor(rng.random(len(regency)) * (high - low)).astype(np.int64)
    return order[np.minimum(pick, len(order) - 1)]
