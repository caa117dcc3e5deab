"""A donor's impact report: aggregates from the allocation, small cells hidden, no personal data.

Fifteen workers in Kutai Kartanegara: twelve fishers (JKK risk group IV, enrolled first) and
three farmers. The CSR company's Rp2,620,800 pays thirteen workers for the year (twelve fishers
and one farmer); Siti's Rp401,400 pays one more farmer (Rp201,600); the Rp199,800 left does not
pay for a fifteenth worker, so only fourteen are enrolled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest

from lindungi.accounts.models import User
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.donations.allocation import pool_allocate
from lindungi.donations.impact import donor_impact, impact_pdf
from lindungi.donations.models import Donation, Donor, Pool
from lindungi.programs.models import Programme
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db

NIK_LIKE = re.compile(rb"\d{16}")


@pytest.fixture
def allocated(
    pool: Pool,
    programme: Programme,
    donor: Donor,
    person: Donor,
    give: Callable[..., Donation],
    make_worker: Callable[..., Worker],
    enrol: Callable[..., int],
    branch_officer_kukar: User,
) -> list[Worker]:
    workers = [make_worker(occupation_id="nelayan") for _ in range(12)]
    workers += [make_worker(occupation_id="petani") for _ in range(3)]
    give(donor, 13 * 201_600, on=date(2026, 9, 1))
    give(person, 401_400, on=date(2026, 9, 2))
    assert enrol(programme) == 14  # 3,022,200 // 201,600
    pool_allocate(pool_id=pool.pk, actor=branch_officer_kukar)
    return workers


def test_the_company_sees_what_its_money_did(
    allocated: list[Worker], donor: Donor, csr_user: User
) -> None:
    impact = donor_impact(actor=csr_user, donor_id=donor.pk)
    assert (impact.donor, impact.received, impact.donations) == ("PT Peduli Pekerja", 2_620_800, 1)
    assert (impact.allocated, impact.worker_months, impact.workers.shown) == (2_620_800, 156, 13)
    assert [
        (r.code, r.name, r.workers.shown, r.worker_months, r.amount) for r in impact.provinces
    ] == [("64", "Kalimantan Timur", 13, 156, 2_620_800)]
    assert [(r.code, r.workers.shown) for r in impact.regencies] == [("6402", 13)]
    # One farmer alone would be recognisable; hiding it alone would leave 13 - 12 = 1.
    assert [(r.name, r.workers.shown, r.worker_months, r.amount) for r in impact.occupations] == [
        ("Nelayan", "<10", None, None),
        ("Petani", "<10", None, None),
    ]
    assert impact.claims_paid is None
    assert not impact.stale


def test_an_individual_appears_by_code_and_small_totals_are_hidden(
    allocated: list[Worker], person: Donor, branch_officer_kukar: User
) -> None:
    impact = donor_impact(actor=branch_officer_kukar, donor_id=person.pk)
    assert impact.donor == f"Donatur D-{person.pk:05d}"
    assert (impact.received, impact.allocated, impact.worker_months) == (401_400, 201_600, 12)
    assert impact.workers.shown == "<10"
    assert [(r.name, r.workers.shown, r.worker_months) for r in impact.occupations] == [
        ("Petani", "<10", None)
    ]


def test_no_personal_data_in_any_form_of_the_report(
    allocated: list[Worker], donor: Donor, person: Donor, branch_officer_kukar: User
) -> None:
    for who in (donor, person):
        impact = donor_impact(actor=branch_officer_kukar, donor_id=who.pk)
        outputs = [json.dumps(impact.as_dict(), default=str).encode(), impact_pdf(impact)]
        for output in outputs:
            assert b"Nelayan Rahasia" not in output
            assert b"Siti" not in output
            assert NIK_LIKE.search(output) is None
            for worker in allocated:
                assert worker.full_name.encode() not in output


def test_others_read_it_as_missing_or_are_refused(
    allocated: list[Worker],
    person: Donor,
    csr_user: User,
    gn_user: User,
    branch_officer_kubu_raya: User,
    dprd_kaltim: User,
) -> None:
    for actor in (csr_user, branch_officer_kubu_raya):
        with pytest.raises(NotFound):
            donor_impact(actor=actor, donor_id=person.pk)
    with pytest.raises(PermissionDenied):
        donor_impact(actor=dprd_kaltim, donor_id=person.pk)
    assert donor_impact(actor=gn_user, donor_id=person.pk).worker_months == 12


def test_report_queries_are_bounded(
    allocated: list[Worker],
    donor: Donor,
    csr_user: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    with django_assert_max_num_queries(14):  # type: ignore[attr-defined]
        donor_impact(actor=csr_user, donor_id=donor.pk)


def test_the_report_says_when_the_allocation_is_out_of_date(
    allocated: list[Worker], donor: Donor, csr_user: User, give: Callable[..., Donation]
) -> None:
    give(donor, 201_600, on=date(2026, 9, 3))
    impact = donor_impact(actor=csr_user, donor_id=donor.pk)
    assert impact.stale
    assert impact.received == 2_822_400
    assert impact.allocated == 2_620_800  # the figures stay those of the last allocation
