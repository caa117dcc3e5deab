"""Selection by targets, exclusions and priority within quota; enrolment all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection

from lindungi.accounts.models import User
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.programs import selectors
from lindungi.programs.models import Beneficiary, Candidate, Programme
from lindungi.programs.selection import BudgetExhausted, programme_enrol, programme_select
from lindungi.registry.models import Membership, Worker
from lindungi.registry.services import membership_end  # noqa: F401  (registry is the source)

pytestmark = pytest.mark.django_db
PER_WORKER = 201_600  # 12 months of JKK + JKM at Rp1,000,000 from 2027-01


def _reasons(run_id: int) -> dict[str, str]:
    return {
        c.worker.full_name: c.reason
        for c in Candidate.objects.filter(run_id=run_id).select_related("worker")
    }


def test_reasons_and_priority(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    make_membership: Callable[..., Membership],
) -> None:
    programme = approved_programme(
        target_regions=("640201",), target_deciles=(1, 2, 3), max_age=60, quota=3
    )
    make_worker(full_name="Decile 3", welfare_decile=3)
    make_worker(full_name="Decile 1 hazardous", welfare_decile=1, occupation_id=_hazardous())
    make_worker(full_name="Decile 1", welfare_decile=1)
    make_worker(full_name="Decile 2", welfare_decile=2)
    make_worker(full_name="Rich", welfare_decile=9)
    make_worker(full_name="Elsewhere", village_id="6402022001")
    make_worker(full_name="Kubu Raya", village_id="6112012001")  # outside the programme's region
    make_worker(full_name="Child", birth_date=date(2010, 5, 1))
    make_worker(full_name="Old", birth_date=date(1960, 1, 1))
    make_worker(full_name="Dead", status="deceased", ended_on=date(2026, 1, 1))
    make_membership(make_worker(full_name="Self-paying"), start=date(2026, 6, 1))
    make_membership(
        make_worker(full_name="Lapsed"),
        start=date(2025, 1, 1),
        end=date(2026, 1, 1),
        end_reason="lapsed",
    )
    make_membership(make_worker(full_name="Employee"), segment="PU", declared_wage=4_000_000)
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    reasons = _reasons(run.pk)
    assert reasons == {
        "Decile 3": "quota",
        "Decile 1 hazardous": "",
        "Decile 1": "",
        "Decile 2": "quota",
        "Rich": "decile",
        "Elsewhere": "region",
        "Child": "age",
        "Old": "age",
        "Dead": "inactive",
        "Self-paying": "protected",
        "Lapsed": "",  # ended before the programme: not protected then
        "Employee": "wage_earner",
    }
    # Lowest decile first, then the most hazardous occupation, then the longest registered.
    ranked = Candidate.objects.filter(run=run, rank__isnull=False).order_by("rank")
    assert [c.worker.full_name for c in ranked] == ["Decile 1 hazardous", "Decile 1", "Lapsed"]
    assert (run.quota, run.included, run.candidates) == (3, 3, 12)
    assert run.counts == {
        "included": 3,
        "quota": 2,
        "decile": 1,
        "region": 1,
        "age": 2,
        "inactive": 1,
        "protected": 1,
        "wage_earner": 1,
    }


def test_the_waiting_list_is_bounded_and_the_rest_only_counted(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Quota 2, waiting list max(2 // 4, 2) = 2: of 7 eligible, 4 are listed and 3 counted."""
    from lindungi.programs import rules

    monkeypatch.setattr(rules, "WAITING_MIN", 2)
    programme = approved_programme(quota=2, target_deciles=(1, 2, 3, 4, 5, 6, 7))
    for decile in (7, 3, 1, 5, 2, 6, 4):
        make_worker(full_name=f"Decile {decile}", welfare_decile=decile)
    make_worker(full_name="Rich", welfare_decile=9)
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    assert _reasons(run.pk) == {
        "Decile 1": "",
        "Decile 2": "",
        "Decile 3": "quota",
        "Decile 4": "quota",
        "Rich": "decile",
    }
    assert (run.included, run.waiting, run.candidates) == (2, 2, 8)
    assert run.counts == {"included": 2, "quota": 5, "decile": 1}
    ranked = Candidate.objects.filter(run=run).order_by("pk")
    assert [(c.worker.full_name, c.rank) for c in ranked][:2] == [("Decile 1", 1), ("Decile 2", 2)]


def _hazardous() -> str:
    from lindungi.reference.models import Occupation

    return Occupation.objects.order_by("-jkk_risk_group", "code").values_list("code", flat=True)[0]


@pytest.fixture
def kukar_workers(make_worker: Callable[..., Worker]) -> list[Worker]:
    return [make_worker(welfare_decile=1 + i % 3) for i in range(6)]


def test_enrol_creates_memberships_paid_by_the_programme(
    approved_programme: Callable[..., Programme], planner_kukar: User, kukar_workers: list[Worker]
) -> None:
    programme = approved_programme(quota=4)
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=3)
    assert (batch.workers, batch.cost) == (3, 3 * PER_WORKER)
    members = Membership.objects.filter(payer=programme.payer).order_by("worker_id")
    assert [
        (m.segment, m.programmes, m.declared_wage, m.start, m.end, m.end_reason) for m in members
    ] == [
        ("BPU", ["JKK", "JKM"], 1_000_000, date(2027, 1, 1), date(2028, 1, 1), "program_ended")
    ] * 3
    ranked = Candidate.objects.filter(run=run, rank__lte=3).values_list("worker_id", flat=True)
    assert set(members.values_list("worker_id", flat=True)) == set(ranked)
    assert Programme.objects.get(pk=programme.pk).status == "active"
    # The 4th place, then nothing left within quota.
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    assert Beneficiary.objects.filter(programme=programme).count() == 4
    burn = selectors.burn_down(programme, PER_WORKER)
    assert (burn.enrolled, burn.committed, burn.billed, burn.places_left) == (
        4,
        4 * PER_WORKER,
        0,
        0,
    )
    assert burn.remaining == 1_000_000_000 - 4 * PER_WORKER


def test_reselection_marks_enrolled(
    approved_programme: Callable[..., Programme], planner_kukar: User, kukar_workers: list[Worker]
) -> None:
    programme = approved_programme(quota=4)
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=2)
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    assert (run.quota, run.counts) == (2, {"enrolled": 2, "included": 2, "quota": 2})


def test_no_worker_sponsored_twice_for_a_month(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> None:
    worker = make_worker()
    first = approved_programme(name="Program A")
    second = approved_programme(name="Program B", start_month=date(2027, 6, 1), months=12)
    programme_select(programme_id=first.pk, actor=planner_kukar)
    run_b = programme_select(programme_id=second.pk, actor=planner_kukar)  # before A enrols
    programme_enrol(programme_id=first.pk, actor=planner_kukar)
    # Selected for B while still free; enrolling now would sponsor Jun-Dec 2027 twice.
    events, members = AuditEvent.objects.count(), Membership.objects.count()
    with pytest.raises(Conflict, match="seleksi ulang"):
        programme_enrol(programme_id=second.pk, actor=planner_kukar)
    assert (AuditEvent.objects.count(), Membership.objects.count()) == (events, members)
    assert Beneficiary.objects.filter(worker=worker).count() == 1
    assert Programme.objects.get(pk=second.pk).status == "approved"
    assert Candidate.objects.get(run=run_b, worker=worker).reason == ""
    run = programme_select(programme_id=second.pk, actor=planner_kukar)
    assert Candidate.objects.get(run=run, worker=worker).reason == "protected"


def test_database_refuses_a_second_sponsorship_directly(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> None:
    """Even a write that skips the services cannot sponsor one worker twice for a month."""
    from django.db import IntegrityError, transaction

    worker = make_worker()
    first = approved_programme(name="Program A")
    second = approved_programme(name="Program B")
    programme_select(programme_id=first.pk, actor=planner_kukar)
    programme_enrol(programme_id=first.pk, actor=planner_kukar)
    beneficiary = Beneficiary.objects.get(worker=worker)
    other = Membership.objects.create(
        worker=worker,
        segment="PMI",
        payer=second.payer,
        declared_wage=1_000_000,
        start=date(2027, 12, 1),
        end=date(2028, 3, 1),
        end_reason="program_ended",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiary.objects.create(
            programme=second,
            worker=worker,
            membership=other,
            batch=beneficiary.batch,
            start=date(2027, 12, 1),
            end=date(2028, 3, 1),
        )
    assert Beneficiary.objects.filter(worker=worker).count() == 1


ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL holds the rule as containment in the membership; SQLite as no overlap",
)


@ON_POSTGRES
@pytest.mark.parametrize(
    ("segment", "same_worker", "start", "end", "refused"),
    [
        ("BPU", True, date(2028, 1, 1), date(2028, 4, 1), False),  # inside its membership
        ("PMI", True, date(2028, 1, 1), date(2028, 4, 1), True),  # not a BPU membership
        ("BPU", False, date(2028, 1, 1), date(2028, 4, 1), True),  # another worker's
        ("BPU", True, date(2027, 12, 1), date(2028, 4, 1), True),  # starts before it
        ("BPU", True, date(2028, 1, 1), date(2028, 5, 1), True),  # ends after it
    ],
)
def test_database_keeps_each_beneficiary_inside_its_own_bpu_membership(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    segment: str,
    same_worker: bool,
    start: date,
    end: date,
    refused: bool,
) -> None:
    from django.db import IntegrityError, transaction

    worker, other = make_worker(), make_worker()
    first = approved_programme(name="Program A")
    programme_select(programme_id=first.pk, actor=planner_kukar)
    programme_enrol(programme_id=first.pk, actor=planner_kukar, count=1)
    batch = Beneficiary.objects.get(programme=first).batch
    membership = Membership.objects.create(
        worker=worker if same_worker else other,
        segment=segment,
        payer=first.payer,
        declared_wage=1_000_000,
        start=date(2028, 1, 1),
        end=date(2028, 4, 1),
        end_reason="program_ended",
    )
    second = approved_programme(name="Program B", start_month=date(2028, 1, 1), months=3)
    before = Beneficiary.objects.count()

    def write() -> None:
        with transaction.atomic():
            Beneficiary.objects.create(
                programme=second,
                worker=worker,
                membership=membership,
                batch=batch,
                start=start,
                end=end,
            )

    if refused:
        with pytest.raises(IntegrityError, match="beneficiary_within_membership"):
            write()
        assert Beneficiary.objects.count() == before
    else:
        write()
        assert Beneficiary.objects.count() == before + 1


@ON_POSTGRES
def test_database_refuses_to_stretch_a_beneficiary_past_its_membership(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> None:
    from django.db import IntegrityError, transaction

    make_worker()
    programme = approved_programme()
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    beneficiary = Beneficiary.objects.get(programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiary.objects.filter(pk=beneficiary.pk).update(end=date(2029, 1, 1))
    assert Beneficiary.objects.get(pk=beneficiary.pk).end == beneficiary.end


def test_exhausted_budget_stops_enrolment_with_a_clear_message(
    approved_programme: Callable[..., Programme], planner_kukar: User, kukar_workers: list[Worker]
) -> None:
    programme = approved_programme(budget=3 * PER_WORKER + 100_000)  # pays 3 of 6
    run = programme_select(programme_id=programme.pk, actor=planner_kukar)
    assert (run.quota, run.included) == (3, 3)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=2)
    Programme.objects.filter(pk=programme.pk).update(budget=2 * PER_WORKER + 100_000)  # cut
    before = (Membership.objects.count(), Beneficiary.objects.count(), AuditEvent.objects.count())
    with pytest.raises(BudgetExhausted) as exc:
        programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=1)
    assert exc.value.message == (
        "Anggaran program habis: sisa Rp100.000 hanya cukup untuk 0 pekerja "
        "(Rp201.600 per pekerja), diminta 1. Tidak ada yang didaftarkan."
    )
    assert (
        Membership.objects.count(),
        Beneficiary.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_enrol_more_than_budget_writes_nothing(
    approved_programme: Callable[..., Programme], planner_kukar: User, kukar_workers: list[Worker]
) -> None:
    programme = approved_programme(budget=5 * PER_WORKER)
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    Programme.objects.filter(pk=programme.pk).update(budget=2 * PER_WORKER)
    with pytest.raises(BudgetExhausted, match="hanya cukup untuk 2 pekerja"):
        programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    assert Membership.objects.filter(payer=programme.payer).count() == 0
    assert Programme.objects.get(pk=programme.pk).status == "approved"


def test_enrol_needs_approval_and_a_selection(
    new_programme: Callable[..., Programme],
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    branch_officer_kukar: User,
    kukar_workers: list[Worker],
    counts: Callable[[], dict[str, int]],
) -> None:
    draft = new_programme()
    before = counts()
    with pytest.raises(PermissionDenied):
        programme_select(programme_id=draft.pk, actor=branch_officer_kukar)
    assert counts() == before
    programme_select(programme_id=draft.pk, actor=planner_kukar)  # a draft may be previewed
    before = counts()
    with pytest.raises(Conflict, match="belum disetujui"):
        programme_enrol(programme_id=draft.pk, actor=planner_kukar)
    assert counts() == before
    approved = approved_programme()
    before = counts()
    with pytest.raises(ValidationError, match="seleksi"):
        programme_enrol(programme_id=approved.pk, actor=planner_kukar)
    assert counts() == before


def test_sponsor_users_may_not_enrol_and_nothing_changes(
    approved_programme: Callable[..., Programme],
    kukar_staff: User,
    planner_kukar: User,
    kukar_workers: list[Worker],
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = approved_programme()
    programme_select(programme_id=programme.pk, actor=kukar_staff)
    before = counts()
    with pytest.raises(PermissionDenied):
        programme_enrol(programme_id=programme.pk, actor=kukar_staff)
    assert counts() == before


def test_other_scope_cannot_select_or_enrol(
    approved_programme: Callable[..., Programme],
    kubu_raya_staff: User,
    branch_officer_kubu_raya: User,
    kukar_workers: list[Worker],
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = approved_programme()
    before = counts()
    with pytest.raises(NotFound):
        programme_select(programme_id=programme.pk, actor=kubu_raya_staff)
    with pytest.raises(NotFound):
        programme_enrol(programme_id=programme.pk, actor=branch_officer_kubu_raya)
    assert counts() == before


def test_closed_programme_selects_nobody(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    kukar_staff: User,
    kukar_workers: list[Worker],
) -> None:
    from lindungi.programs.services import programme_transition

    programme = approved_programme()
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=1)
    programme_transition(programme_id=programme.pk, to="closed", actor=kukar_staff)
    runs = programme.runs.count()
    with pytest.raises(Conflict, match="ditutup"):
        programme_select(programme_id=programme.pk, actor=planner_kukar)
    with pytest.raises(Conflict, match="belum disetujui"):
        programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    assert programme.runs.count() == runs


def test_budget_exhausted_over_the_api_is_409(
    approved_programme: Callable[..., Programme], planner_kukar: User, kukar_workers: list[Worker]
) -> None:
    import json as _json

    from django.test import Client

    from lindungi.accounts.services import token_issue

    programme = approved_programme(budget=2 * PER_WORKER)
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    Programme.objects.filter(pk=programme.pk).update(budget=PER_WORKER)
    _, secret = token_issue(user=planner_kukar, name="t", actor=None)
    response = Client().post(
        f"/api/v1/programs/{programme.pk}/enrol",
        _json.dumps({}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "budget_exhausted"
    assert "hanya cukup untuk 1 pekerja" in response.json()["message"]
    assert Beneficiary.objects.count() == 0
