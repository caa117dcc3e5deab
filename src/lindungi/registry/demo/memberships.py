"""Membership and payer rows for the selected coverage; none overlap, one open per segment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import coverage as cov
from lindungi.registry.demo.employers import Employment
from lindungi.registry.demo.tables import Table, unique_strings

NAT = np.datetime64("NaT", "D")
PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")
OFFICE_HOURS = 8 * 3600  # registrations happen 08:00-16:00 WIB (01:00-09:00 UTC)


@dataclass
class Part:
    """Memberships of one kind, column by column."""

    worker: NDArray[np.intp]
    payer: NDArray[np.int64]
    segment: str
    programmes: dict[str, NDArray[np.bool_]]
    wage: NDArray[np.int64]
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]
    reason: str

    def keep(self, mask: NDArray[np.bool_]) -> Part:
        return Part(
            self.worker[mask],
            self.payer[mask],
            self.segment,
            {k: v[mask] for k, v in self.programmes.items()},
            self.wage[mask],
            self.start[mask],
            self.end[mask],
            self.reason,
        )


@dataclass
class Inputs:
    """What the membership builder needs to know about people and employers."""

    as_of: np.datetime64  # date
    birth: NDArray[np.datetime64]
    ump: NDArray[np.float64]  # per person, of their province
    regency: NDArray[np.str_]  # per person
    official: NDArray[np.bool_]
    work: Employment
    pu_employer: NDArray[np.int64]  # per row of coverage.pu


def _programmes(work: Employment, employer: NDArray[np.int64]) -> dict[str, NDArray[np.bool_]]:
    always = np.ones(len(employer), dtype=bool)
    return {"jkk": always, "jkm": always} | {k: v[employer] for k, v in work.programmes.items()}


def _bpu_programmes(rng: np.random.Generator, n: int) -> dict[str, NDArray[np.bool_]]:
    always, never = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    return {"jkk": always, "jkm": always, "jht": rng.random(n) < cov.BPU_JHT, "jp": never}


def _not_before(start: NDArray[np.datetime64], *floors: NDArray[np.datetime64]) -> NDArray[Any]:
    for floor in floors:
        start = np.maximum(start, floor)
    return start


def wage_earners(rng: np.random.Generator, rows: NDArray[np.intp], x: Inputs) -> list[Part]:
    """Current PU memberships and, for some, the ended one with an earlier employer."""
    work, employer = x.work, x.pu_employer
    first_month = cov.first_of_month(np.array([x.as_of]))[0]
    hired = cov.first_of_month(work.registered[employer] + np.timedelta64(31, "D"))
    start = cov.months_before(rng, x.as_of, 5.0, len(rows))
    start = np.minimum(_not_before(start, hired, cov.adult_from(x.birth[rows])), first_month)
    wage = cov.wages(rng, x.ump[rows], work.wage_factor[employer])
    current = Part(rows, employer, "PU", _programmes(work, employer), wage, start, _nat(rows), "")
    earlier = rng.random(len(rows)) < cov.PREVIOUS_JOB
    before = cov.pick_employer(rng, work, x.regency[rows[earlier]])
    end = start[earlier]
    since = cov.months_before(rng, end, 3.0, len(end))
    since = _not_before(
        since,
        cov.first_of_month(work.registered[before] + np.timedelta64(31, "D")),
        cov.adult_from(x.birth[rows[earlier]]),
    )
    pay = (wage[earlier] * 0.85 // 1000 * 1000).astype(np.int64)
    previous = Part(
        rows[earlier], before, "PU", _programmes(work, before), pay, since, end, "resigned"
    )
    return [current, previous.keep(since < end)]


def informal(rng: np.random.Generator, rows: NDArray[np.intp], x: Inputs) -> Part:
    """Current BPU memberships: officials since 2019, others mostly recent."""
    first_month = cov.first_of_month(np.array([x.as_of]))[0]
    start = cov.months_before(rng, x.as_of, 2.5, len(rows))
    span = int((first_month - cov.OFFICIALS_SINCE).astype("timedelta64[M]").astype(np.int64))
    offset = rng.integers(0, max(span, 1), size=len(rows)).astype("timedelta64[M]")
    official_start = (cov.OFFICIALS_SINCE.astype("datetime64[M]") + offset).astype("datetime64[D]")
    start = np.where(x.official[rows], official_start, start)
    start = _not_before(start, np.full(len(rows), cov.BPU_SINCE), cov.adult_from(x.birth[rows]))
    start = np.minimum(start, first_month)
    income = cov.bpu_incomes(rng, len(rows))
    return Part(
        rows, _nat_i(rows), "BPU", _bpu_programmes(rng, len(rows)), income, start, _nat(rows), ""
    )


def former(
    rng: np.random.Generator, lapsed: NDArray[np.intp], left: NDArray[np.intp], x: Inputs
) -> list[Part]:
    """Ended memberships of people not covered today: lapsed BPU, or a PU job they left."""
    first_month = cov.first_of_month(np.array([x.as_of]))[0]
    parts = []
    for rows, segment in ((lapsed, "BPU"), (left, "PU")):
        start = cov.months_before(rng, first_month - np.timedelta64(180, "D"), 3.0, len(rows))
        start = _not_before(start, np.full(len(rows), cov.BPU_SINCE), cov.adult_from(x.birth[rows]))
        months = rng.integers(3, 37, size=len(rows)).astype("timedelta64[M]")
        end = np.minimum(
            (start.astype("datetime64[M]") + months).astype("datetime64[D]"), first_month
        )
        if segment == "BPU":
            part = Part(
                rows,
                _nat_i(rows),
                "BPU",
                _bpu_programmes(rng, len(rows)),
                cov.bpu_incomes(rng, len(rows)),
                start,
                end,
                "lapsed",
            )
        else:
            employer = cov.pick_employer(rng, x.work, x.regency[rows])
            wage = cov.wages(rng, x.ump[rows], x.work.wage_factor[employer])
            part = Part(
                rows, employer, "PU", _programmes(x.work, employer), wage, start, end, "resigned"
            )
        parts.append(part.keep(start < end))
    return parts


def _nat(rows: NDArray[np.intp]) -> NDArray[np.datetime64]:
    return np.full(len(rows), NAT)


def _nat_i(rows: NDArray[np.intp]) -> NDArray[np.int64]:
    return np.full(len(rows), -1, dtype=np.int64)


def kpj_maker(rng: np.random.Generator, k: int) -> list[str]:
    """11-digit participant card numbers (KPJ)."""
    return [str(v) for v in rng.integers(10**10, 10**11, size=k).tolist()]


def _stamp(rng: np.random.Generator, days: NDArray[np.datetime64]) -> NDArray[np.datetime64]:
    """A time on that day within office hours, as UTC seconds."""
    seconds = rng.integers(0, OFFICE_HOURS, size=len(days)).astype("timedelta64[s]")
    stamps: NDArray[np.datetime64] = days.astype("datetime64[s]") + seconds
    return stamps + np.timedelta64(3600, "s")


def assemble(
    rng: np.random.Generator, parts: list[Part], x: Inputs, full_name: NDArray[np.object_]
) -> tuple[Table, Table, NDArray[np.datetime64]]:
    """Payers, memberships (oldest first) and each worker's registration time."""
    n, employers = len(x.birth), len(x.work.employers)
    self_paid = np.unique(np.concatenate([p.worker for p in parts if p.segment == "BPU"]))
    self_payer = np.full(n, -1, dtype=np.int64)
    self_payer[self_paid] = employers + np.arange(len(self_paid))
    for part in parts:
        if part.segment == "BPU":
            part.payer = self_payer[part.worker]
    start = np.concatenate([p.start for p in parts])
    order = np.argsort(start, kind="stable")
    worker = np.concatenate([p.worker for p in parts])[order]
    start = start[order]
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, worker, start.astype(np.int64))
    span = int((x.as_of - cov.BPU_SINCE).astype(np.int64))
    unseen = cov.BPU_SINCE + rng.integers(0, span, size=n).astype("timedelta64[D]")
    known = first < np.iinfo(np.int64).max
    registered = _stamp(rng, np.where(known, first.astype("datetime64[D]"), unseen))
    memberships = Table(
        {
            "worker": worker.astype(np.int64),
            "payer": np.concatenate([p.payer for p in parts])[order],
            "segment": np.concatenate(
                [np.full(len(p.worker), p.segment, dtype=object) for p in parts]
            )[order],
            **{
                k: np.concatenate(
                    [p.programmes.get(k, np.zeros(len(p.worker), bool)) for p in parts]
                )[order]
                for k in PROGRAMMES
            },
            "declared_wage": np.concatenate([p.wage for p in parts])[order],
            "start": start,
            "end": np.concatenate([p.end for p in parts])[order],
            "end_reason": np.concatenate(
                [np.full(len(p.worker), p.reason, dtype=object) for p in parts]
            )[order],
            "kpj": unique_strings(rng, len(start), kpj_maker),
            "created_at": _stamp(rng, start),
        }
    )
    return _payers(x.work, self_paid, full_name, registered), memberships, registered


def _payers(
    work: Employment,
    self_paid: NDArray[np.intp],
    full_name: NDArray[np.object_],
    registered: NDArray[np.datetime64],
) -> Table:
    e, s = len(work.employers), len(self_paid)
    return Table(
        {
            "kind": np.array(["employer"] * e + ["self"] * s, dtype=object),
            "employer": np.concatenate([np.arange(e), np.full(s, -1)]).astype(np.int64),
            "worker": np.concatenate([np.full(e, -1), self_paid]).astype(np.int64),
            "label": np.concatenate([work.employers["name"], full_name[self_paid]]),
            "created_at": np.concatenate([work.employers["registered_at"], registered[self_paid]]),
        }
    )
