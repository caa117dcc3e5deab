"""The facts equal a direct count (coverage_on per worker) after memberships start, end and
lapse; an incremental refresh gives exactly what a full rebuild gives."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone
from tests.analytics.conftest import (
    JONGGON,
    MONTHS,
    MUARA_LEKA,
    PERIAN,
    SUNGAI_RAYA,
    TODAY,
    Crafted,
    start,
)

from lindungi.analytics import facts, selectors
from lindungi.analytics.models import (
    CoverageFact,
    OccupationFact,
    RegionFact,
    RegionOccupationFact,
    VillageFact,
)
from lindungi.contributions.coverage.selectors import PROGRAMMES, coverage_on
from lindungi.contributions.models import PaidThrough
from lindungi.registry.models import Worker
from lindungi.registry.services import membership_end, payer_for_self

pytestmark = pytest.mark.django_db
PROTECTED = {"covered", "in_grace"}


def _last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def direct(month: date, village: str) -> dict[str, int]:
    """Count straight from coverage_on, worker by worker, on the month's last day."""
    counts = dict.fromkeys(["active", *[p.lower() for p in PROGRAMMES]], 0)
    for worker in Worker.objects.filter(village_id=village):
        statuses = {
            p: coverage_on(worker_id=worker.pk, on=_last_day(month), programme=p, actor=None)
            for p in PROGRAMMES
        }
        protected = [p for p, s in statuses.items() if s.status in PROTECTED]
        counts["active"] += bool(protected)
        for p in protected:
            counts[p.lower()] += 1
    return counts


def from_facts(month: date, village: str) -> dict[str, int]:
    sums = CoverageFact.objects.filter(month=month, village_code=village).aggregate(
        active=Sum("active"), **{p.lower(): Sum(p.lower()) for p in PROGRAMMES}
    )
    return {k: int(v or 0) for k, v in sums.items()}


def snapshot() -> dict[str, Any]:
    def rows(model: Any, *keys: str) -> list[tuple[Any, ...]]:
        values = model.objects.values_list(*keys)
        return sorted(values, key=lambda r: tuple(str(v) for v in r))

    measures = ("active", "jkk", "jkm", "jht", "jp", "jkp")
    return {
        "coverage": rows(
            CoverageFact,
            "month",
            "village_code",
            "segment",
            "payer_kind",
            "sex",
            "age_band",
            *measures,
            "officials",
            "vulnerable",
        ),
        "occupation": rows(
            OccupationFact,
            "month",
            "village_code",
            "occupation",
            "segment",
            "payer_kind",
            *measures,
        ),
        "region": rows(
            RegionFact,
            "month",
            "region_code",
            "level",
            "segment",
            "payer_kind",
            *measures,
            "officials",
            "vulnerable",
        ),
        "region_occupation": rows(
            RegionOccupationFact,
            "month",
            "region_code",
            "level",
            "occupation",
            "segment",
            "payer_kind",
            *measures,
        ),
        "village": rows(
            VillageFact,
            "month",
            "village_code",
            "residents",
            "residents_active",
            "officials",
            "officials_active",
            "vulnerable",
            "vulnerable_active",
        ),
    }


VILLAGES = [PERIAN, MUARA_LEKA, SUNGAI_RAYA]


def test_facts_equal_a_direct_count(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    for month in MONTHS:
        for village in VILLAGES:
            assert from_facts(month, village) == direct(month, village), (month, village)


def test_exact_figures_of_october(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    october = date(2026, 10, 1)
    # Perian: Budi (PU + BPU, counted once), Agus (BPU paid), the village head (BPU);
    # the lapsing BPU member is three months overdue; the ended PU membership ended in September.
    assert from_facts(october, PERIAN) == {
        "active": 3,
        "jkk": 3,
        "jkm": 3,
        "jht": 1,
        "jp": 1,
        "jkp": 0,
    }
    august = from_facts(date(2026, 8, 1), PERIAN)
    assert august["active"] == 5  # two months overdue is grace; the PU membership still ran
    kukar = selectors.coverage_summary(
        actor=None, region="64.02", filters=selectors.Filters(october)
    )
    assert kukar.active == 4
    by = {k: {r["key"]: r["active"] for r in rows} for k, rows in kukar.breakdowns.items()}
    assert by == {
        "segment": {"BPU": 3, "PU": 1},
        "payer_kind": {"employer": 1, "self": 3},
        "sex": {"L": 3, "P": 1},
        "age_band": {"25_34": 1, "35_44": 2, "55p": 1},
        "occupation": {"nelayan": 3, "petani": 1},
    }
    assert kukar.villages["officials"] == 2
    assert kukar.villages["officials_active"] == 1
    assert kukar.vulnerable_active == 1
    assert int(kukar.labour_force.value) == 475706  # type: ignore[union-attr]
    national = selectors.coverage_summary(actor=None, region="", filters=selectors.Filters(october))
    assert national.active == 5
    assert [(c["code"], c["active"]) for c in national.children if c["active"]] == [
        ("61", 1),
        ("64", 4),
    ]


def _changes(crafted: Crafted) -> None:
    """A membership ends, one starts, a lapsed member pays, a worker moves village."""
    officer = crafted.officer
    membership_end(
        membership_id=crafted.memberships["agus"].pk,
        on=date(2026, 10, 10),
        reason="resigned",
        actor=officer,
    )
    sekdes = crafted.workers["sekdes"]
    start(officer, sekdes, "BPU", payer_for_self(sekdes), date(2026, 9, 1))
    PaidThrough.objects.filter(membership=crafted.memberships["lapse"]).update(
        month=date(2026, 10, 1), updated_at=timezone.now()
    )
    from lindungi.registry.services import worker_correct

    worker_correct(
        worker_id=crafted.workers["budi"].pk,
        changes={"village_code": MUARA_LEKA},
        actor=officer,
        reason="pindah",
    )


def test_incremental_refresh_equals_full_rebuild(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    _changes(crafted)
    result = facts.facts_refresh(today=TODAY)
    assert result.villages == 2  # Perian and Muara Leka; Sungai Raya untouched
    incremental = snapshot()
    facts.facts_rebuild(months=MONTHS)
    assert snapshot() == incremental
    for month in MONTHS:
        for village in VILLAGES:
            assert from_facts(month, village) == direct(month, village), (month, village)


def test_refresh_rewrites_only_touched_villages(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    kept = set(CoverageFact.objects.filter(village_code=SUNGAI_RAYA).values_list("id", flat=True))
    _changes(crafted)
    facts.facts_refresh(today=TODAY)
    after = set(CoverageFact.objects.filter(village_code=SUNGAI_RAYA).values_list("id", flat=True))
    assert after == kept
    again = snapshot()
    assert facts.facts_refresh(today=TODAY).villages == 0
    assert snapshot() == again


def test_a_worker_moving_refreshes_both_villages(crafted: Crafted) -> None:
    from lindungi.registry.services import worker_correct

    facts.facts_rebuild(months=MONTHS)
    worker_correct(
        worker_id=crafted.workers["budi"].pk,
        changes={"village_code": JONGGON},
        actor=crafted.officer,
        reason="pindah",
    )
    assert facts.facts_refresh(today=TODAY).villages == 2
    assert from_facts(date(2026, 10, 1), PERIAN)["active"] == 2
    assert from_facts(date(2026, 10, 1), JONGGON)["active"] == 1
    incremental = snapshot()
    facts.facts_rebuild(months=MONTHS)
    assert snapshot() == incremental


def test_village_status_and_desa_sadar(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    october = date(2026, 10, 1)
    perian = selectors.village_statuses(actor=None, region=PERIAN, month=october)[0]
    assert (perian["officials"], perian["officials_active"], perian["all_officials"]) == (
        2,
        1,
        False,
    )
    assert (perian["residents"], perian["residents_active"]) == (6, 3)
    assert str(perian["resident_share"]) == "0.5000"
    assert (
        selectors.village_statuses(actor=None, region="6402", month=october, only_sadar=True) == []
    )
    sekdes = crafted.workers["sekdes"]
    start(crafted.officer, sekdes, "BPU", payer_for_self(sekdes), date(2026, 9, 1))
    facts.facts_refresh(today=TODAY)
    sadar = selectors.village_statuses(actor=None, region="6402", month=october, only_sadar=True)
    assert [v["village_code"] for v in sadar] == [PERIAN]


def test_a_new_month_is_built_on_refresh(crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    result = facts.facts_refresh(today=date(2026, 12, 3))
    assert result.months[-1] == date(2026, 12, 1)
    december = date(2026, 12, 1)
    for village in VILLAGES:
        assert from_facts(december, village) == direct(december, village)
    # Jonggon's PU member starts on 1 December
    assert from_facts(december, "6402022001")["active"] == 1


def test_the_queue_hook_catches_writes_that_leave_no_trace(crafted: Crafted) -> None:
    from lindungi.registry.models import Membership

    facts.facts_rebuild(months=MONTHS)
    october = date(2026, 10, 1)
    # a bulk UPDATE: no audit event, no new id, no timestamp
    Membership.objects.filter(pk=crafted.memberships["kalbar"].pk).update(
        end=date(2026, 9, 1), end_reason="resigned"
    )
    assert facts.facts_refresh(today=TODAY).villages == 0
    assert from_facts(october, SUNGAI_RAYA)["active"] == 1  # stale, as expected
    assert facts.coverage_mark_dirty(village_codes=[SUNGAI_RAYA]) == 1
    assert facts.facts_refresh(today=TODAY).villages == 1
    assert from_facts(october, SUNGAI_RAYA) == direct(october, SUNGAI_RAYA)
    assert from_facts(october, SUNGAI_RAYA)["active"] == 0
