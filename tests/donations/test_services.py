"""Pools, donors, pledges, donations and reversals: the money received is the programme's budget;
every refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.donations import funding, services
from lindungi.donations.models import Donation, Donor, Pledge, Pool, Receipt
from lindungi.programs.models import Programme, Sponsor
from lindungi.programs.selection import BudgetExhausted
from lindungi.programs.services import ProgrammeInput, programme_create
from lindungi.registry.models import Worker

from .conftest import KUKAR, PER_WORKER, START

pytestmark = pytest.mark.django_db


def _actions(obj_type: str = "") -> list[str]:
    qs = AuditEvent.objects.order_by("id")
    if obj_type:
        qs = qs.filter(object_type=obj_type)
    return list(qs.values_list("action", flat=True))


# --- opening a pool ---------------------------------------------------------------------------


def test_opening_a_pool_makes_the_budget_the_money_received(
    pool: Pool, programme: Programme
) -> None:
    programme.refresh_from_db()
    assert (pool.target, pool.name, programme.budget) == (50_000_000, programme.name, 1)
    assert _actions()[-2:] == ["pool.open", "programme.budget"]
    budget_event = AuditEvent.objects.get(action="programme.budget")
    assert (budget_event.before, budget_event.after) == ({"budget": 50_000_000}, {"budget": 1})


def test_only_a_gn_lingkaran_programme_funded_by_donations_gets_a_pool(
    admin: User,
    branch_officer_kukar: User,
    gn_sponsor: Sponsor,
    counts: Callable[[], dict[str, int]],
) -> None:
    regency = Sponsor.objects.create(name="Pemkab", kind="apbd_regency", region_id=KUKAR)
    values = {"fiscal_year": 2027, "budget": 10_000_000, "start_month": START, "months": 12}
    apbd = programme_create(
        data=ProgrammeInput(name="APBD", budget_source="apbd", sponsor_id=regency.pk, **values),
        actor=admin,
    )
    wrong_source = programme_create(
        data=ProgrammeInput(name="GN", budget_source="csr", sponsor_id=gn_sponsor.pk, **values),
        actor=admin,
    )
    before = counts()
    for programme, message in ((apbd, "Donatur GN Lingkaran"), (wrong_source, "Donasi GN")):
        with pytest.raises(ValidationError) as exc:
            services.pool_open(programme_id=programme.pk, actor=branch_officer_kukar)
        assert exc.value.field == "programme_id"
        assert message in exc.value.first_message
    assert counts() == before


def test_a_second_pool_or_a_programme_already_enrolling_is_a_conflict(
    pool: Pool, programme: Programme, branch_officer_kukar: User
) -> None:
    with pytest.raises(Conflict, match="sudah memiliki pool"):
        services.pool_open(programme_id=programme.pk, actor=branch_officer_kukar)


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("planner_kukar", PermissionDenied),  # may plan programmes, not manage donations
        ("sponsor_csr", PermissionDenied),
        ("auditor", PermissionDenied),
        ("branch_officer_kubu_raya", NotFound),  # the programme lies outside its region
    ],
)
def test_opening_is_refused_and_changes_nothing(
    persona: str,
    error: type[Exception],
    programme: Programme,
    counts: Callable[[], dict[str, int]],
    request: pytest.FixtureRequest,
) -> None:
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(error):
        services.pool_open(programme_id=programme.pk, actor=actor)
    assert counts() == before


# --- donors and pledges -----------------------------------------------------------------------


def test_donors_named_anonymous_or_linked_to_a_sponsor(
    pool: Pool, donor: Donor, branch_officer_kukar: User
) -> None:
    anonymous = services.donor_create(
        pool_id=pool.pk,
        kind="individual",
        name="ignored",
        anonymous=True,
        actor=branch_officer_kukar,
    )
    assert (anonymous.name, anonymous.label) == ("", f"Donatur anonim D-{anonymous.pk:05d}")
    assert donor.sponsor is not None
    with pytest.raises(Conflict, match="sudah menjadi donatur"):
        services.donor_create(
            pool_id=pool.pk,
            kind="organisation",
            name="PT Peduli Pekerja lagi",
            sponsor_id=donor.sponsor_id,
            actor=branch_officer_kukar,
        )
    with pytest.raises(ValidationError) as exc:
        services.donor_create(pool_id=pool.pk, kind="alien", name="", actor=branch_officer_kukar)
    assert set(exc.value.errors) == {"kind", "name"}


def test_a_pledge_is_fulfilled_by_its_donations_and_reopened_by_a_reversal(
    donor: Donor, branch_officer_kukar: User, give: Callable[..., Donation]
) -> None:
    pledge = services.pledge_record(
        pool_id=donor.pool_id,
        donor_id=donor.pk,
        amount=1_200_000,
        start_month=date(2026, 9, 1),
        months=12,
        actor=branch_officer_kukar,
    )
    first = give(donor, 600_000, pledge_id=pledge.pk)
    pledge.refresh_from_db()
    assert pledge.status == "open"
    give(donor, 600_000, pledge_id=pledge.pk)
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled"
    funding.donation_reverse(
        donation_id=first.pk, reason="transfer ditolak", actor=branch_officer_kukar
    )
    pledge.refresh_from_db()
    assert pledge.status == "open"
    services.pledge_cancel(pledge_id=pledge.pk, reason="donatur mundur", actor=branch_officer_kukar)
    pledge.refresh_from_db()
    assert (pledge.status, pledge.cancel_reason) == ("cancelled", "donatur mundur")
    with pytest.raises(Conflict):
        services.pledge_cancel(pledge_id=pledge.pk, reason="lagi", actor=branch_officer_kukar)
    with pytest.raises(ValidationError) as exc:
        give(donor, 100_000, pledge_id=pledge.pk)
    assert exc.value.field == "pledge_id"


def test_pledge_input_errors_name_their_fields(donor: Donor, branch_officer_kukar: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.pledge_record(
            pool_id=donor.pool_id,
            donor_id=donor.pk,
            amount=0,
            start_month=date(2026, 9, 15),
            months=61,
            actor=branch_officer_kukar,
        )
    assert set(exc.value.errors) == {"amount", "start_month", "months"}
    assert Pledge.objects.count() == 0


# --- donations --------------------------------------------------------------------------------


def test_a_donation_raises_the_budget_and_gets_a_receipt(
    pool: Pool, donor: Donor, programme: Programme, give: Callable[..., Donation]
) -> None:
    donation = give(donor, 1_000_000, on=date(2026, 10, 1))
    programme.refresh_from_db()
    assert programme.budget == 1_000_000
    receipt = Receipt.objects.get(donation=donation)
    assert receipt.number == f"00001/GNL-{pool.pk}/2026"
    assert _actions()[-2:] == ["programme.budget", "donation.record"]
    event = AuditEvent.objects.filter(action="donation.record").get()
    assert (event.after["receipt"], event.after["budget"], event.region_code) == (
        receipt.number,
        1_000_000,
        KUKAR,
    )


def test_the_same_reference_is_recorded_once(
    donor: Donor, give: Callable[..., Donation], counts: Callable[[], dict[str, int]]
) -> None:
    first = give(donor, 250_000, reference="BCA-0001")
    before = counts()
    again = give(donor, 250_000, reference="BCA-0001")
    assert again.pk == first.pk
    assert counts() == before
    with pytest.raises(Conflict) as exc:
        give(donor, 300_000, reference="BCA-0001")
    assert exc.value.field == "reference"
    assert counts() == before


def test_bad_donations_name_every_field_and_write_nothing(
    donor: Donor, give: Callable[..., Donation], counts: Callable[[], dict[str, int]]
) -> None:
    before = counts()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        give(donor, 0, on=tomorrow, channel="pos", reference=" ")
    assert set(exc.value.errors) == {"amount", "received_on", "channel", "reference"}
    with pytest.raises(ValidationError) as exc:
        give(donor, 1_000, donor_id=10**9)
    assert exc.value.field == "donor_id"
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("planner_kukar", PermissionDenied),
        ("csr_user", PermissionDenied),  # the donor's own users read, they do not record
        ("gn_user", PermissionDenied),
        ("branch_officer_kubu_raya", NotFound),
    ],
)
def test_recording_and_reversing_are_refused_and_change_nothing(
    persona: str,
    error: type[Exception],
    donor: Donor,
    give: Callable[..., Donation],
    counts: Callable[[], dict[str, int]],
    request: pytest.FixtureRequest,
) -> None:
    donation = give(donor, 100_000)
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(error):
        give(donor, 100_000, actor=actor)
    with pytest.raises(NotFound if error is NotFound else error):
        funding.donation_reverse(donation_id=donation.pk, reason="x", actor=actor)
    with pytest.raises(error):
        services.donor_create(pool_id=donor.pool_id, kind="individual", name="A", actor=actor)
    assert counts() == before


def test_a_reversal_is_a_negative_row_that_lowers_the_budget(
    pool: Pool,
    donor: Donor,
    programme: Programme,
    branch_officer_kukar: User,
    give: Callable[..., Donation],
) -> None:
    kept = give(donor, 500_000)
    bounced = give(donor, 1_000_000, reference="BNI-77")
    with pytest.raises(ValidationError):
        funding.donation_reverse(donation_id=bounced.pk, reason=" ", actor=branch_officer_kukar)
    reversal = funding.donation_reverse(
        donation_id=bounced.pk, reason="Transfer ditolak bank", actor=branch_officer_kukar
    )
    assert (reversal.amount, reversal.reverses_id, reversal.reference) == (
        -1_000_000,
        bounced.pk,
        "BNI-77/BATAL",
    )
    assert not Receipt.objects.filter(donation=reversal).exists()
    programme.refresh_from_db()
    assert programme.budget == 500_000
    for target in (bounced, reversal):
        with pytest.raises(Conflict):
            funding.donation_reverse(donation_id=target.pk, reason="x", actor=branch_officer_kukar)
    assert Donation.objects.filter(pool=pool).count() == 3
    assert kept.amount == 500_000


def test_donations_and_receipts_are_append_only(
    donor: Donor, give: Callable[..., Donation]
) -> None:
    donation = give(donor, 100_000)
    for qs in (Donation.objects.filter(pk=donation.pk), Receipt.objects.all()):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            qs.delete()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Donation.objects.filter(pk=donation.pk).update(amount=1)


def test_enrolment_is_limited_by_the_money_received(
    programme: Programme,
    donor: Donor,
    branch_officer_kukar: User,
    give: Callable[..., Donation],
    make_worker: Callable[..., Worker],
    enrol: Callable[..., int],
) -> None:
    for _ in range(9):
        make_worker()
    give(donor, 1_000_000)
    assert enrol(programme) == 4  # 1,000,000 // 201,600
    give(donor, 500_000)
    assert enrol(programme) == 3  # 1,500,000 // 201,600 = 7 in all
    programme.refresh_from_db()
    assert programme.budget - 7 * PER_WORKER == 88_800


def test_a_reversal_after_selection_stops_enrolment_beyond_the_money(
    programme: Programme,
    donor: Donor,
    branch_officer_kukar: User,
    admin: User,
    planner_kukar: User,
    give: Callable[..., Donation],
    make_worker: Callable[..., Worker],
    counts: Callable[[], dict[str, int]],
) -> None:
    from lindungi.programs.selection import programme_enrol, programme_select
    from lindungi.programs.services import programme_transition

    for _ in range(9):
        make_worker()
    give(donor, 500_000)
    bounced = give(donor, 1_000_000)
    programme_transition(programme_id=programme.pk, to="submitted", actor=admin)
    programme_transition(programme_id=programme.pk, to="approved", actor=planner_kukar)
    assert programme_select(programme_id=programme.pk, actor=planner_kukar).included == 7
    funding.donation_reverse(donation_id=bounced.pk, reason="ditolak", actor=branch_officer_kukar)
    before = counts()
    with pytest.raises(BudgetExhausted, match="cukup untuk 2 pekerja"):
        programme_enrol(programme_id=programme.pk, actor=planner_kukar, count=7)
    assert counts() == before
