"""Refilling places freed by death, exit, rejection or a new job from the selection's queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.errors import Conflict, NotFound, PermissionDenied
from lindungi.core.models import AuditEvent
from lindungi.programs import selectors
from lindungi.programs.models import Beneficiary, EnrolmentBatch, Programme, RefillRun
from lindungi.programs.refill import programme_refill, refill_preview
from lindungi.programs.returns import batch_return_import
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.registry.models import Membership, Worker

pytestmark = pytest.mark.django_db
START = date(2026, 6, 1)  # a running programme: June 2026 to May 2027
MONTH = 16_800  # JKK + JKM at Rp1,000,000
PER_WORKER = 12 * MONTH
AS_OF = date(2026, 11, 25)  # refilled beneficiaries start in December: 6 months left


@pytest.fixture
def running(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> tuple[Programme, dict[str, Worker]]:
    """Ani, Budi and Citra (decile 1) sponsored; Dedi (2) then Eka (3) wait in the queue."""
    programme = approved_programme(start_month=START, quota=3, budget=3 * PER_WORKER)
    people = (("Ani", 1), ("Budi", 1), ("Citra", 1), ("Dedi", 2), ("Eka", 3))
    workers = {name: make_worker(full_name=name, welfare_decile=d) for name, d in people}
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    return Programme.objects.get(pk=programme.pk), workers


def state() -> dict[str, Any]:
    return {
        "memberships": sorted(
            Membership.objects.values_list("pk", "worker_id", "start", "end", "end_reason")
        ),
        "beneficiaries": sorted(
            Beneficiary.objects.values_list("pk", "worker_id", "start", "end", "end_reason")
        ),
        "batches": EnrolmentBatch.objects.count(),
        "refills": RefillRun.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _die(worker: Worker, on: date) -> None:
    Worker.objects.filter(pk=worker.pk).update(status="deceased", ended_on=on)


def test_death_and_new_job_free_places_that_the_queue_refills(
    running: tuple[Programme, dict[str, Worker]],
    planner_kukar: User,
    make_membership: Callable[..., Membership],
) -> None:
    programme, w = running
    _die(w["Ani"], date(2026, 9, 10))
    make_membership(w["Budi"], segment="PU", declared_wage=4_000_000, start=date(2026, 10, 1))
    before = state()
    plan = refill_preview(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert state() == before  # a preview writes nothing
    assert [(f.full_name, f.reason, f.event, f.new_end) for f in plan.freed] == [
        ("Ani", "died", date(2026, 9, 10), date(2026, 10, 1)),
        ("Budi", "wage_earner", date(2026, 10, 1), date(2026, 11, 1)),
    ]
    # Citra 12 months, Ani June-September, Budi June-October.
    assert plan.budget_left == 3 * PER_WORKER - (PER_WORKER + 4 * MONTH + 5 * MONTH)
    assert (plan.start, plan.months, plan.per_worker, plan.open_places) == (
        date(2026, 12, 1),
        6,
        6 * MONTH,
        2,
    )
    assert (plan.queue, plan.refill, plan.cost) == ({"": 2}, 2, 12 * MONTH)
    assert [x.full_name for x in plan.shown] == ["Dedi", "Eka"]

    run = programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (run.freed, run.moved, run.open_places, run.refilled, run.start, run.cost) == (
        {"died": 1, "wage_earner": 1},
        0,
        2,
        2,
        date(2026, 12, 1),
        12 * MONTH,
    )
    assert run.batch is not None
    assert (run.batch.kind, run.batch.workers, run.batch.cost) == ("refill", 2, 12 * MONTH)
    rows = Beneficiary.objects.filter(programme=programme).select_related("worker")
    assert sorted((b.worker.full_name, b.start, b.end, b.end_reason) for b in rows) == [
        ("Ani", START, date(2026, 10, 1), "died"),
        ("Budi", START, date(2026, 11, 1), "wage_earner"),
        ("Citra", START, date(2027, 6, 1), ""),
        ("Dedi", date(2026, 12, 1), date(2027, 6, 1), ""),
        ("Eka", date(2026, 12, 1), date(2027, 6, 1), ""),
    ]
    paid = Membership.objects.filter(payer=programme.payer).select_related("worker")
    assert sorted((m.worker.full_name, m.segment, m.end, m.end_reason) for m in paid) == [
        ("Ani", "BPU", date(2026, 10, 1), "died"),
        ("Budi", "BPU", date(2026, 11, 1), "became_wage_earner"),
        ("Citra", "BPU", date(2027, 6, 1), "program_ended"),
        ("Dedi", "BPU", date(2027, 6, 1), "program_ended"),
        ("Eka", "BPU", date(2027, 6, 1), "program_ended"),
    ]
    event = AuditEvent.objects.get(action="programme.refill")
    assert event.after == {
        "refill": run.pk,
        "as_of": "2026-11-25",
        "freed": {"died": 1, "wage_earner": 1},
        "moved": 0,
        "refilled": 2,
        "cost": 12 * MONTH,
        "batch": run.batch.pk,
    }
    burn = selectors.burn_down(programme, PER_WORKER)
    committed = PER_WORKER + 4 * MONTH + 5 * MONTH + 2 * 6 * MONTH
    assert (burn.enrolled, burn.ended, burn.committed, burn.remaining, burn.places_left) == (
        3,
        2,
        committed,
        3 * PER_WORKER - committed,
        0,
    )


def test_refilling_again_changes_nothing(
    running: tuple[Programme, dict[str, Worker]], planner_kukar: User
) -> None:
    programme, w = running
    _die(w["Ani"], date(2026, 9, 10))
    programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    before = state()
    with pytest.raises(Conflict, match="Tidak ada tempat"):
        programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert state() == before


def test_the_queue_is_checked_again_at_refill_time(
    running: tuple[Programme, dict[str, Worker]],
    planner_kukar: User,
    make_membership: Callable[..., Membership],
) -> None:
    """Dedi died while waiting and Eka now pays for herself: neither is enrolled."""
    programme, w = running
    _die(w["Ani"], date(2026, 9, 10))
    _die(w["Dedi"], date(2026, 8, 1))
    make_membership(w["Eka"], start=date(2026, 11, 1))  # self-paid BPU: protected
    plan = refill_preview(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (plan.queue, plan.refill, plan.shown) == ({"inactive": 1, "protected": 1}, 0, [])
    run = programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (run.freed, run.refilled, run.batch) == ({"died": 1}, 0, None)
    # The place stays open for a later refill.
    assert selectors.burn_down(programme, PER_WORKER).places_left == 0  # 4 months used up


def test_the_money_left_limits_the_refill(
    running: tuple[Programme, dict[str, Worker]],
    planner_kukar: User,
    make_membership: Callable[..., Membership],
) -> None:
    programme, w = running
    _die(w["Ani"], date(2026, 9, 10))
    make_membership(w["Budi"], segment="PU", declared_wage=4_000_000, start=date(2026, 10, 1))
    Programme.objects.filter(pk=programme.pk).update(budget=500_000)  # a budget cut
    plan = refill_preview(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (plan.budget_left, plan.affordable, plan.refill) == (500_000 - 352_800, 1, 1)
    run = programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert run.refilled == 1
    refilled = Beneficiary.objects.get(programme=programme, start=date(2026, 12, 1))
    assert refilled.worker_id == w["Dedi"].pk


def test_a_place_rejected_by_bpjs_is_refilled(
    running: tuple[Programme, dict[str, Worker]],
    planner_kukar: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    programme, w = running
    monkeypatch.setattr(timezone, "localdate", lambda: AS_OF)
    batch = EnrolmentBatch.objects.get(programme=programme)
    batch_return_import(
        programme_id=programme.pk,
        batch_id=batch.pk,
        content=f"ID Lindungi;Status;Alasan\n{w['Ani'].pk};Ditolak;NIK ganda".encode(),
        filename="balikan.csv",
        actor=planner_kukar,
    )
    # Ani was sponsored June-November; the money for the rest pays a replacement.
    plan = refill_preview(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (plan.freed, plan.open_places, plan.budget_left, plan.refill) == (
        [],
        1,
        PER_WORKER - 6 * MONTH,
        1,
    )
    run = programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (run.freed, run.open_places, run.refilled) == ({}, 1, 1)
    assert Beneficiary.objects.get(programme=programme, worker=w["Dedi"]).start == date(2026, 12, 1)


def test_a_merged_worker_keeps_the_place_under_the_survivor(
    running: tuple[Programme, dict[str, Worker]],
    planner_kukar: User,
    admin: User,
    make_worker: Callable[..., Worker],
) -> None:
    from lindungi.registry.services import worker_merge

    programme, w = running
    survivor = make_worker(full_name="Citra Dewi")
    worker_merge(survivor_id=survivor.pk, duplicate_id=w["Citra"].pk, actor=admin)
    plan = refill_preview(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert ([(m.worker_id, m.survivor_id) for m in plan.moved], plan.freed, plan.refill) == (
        [(w["Citra"].pk, survivor.pk)],
        [],
        0,
    )
    run = programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert (run.moved, run.freed, run.refilled) == (1, {}, 0)
    moved = Beneficiary.objects.get(programme=programme, worker=survivor)
    assert (moved.end, moved.end_reason) == (date(2027, 6, 1), "")
    assert Membership.objects.get(pk=moved.membership_id).worker_id == survivor.pk


def test_only_a_running_programme_is_refilled(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = approved_programme(start_month=START)
    before = counts()
    with pytest.raises(Conflict, match="berjalan"):
        programme_refill(programme_id=programme.pk, actor=planner_kukar, as_of=AS_OF)
    assert counts() == before


def test_sponsors_and_other_regions_may_not_refill_and_nothing_changes(
    running: tuple[Programme, dict[str, Worker]],
    kukar_staff: User,
    branch_officer_kubu_raya: User,
) -> None:
    programme, w = running
    _die(w["Ani"], date(2026, 9, 10))
    before = state()
    with pytest.raises(PermissionDenied):
        refill_preview(programme_id=programme.pk, actor=kukar_staff, as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        programme_refill(programme_id=programme.pk, actor=kukar_staff, as_of=AS_OF)
    with pytest.raises(NotFound):
        programme_refill(programme_id=programme.pk, actor=branch_officer_kubu_raya, as_of=AS_OF)
    assert state() == before
