"""Sponsors and programmes: creation, the status lifecycle, four eyes, scope and permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lindungi.accounts.models import User
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.programs import rules, selectors
from lindungi.programs.models import Programme, Sponsor
from lindungi.programs.services import programme_create, programme_transition, sponsor_create

pytestmark = pytest.mark.django_db


def test_create_draft_with_its_own_payer(
    new_programme: Callable[..., Programme], kukar_staff: User
) -> None:
    programme = new_programme(target_regions=("6402.01",), target_deciles=(2, 1, 1))
    assert programme.status == "draft"
    assert (programme.sponsor.name, programme.region_id) == ("Pemkab Kutai Kartanegara", "6402")
    assert (programme.payer.kind, programme.payer.label) == ("program", programme.name)
    assert (programme.target_regions, programme.target_deciles) == (["640201"], [1, 2])
    assert programme.priority == ["decile", "hazard", "waiting"]
    event = AuditEvent.objects.get(action="programme.create")
    assert (event.actor, event.object_id, event.region_code) == (
        kukar_staff,
        str(programme.pk),
        "6402",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": 0}, "budget"),
        ({"months": 61}, "months"),
        ({"start_month": date(2027, 1, 15)}, "start_month"),
        ({"declared_income": 900_000}, "declared_income"),
        ({"declared_income": 20_700_001}, "declared_income"),
        ({"target_regions": ("6112",)}, "target_regions"),
        ({"target_deciles": (0,)}, "target_deciles"),
        ({"min_age": 40, "max_age": 30}, "max_age"),
        ({"priority": ("richest",)}, "priority"),
        ({"budget_source": "lottery"}, "budget_source"),
        ({"name": " "}, "name"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    new_programme: Callable[..., Programme],
    counts: Callable[[], dict[str, int]],
    overrides: dict[str, object],
    field: str,
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        new_programme(**overrides)
    assert field in exc.value.errors
    assert counts() == before


def test_sponsor_cannot_create_for_another_sponsor(
    new_programme: Callable[..., Programme],
    kubu_raya_csr: Sponsor,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        new_programme(sponsor_id=kubu_raya_csr.pk)
    assert "sponsor_id" in exc.value.errors
    assert counts() == before


def test_regional_planner_creates_for_a_sponsor_in_region(
    new_programme: Callable[..., Programme],
    planner_kukar: User,
    kukar_government: Sponsor,
    kubu_raya_csr: Sponsor,
) -> None:
    programme = new_programme(actor=planner_kukar, sponsor_id=kukar_government.pk)
    assert programme.sponsor == kukar_government
    with pytest.raises(ValidationError):
        new_programme(actor=planner_kukar, sponsor_id=kubu_raya_csr.pk)  # out of scope


def test_lifecycle_with_four_eyes(
    new_programme: Callable[..., Programme], kukar_staff: User, kukar_head: User
) -> None:
    programme = new_programme()
    programme_transition(programme_id=programme.pk, to="submitted", actor=kukar_staff)
    with pytest.raises(PermissionDenied):
        programme_transition(programme_id=programme.pk, to="approved", actor=kukar_staff)
    programme.refresh_from_db()
    assert (programme.status, programme.approved_by) == ("submitted", None)
    done = programme_transition(programme_id=programme.pk, to="approved", actor=kukar_head)
    assert (done.status, done.approved_by) == ("approved", kukar_head)
    actions = list(
        AuditEvent.objects.filter(object_type="programs.programme")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["programme.create", "programme.submitted", "programme.approved"]


ALL = ("draft", "submitted", "approved", "active", "closed", "rejected")
ALLOWED = {
    ("draft", "submitted"),
    ("submitted", "approved"),
    ("submitted", "rejected"),
    ("rejected", "draft"),
    ("approved", "active"),
    ("active", "closed"),
}


@pytest.mark.parametrize(("frm", "to"), [(a, b) for a in ALL for b in ALL])
def test_transition_table(frm: str, to: str) -> None:
    assert (rules.transition_permission(frm, to) is not None) == ((frm, to) in ALLOWED)


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), "approved"),
        ((), "active"),
        ((), "closed"),
        (("submitted",), "active"),
        (("submitted",), "draft"),
        (("submitted", "rejected"), "approved"),
    ],
)
def test_forbidden_transitions_change_nothing(
    new_programme: Callable[..., Programme],
    kukar_staff: User,
    kukar_head: User,
    path: tuple[str, ...],
    to: str,
) -> None:
    programme = new_programme()
    for step in path:
        actor = kukar_staff if step == "submitted" else kukar_head
        programme_transition(programme_id=programme.pk, to=step, actor=actor)
    events = AuditEvent.objects.count()
    status = Programme.objects.get(pk=programme.pk).status
    with pytest.raises(Conflict):
        programme_transition(programme_id=programme.pk, to=to, actor=kukar_head)
    assert Programme.objects.get(pk=programme.pk).status == status
    assert AuditEvent.objects.count() == events


def test_rejected_goes_back_to_draft(
    new_programme: Callable[..., Programme], kukar_staff: User, kukar_head: User
) -> None:
    programme = new_programme()
    for to, who in (("submitted", kukar_staff), ("rejected", kukar_head), ("draft", kukar_staff)):
        programme = programme_transition(programme_id=programme.pk, to=to, actor=who)
    assert programme.status == "draft"


def test_other_sponsor_gets_not_found_and_nothing_changes(
    new_programme: Callable[..., Programme],
    kubu_raya_staff: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = new_programme()
    before = counts()
    with pytest.raises(NotFound):
        selectors.programme_get(actor=kubu_raya_staff, programme_id=programme.pk)
    with pytest.raises(NotFound):
        programme_transition(programme_id=programme.pk, to="submitted", actor=kubu_raya_staff)
    assert counts() == before
    assert Programme.objects.get(pk=programme.pk).status == "draft"
    assert list(selectors.programme_list(actor=kubu_raya_staff)) == []


@pytest.mark.parametrize("persona", ["dprd_kaltim", "auditor", "village_officer_sungai_raya"])
def test_roles_without_manage_create_nothing(
    request: pytest.FixtureRequest,
    persona: str,
    kukar_government: Sponsor,
    programme_input_factory: Callable[..., object],
    counts: Callable[[], dict[str, int]],
) -> None:
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        programme_create(data=programme_input_factory(sponsor_id=kukar_government.pk), actor=actor)  # type: ignore[arg-type]
    assert counts() == before


def test_branch_officer_may_not_approve(
    new_programme: Callable[..., Programme], kukar_staff: User, branch_officer_kukar: User
) -> None:
    programme = new_programme()
    programme_transition(programme_id=programme.pk, to="submitted", actor=kukar_staff)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        programme_transition(programme_id=programme.pk, to="approved", actor=branch_officer_kukar)
    assert Programme.objects.get(pk=programme.pk).status == "submitted"
    assert AuditEvent.objects.count() == events


def test_sponsor_create_in_scope(
    planner_kukar: User, kukar_staff: User, counts: Callable[[], dict[str, int]]
) -> None:
    sponsor = sponsor_create(
        name="Desa Perian", kind="village", region_code="6402012001", actor=planner_kukar
    )
    assert sponsor.region_id == "6402012001"
    before = counts()
    with pytest.raises(ValidationError):
        sponsor_create(
            name="Desa Lain", kind="village", region_code="6112012001", actor=planner_kukar
        )
    with pytest.raises(PermissionDenied):
        sponsor_create(name="X", kind="csr", region_code="6402", actor=kukar_staff)
    assert counts() == before


def test_sponsor_users_see_their_own_sponsor_only(
    kukar_staff: User, kukar_government: Sponsor, kubu_raya_csr: Sponsor, planner_kukar: User
) -> None:
    assert list(selectors.sponsor_list(actor=kukar_staff)) == [kukar_government]
    assert list(selectors.sponsor_list(actor=planner_kukar)) == [kukar_government]
    with pytest.raises(NotFound):
        selectors.sponsor_get(actor=kukar_staff, sponsor_id=kubu_raya_csr.pk)
