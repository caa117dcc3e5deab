"""The demo generator: deterministic, valid identifiers, and coverage near the published figures."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import numpy as np
import pytest

from lindungi.core import pii
from lindungi.registry import rules
from lindungi.registry.demo import Context, DemoSet, context_from_db, figures, generate
from lindungi.registry.demo.people import Geo, officials

SMALL, LARGE = 2_000, 20_000
# Generation writes nothing, but the reference data it reads must come from the test database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ctx(django_db_setup: None, django_db_blocker: Any) -> Context:
    with django_db_blocker.unblock():
        return context_from_db()


@pytest.fixture(scope="module")
def small(ctx: Context) -> DemoSet:
    return generate(workers=SMALL, seed=11, ctx=ctx)


@pytest.fixture(scope="module")
def large(ctx: Context) -> DemoSet:
    return generate(workers=LARGE, seed=5, ctx=ctx)


def test_same_seed_same_people(ctx: Context, small: DemoSet) -> None:
    again = generate(workers=SMALL, seed=11, ctx=ctx)
    assert again.workers["full_name"].tolist() == small.workers["full_name"].tolist()
    assert again.workers["nik"].tolist() == small.workers["nik"].tolist()
    digests = [pii.blind_index(n, field="nik") for n in small.workers["nik"].tolist()]
    assert [pii.blind_index(n, field="nik") for n in again.workers["nik"].tolist()] == digests
    assert again.memberships["kpj"].tolist() == small.memberships["kpj"].tolist()
    assert again.employers["npp"].tolist() == small.employers["npp"].tolist()


def test_other_seed_other_people(ctx: Context, small: DemoSet) -> None:
    other = generate(workers=SMALL, seed=12, ctx=ctx)
    assert other.workers["nik"].tolist() != small.workers["nik"].tolist()


def test_every_nik_validates_against_birth_date_and_sex(ctx: Context, small: DemoSet) -> None:
    w = small.workers
    known = ctx.valid_nik_districts.__contains__
    for nik, born, sex in zip(
        w["nik"].tolist(), w["birth_date"].tolist(), w["sex"].tolist(), strict=True
    ):
        rules.validate_nik(nik, region_known=known, today=ctx.as_of, birth_date=born, sex=sex)
    assert len(set(w["nik"].tolist())) == SMALL


def test_nik_regions_mostly_home_province_and_older_kaltara_historic(large: DemoSet) -> None:
    nik, village = large.workers["nik"], large.workers["village_id"]
    same = np.array([n[:2] == v[:2] for n, v in zip(nik.tolist(), village.tolist(), strict=True)])
    assert 0.80 < same.mean() < 0.97  # migrants (Java, Sulawesi) keep their origin's code
    kaltara = np.array([v.startswith("65") for v in village.tolist()])
    historic = {n[:4] for n in nik[kaltara].tolist()} & {"6404", "6405", "6406", "6410", "6473"}
    assert historic  # pre-2012 NIKs of Kalimantan Utara still carry Kaltim codes


@pytest.mark.parametrize("province", figures.PROVINCES)
def test_active_share_per_province_matches_published_figures(large: DemoSet, province: str) -> None:
    index = figures.PROVINCES.index(province)
    m = large.memberships
    active = np.unique(m["worker"][np.isnat(m["end"])])
    here = large.province_of_worker == index
    share = np.isin(np.flatnonzero(here), active).mean()
    assert share == pytest.approx(figures.covered_share(province), abs=0.01)


def test_informal_share_of_covered_and_kinds_of_payer(large: DemoSet) -> None:
    m, payers = large.memberships, large.payers
    active = np.isnat(m["end"])
    bpu = active & (m["segment"] == "BPU")
    assert bpu.sum() / active.sum() == pytest.approx(figures.INFORMAL_SHARE_OF_COVERED, abs=0.01)
    kinds = payers["kind"][m["payer"]]
    assert set(kinds[m["segment"] == "PU"].tolist()) == {"employer"}
    assert set(kinds[m["segment"] == "BPU"].tolist()) == {"self"}


def test_bpu_pays_jkk_jkm_at_declared_incomes_of_one_to_five_million(large: DemoSet) -> None:
    m = large.memberships
    bpu = m["segment"] == "BPU"
    assert m["jkk"][bpu].all()
    assert m["jkm"][bpu].all()
    assert not (m["jp"][bpu] | m["jkp"][bpu]).any()
    wages = m["declared_wage"][bpu]
    assert wages.min() == 1_000_000
    assert wages.max() == 5_000_000
    pu = m["segment"] == "PU"
    assert (m["jkk"][pu] & m["jkm"][pu]).all()
    assert m["jp"][pu].any()


def test_memberships_never_overlap_and_one_open_per_segment(large: DemoSet) -> None:
    m = large.memberships
    periods: dict[tuple[int, str], list[tuple[Any, Any]]] = {}
    columns = ("worker", "segment", "start", "end")
    for w, s, start, end in zip(*(m[c].tolist() for c in columns), strict=True):
        assert end is None or start < end
        periods.setdefault((w, s), []).append((start, end))
    for spans in periods.values():
        spans.sort()
        assert sum(end is None for _, end in spans) <= 1
        for (_, end), (next_start, _) in itertools.pairwise(spans):
            assert end is not None
            assert end <= next_start


def test_people_look_like_kalimantan(large: DemoSet) -> None:
    w = large.workers
    names = w["full_name"].tolist()
    assert any(n.startswith(("Muhammad ", "Muhamad ", "M. ")) for n in names)
    assert any(" bin " in n for n in names)
    assert any(" binti " in n for n in names)
    assert any(n.startswith(("H. ", "Hj. ")) for n in names)
    assert all(v[:2] in figures.PROVINCES for v in w["village_id"].tolist())
    phones = np.array([p is not None for p in w["phone"].tolist()])
    assert phones.mean() == pytest.approx(0.70, abs=0.04)
    assert all(p.startswith("+628") for p in w["phone"][phones].tolist())
    roles = Counter(w["village_role"].tolist())
    assert {"kepala_desa", "ketua_rt"} <= set(roles)
    assert 0.01 < (LARGE - roles[""]) / LARGE < 0.05


def test_a_village_of_1200_workers_has_head_apparatus_bpd_and_rt_heads(ctx: Context) -> None:
    geo = Geo.of(ctx)
    desa = int(np.flatnonzero(~geo.kelurahan)[0])
    village = np.full(1_200, desa, dtype=np.int32)
    age = np.full(1_200, 40, dtype=np.int16)
    roles = Counter(officials(np.random.default_rng(1), village, age, geo).tolist())
    # ~2.2 % of 1,200 = 26 or 27 offices: 1 head, then apparatus : BPD : RT ~ 8 : 7 : 10.
    assert roles[1] == 1
    assert (roles[2], roles[3], roles[4]) in {(8, 7, 10), (9, 7, 10), (8, 7, 11)}


def test_informal_workers_sit_in_lower_welfare_deciles(ctx: Context, large: DemoSet) -> None:
    w = large.workers
    informal = np.array([ctx.jobs[c].informal if c else True for c in w["occupation_id"].tolist()])
    decile = w["welfare_decile"].astype(float)
    decile[decile == 0] = np.nan
    assert np.nanmean(decile[informal]) + 1.5 < np.nanmean(decile[~informal])


def test_employers_have_valid_numbers_and_sizes_matching_their_staff(large: DemoSet) -> None:
    e, m, payers = large.employers, large.memberships, large.payers
    assert all(rules.normalise_npp(v) == v for v in e["npp"].tolist())
    nibs = [v for v in e["nib"].tolist() if v is not None]
    assert all(rules.normalise_nib(v) == v for v in nibs)
    assert len(set(e["npp"].tolist())) == len(e)
    assert len(set(nibs)) == len(nibs)
    assert all(len(k) == 5 and k.isdigit() for k in e["kbli"].tolist())
    current = np.isnat(m["end"]) & (m["segment"] == "PU")
    staff = np.bincount(payers["employer"][m["payer"][current]], minlength=len(e))
    bounds = {"micro": (1, 4), "small": (5, 19), "medium": (20, 99), "large": (100, 10**6)}
    for size_class, count in zip(e["size_class"].tolist(), staff.tolist(), strict=True):
        low, high = bounds[size_class]
        assert low <= count <= high
    assert len(set(m["kpj"].tolist())) == len(m)
