"""A BPJS branch in a real browser: import the returned file, then refill the rejected place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.access import Role
from lindungi.programs.models import Beneficiary, Programme, Sponsor
from lindungi.registry.models import Membership, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PER_WORKER = 12 * 16_800


def _next_month() -> date:
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


@pytest.fixture
def enrolled(
    reference_data: None, planner_kukar: User, make_user: Callable[..., User]
) -> Programme:
    """Two fishers enrolled (decile 1 and 2); a third (decile 3) waits in the queue."""
    from lindungi.programs.selection import programme_enrol, programme_select
    from lindungi.programs.services import ProgrammeInput, programme_create, programme_transition

    for decile in (1, 2, 3):
        Worker.objects.create(
            full_name=f"Nelayan Desil {decile}",
            name_search=f"nelayan desil {decile}",
            birth_date=date(1980, 1, 1),
            sex="L",
            village_id="6402012001",
            welfare_decile=decile,
        )
    sponsor = Sponsor.objects.create(
        name="Pemkab Kutai Kartanegara", kind="apbd_regency", region_id="6402"
    )
    data = ProgrammeInput(
        name="Rentan Kukar",
        budget_source="apbd",
        fiscal_year=_next_month().year,
        budget=3 * PER_WORKER,
        start_month=_next_month(),
        months=12,
        quota=2,
        sponsor_id=sponsor.pk,
    )
    programme = programme_create(data=data, actor=planner_kukar)
    programme_transition(programme_id=programme.pk, to="submitted", actor=planner_kukar)
    approver = make_user("kadis_kukar", Role.REGIONAL_PLANNER, "6402")
    programme_transition(programme_id=programme.pk, to="approved", actor=approver)
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    return programme


def test_branch_imports_the_returned_file_and_refills_the_rejected_place(
    live_server: Any,
    login: Callable[[Any], Any],
    planner_kukar: User,
    enrolled: Programme,
) -> None:
    first = Worker.objects.get(full_name="Nelayan Desil 1")
    second = Worker.objects.get(full_name="Nelayan Desil 2")
    returned = (
        "ID peserta Lindungi;KPJ;Status;Alasan penolakan\n"
        f"{first.pk};12345678901;Diterima;\n"
        f"{second.pk};;Ditolak;NIK tidak terdaftar\n"
        f"{second.pk};12345;Diterima;\n"
    ).encode()
    page = login(planner_kukar)
    page.goto(f"{live_server.url}/programs/{enrolled.pk}/")
    page.click("#link-returns")
    page.set_input_files(
        "#id_file", files=[{"name": "balikan.csv", "mimeType": "text/csv", "buffer": returned}]
    )
    page.click("button:has-text('Impor berkas balikan')")
    page.wait_for_selector("#problems")
    assert page.inner_text("[data-count=accepted]") == "1"
    assert page.inner_text("[data-count=rejected]") == "1"
    assert page.inner_text("[data-count=invalid]") == "1"
    assert "Peserta yang sama sudah ada di baris 3" in page.inner_text("#problems")
    assert Membership.objects.get(worker=first, payer=enrolled.payer).kpj == "12345678901"

    page.click("text=Isi ulang tempat yang lowong")
    page.wait_for_selector("#refill-plan")
    assert page.inner_text("[data-count=open]") == "1"
    assert page.inner_text("#queue").startswith("Nelayan Desil 3")
    page.click("#apply-refill")
    page.wait_for_selector("text=1 penerima pengganti didaftarkan")
    third = Beneficiary.objects.get(programme=enrolled, worker__full_name="Nelayan Desil 3")
    assert (third.start, third.end_reason) == (_next_month(), "")

    page.goto(f"{live_server.url}/programs/{enrolled.pk}/")
    assert page.inner_text("#enrolled") == "2"
    assert page.inner_text("#ended") == "1"
