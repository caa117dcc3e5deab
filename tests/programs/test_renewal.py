"""Renewal for the next period: a linked draft, four eyes, and "same beneficiaries first"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lindungi.accounts.models import User
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.programs.models import Beneficiary, Candidate, Programme
from lindungi.programs.renewal import programme_renew
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.services import programme_transition
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db
START = date(2026, 6, 1)
PER_WORKER = 201_600


@pytest.fixture
def finished(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> tuple[Programme, dict[str, Worker]]:
    """Ani, Budi, Citra sponsored June 2026 - May 2027; since then Ani's decile rose to 4."""
    programme = approved_programme(start_month=START, quota=3, target_regions=("640201",))
    people = (("Ani", 1), ("Budi", 1), ("Citra", 1), ("Dedi", 2), ("Eka", 3))
    workers = {name: make_worker(full_name=name, welfare_decile=d) for name, d in people}
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    Worker.objects.filter(pk=workers["Ani"].pk).update(welfare_decile=4)
    return Programme.objects.get(pk=programme.pk), workers


def _approve(programme: Programme, staff: User, head: User) -> None:
    programme_transition(programme_id=programme.pk, to="submitted", actor=staff)
    programme_transition(programme_id=programme.pk, to="approved", actor=head)


def _included(programme: Programme, planner: User) -> list[str]:
    run = programme_select(programme_id=programme.pk, actor=planner)
    ranked = Candidate.objects.filter(run=run, reason="").order_by("rank")
    return [c.worker.full_name for c in ranked.select_related("worker")]


def test_renewal_is_a_linked_draft_with_the_same_targets(
    finished: tuple[Programme, dict[str, Worker]], kukar_staff: User, kukar_head: User
) -> None:
    old, _w = finished
    new = programme_renew(
        programme_id=old.pk, actor=kukar_staff, mode="same", budget=3 * PER_WORKER
    )
    assert (
        new.status,
        new.predecessor_id,
        new.renewal_mode,
        new.start_month,
        new.months,
        new.fiscal_year,
        new.budget,
        new.name,
    ) == (
        "draft",
        old.pk,
        "same",
        date(2027, 6, 1),
        12,
        2027,
        3 * PER_WORKER,
        "Perlindungan Pekerja Rentan Kukar 2027 (06/2027)",
    )
    same = ("sponsor_id", "region_id", "quota", "target_regions", "target_deciles", "priority")
    assert [getattr(new, f) for f in same] == [getattr(old, f) for f in same]
    assert (new.created_by_id, new.payer_id != old.payer_id) == (kukar_staff.pk, True)
    mine = AuditEvent.objects.filter(object_type="programs.programme", object_id=str(new.pk))
    actions = mine.values_list("action", flat=True)
    assert sorted(actions) == ["programme.create", "programme.renew"]
    # Four eyes as for any programme: the creator may not approve the renewal.
    programme_transition(programme_id=new.pk, to="submitted", actor=kukar_staff)
    with pytest.raises(PermissionDenied):
        programme_transition(programme_id=new.pk, to="approved", actor=kukar_staff)
    programme_transition(programme_id=new.pk, to="approved", actor=kukar_head)


@pytest.mark.parametrize(
    ("mode", "included"),
    [
        ("same", ["Budi", "Citra", "Ani"]),  # last period's beneficiaries first
        ("reselect", ["Budi", "Citra", "Dedi"]),  # Ani's decile 4 now ranks below Dedi's 2
    ],
)
def test_same_puts_the_previous_beneficiaries_first(
    finished: tuple[Programme, dict[str, Worker]],
    kukar_staff: User,
    kukar_head: User,
    planner_kukar: User,
    mode: str,
    included: list[str],
) -> None:
    old, _w = finished
    new = programme_renew(programme_id=old.pk, actor=kukar_staff, mode=mode, budget=10**9)
    _approve(new, kukar_staff, kukar_head)
    assert _included(new, planner_kukar) == included
    programme_enrol(programme_id=new.pk, actor=planner_kukar)
    enrolled = Beneficiary.objects.filter(programme=new).select_related("worker")
    assert sorted(b.worker.full_name for b in enrolled) == sorted(included)
    assert {(b.start, b.end) for b in enrolled} == {(date(2027, 6, 1), date(2028, 6, 1))}


def test_only_still_eligible_previous_beneficiaries_come_first(
    finished: tuple[Programme, dict[str, Worker]],
    kukar_staff: User,
    kukar_head: User,
    planner_kukar: User,
) -> None:
    """Citra died; Budi's place ended early (rejected by BPJS): neither jumps the queue."""
    old, w = finished
    Worker.objects.filter(pk=w["Citra"].pk).update(status="deceased", ended_on=date(2027, 2, 1))
    Beneficiary.objects.filter(programme=old, worker=w["Budi"]).update(end_reason="rejected")
    new = programme_renew(programme_id=old.pk, actor=kukar_staff, mode="same", budget=10**9)
    _approve(new, kukar_staff, kukar_head)
    assert _included(new, planner_kukar) == ["Ani", "Budi", "Dedi"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "copy", "budget": 10**9}, "mode"),
        ({"mode": "same", "budget": 0}, "budget"),
        ({"mode": "same", "budget": 10**9, "start_month": date(2027, 3, 1)}, "start_month"),
        ({"mode": "same", "budget": 10**9, "months": 61}, "months"),
    ],
)
def test_bad_renewals_are_refused_by_field(
    finished: tuple[Programme, dict[str, Worker]],
    kukar_staff: User,
    counts: Callable[[], dict[str, int]],
    kwargs: dict[str, object],
    field: str,
) -> None:
    old, _w = finished
    before = counts()
    with pytest.raises(ValidationError) as exc:
        programme_renew(programme_id=old.pk, actor=kukar_staff, **kwargs)  # type: ignore[arg-type]
    assert field in exc.value.errors
    assert counts() == before


def test_one_renewal_per_programme_and_none_of_a_draft(
    finished: tuple[Programme, dict[str, Worker]],
    new_programme: Callable[..., Programme],
    kukar_staff: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    old, _w = finished
    first = programme_renew(programme_id=old.pk, actor=kukar_staff, mode="reselect", budget=10**9)
    draft = new_programme()
    before = counts()
    with pytest.raises(Conflict, match=f"#{first.pk}"):
        programme_renew(programme_id=old.pk, actor=kukar_staff, mode="same", budget=10**9)
    with pytest.raises(Conflict, match="disetujui"):
        programme_renew(programme_id=draft.pk, actor=kukar_staff, mode="same", budget=10**9)
    assert counts() == before


def test_who_may_renew(
    finished: tuple[Programme, dict[str, Worker]],
    branch_officer_kukar: User,
    kubu_raya_staff: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    old, _w = finished
    before = counts()
    with pytest.raises(PermissionDenied):  # BPJS branches enrol; sponsors and planners plan
        programme_renew(programme_id=old.pk, actor=branch_officer_kukar, mode="same", budget=1)
    with pytest.raises(NotFound):  # another sponsor's programme reads as missing
        programme_renew(programme_id=old.pk, actor=kubu_raya_staff, mode="same", budget=1)
    assert counts() == before
