"""Put the parts together: people, identities, coverage, employers, memberships."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import coverage, jobs
from lindungi.registry.demo import memberships as ms
from lindungi.registry.demo.context import Context
from lindungi.registry.demo.employers import employ
from lindungi.registry.demo.figures import PROVINCES
from lindungi.registry.demo.identity import Identity, make_identity
from lindungi.registry.demo.people import ROLES, Geo, People, make_people
from lindungi.registry.demo.tables import DemoSet, Table, remap

STAGES = ("people", "identity", "coverage", "employers", "memberships")


def generate(*, workers: int, seed: int, ctx: Context) -> DemoSet:
    """A synthetic Kalimantan population of `workers` people; the same seed, the same data."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STAGES))]
    rng = dict(zip(STAGES, streams, strict=True))
    geo = Geo.of(ctx)
    job_codes = sorted(ctx.jobs)
    people = make_people(rng["people"], ctx, geo, workers)
    ident = make_identity(rng["identity"], ctx, geo, people)
    chosen = coverage.select(rng["coverage"], people, job_codes, len(geo.codes))
    codes = np.array([*job_codes, ""])
    sector = np.array([jobs.SECTOR_OF.get(c, "office") for c in codes[people.job[chosen.pu]]])
    regency = geo.regency[people.village]
    work = employ(rng["employers"], geo, regency[chosen.pu], sector, ident.full_name[chosen.pu])
    ump = np.array([ctx.ump.get(p) or 3_000_000 for p in PROVINCES], dtype=np.float64)
    inputs = ms.Inputs(
        as_of=np.datetime64(ctx.as_of, "D"),
        birth=people.birth_date,
        ump=ump[people.province],
        regency=regency,
        official=people.village_role > 0,
        work=work,
        pu_employer=work.employer_of,
    )
    r = rng["memberships"]
    parts = [
        *ms.wage_earners(r, chosen.pu, inputs),
        ms.informal(r, chosen.bpu, inputs),
        *ms.former(r, chosen.lapsed, chosen.left_job, inputs),
    ]
    payers, memberships, registered = ms.assemble(r, parts, inputs, ident.full_name)
    table = _workers(geo, people, ident, job_codes, registered)
    return _in_registration_order(seed, ctx, table, work.employers, payers, memberships, people)


def _workers(
    geo: Geo,
    people: People,
    ident: Identity,
    job_codes: list[str],
    registered: NDArray[np.datetime64],
) -> Table:
    occupation = np.array([*job_codes, None], dtype=object)
    return Table(
        {
            "nik": ident.nik,
            "full_name": ident.full_name,
            "name_search": ident.name_search,
            "birth_place": ident.birth_place,
            "birth_date": people.birth_date,
            "sex": np.where(people.female, "P", "L").astype(object),
            "village_id": geo.codes[people.village].astype(object),
            "address_line": ident.address_line,
            "phone": ident.phone,
            "occupation_id": occupation[people.job],
            "welfare_decile": ident.welfare_decile,
            "village_role": np.array(ROLES, dtype=object)[people.village_role],
            "registered_at": registered,
        }
    )


def _in_registration_order(
    seed: int,
    ctx: Context,
    workers: Table,
    employers: Table,
    payers: Table,
    memberships: Table,
    people: People,
) -> DemoSet:
    """Rows ordered by registration time, as ids grow in a live registry."""
    by_worker = np.argsort(workers["registered_at"], kind="stable")
    by_employer = np.argsort(employers["registered_at"], kind="stable")
    payers.columns["worker"] = remap(payers["worker"], by_worker)
    payers.columns["employer"] = remap(payers["employer"], by_employer)
    memberships.columns["worker"] = remap(memberships["worker"], by_worker)
    return DemoSet(
        seed=seed,
        as_of=ctx.as_of,
        workers=workers.take(by_worker),
        employers=employers.take(by_employer),
        payers=payers,
        memberships=memberships,
        province_of_worker=people.province[by_worker],
    )
