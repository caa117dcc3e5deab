"""Programme screens: list, create, detail, planner, selection, enrolment; scope and refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.programs.models import Beneficiary, Programme, Sponsor
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


FORM = {
    "name": "Rentan Kukar 2027",
    "budget_source": "apbd",
    "fiscal_year": "2027",
    "budget": "1000000000",
    "start_month": "2027-01",
    "months": "12",
    "declared_income": "1000000",
    "min_age": "18",
    "exclude_protected": "on",
    "exclude_wage_earners": "on",
    "priority_1": "decile",
    "priority_2": "hazard",
    "priority_3": "waiting",
}


def test_create_then_detail_shows_the_plan(kukar_staff: User, kukar_government: Sponsor) -> None:
    client = _client(kukar_staff)
    assert client.get("/programs/new/").status_code == 200
    response = client.post(
        "/programs/new/", FORM | {"sponsor": str(kukar_government.pk), "target_deciles": ["1", "2"]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get()
    assert (programme.target_deciles, programme.priority) == (
        [1, 2],
        ["decile", "hazard", "waiting"],
    )
    page = client.get(response["Location"]).content.decode()
    assert "Rp201.600" in page  # per worker
    assert 'id="plan-workers">4.960<' in page
    assert "Ajukan" in page or "Diajukan" in page


def test_create_with_bad_income_shows_the_field_error(
    kukar_staff: User, kukar_government: Sponsor
) -> None:
    response = _client(kukar_staff).post(
        "/programs/new/", FORM | {"sponsor": str(kukar_government.pk), "declared_income": "500000"}
    )
    assert response.status_code == 422
    assert "1.000.000" in response.content.decode()
    assert Programme.objects.count() == 0


def test_planner_side_by_side(kukar_staff: User) -> None:
    query = {
        "budget": "1000000000",
        "s1_start": "2027-01",
        "s1_months": "12",
        "s1_income": "1000000",
        "s2_start": "2027-01",
        "s2_months": "6",
        "s2_income": "1000000",
        "s3_start": "2020-06",
        "s3_months": "12",
        "s3_income": "1000000",
    }
    page = _client(kukar_staff).get("/programs/planner/", query).content.decode()
    assert page.count("Rp64.000") == 2
    assert "9.822" in page  # 2020-06: discount months under PP 49/2020
    assert "Rp101.808" in page


def test_select_and_enrol_through_the_screens(
    approved_programme: Callable[..., Programme],
    kukar_staff: User,
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> None:
    programme = approved_programme(quota=2)
    for decile in (3, 1, 2):
        make_worker(welfare_decile=decile)
    staff = _client(kukar_staff)
    response = staff.post(f"/programs/{programme.pk}/select/")
    assert response.status_code == 302
    page = staff.get(f"/programs/{programme.pk}/candidates/").content.decode()
    assert page.count("Terpilih") >= 2
    assert "di luar kuota" in page
    included = staff.get(f"/programs/{programme.pk}/candidates/", {"reason": ""}).content.decode()
    assert "di luar kuota" not in included.split('id="results"')[1]
    planner = _client(planner_kukar)
    response = planner.post(f"/programs/{programme.pk}/enrol/", {"count": "5"})
    assert Beneficiary.objects.count() == 0
    page = planner.get(response["Location"]).content.decode()
    assert "Jumlah harus 1 sampai 2" in page
    planner.post(f"/programs/{programme.pk}/enrol/", {"count": ""})
    assert Beneficiary.objects.filter(programme=programme).count() == 2
    page = planner.get(f"/programs/{programme.pk}/").content.decode()
    assert 'id="enrolled">2<' in page
    assert "Berjalan" in page


def test_other_sponsor_sees_404_and_changes_nothing(
    new_programme: Callable[..., Programme],
    kubu_raya_staff: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = new_programme()
    client = _client(kubu_raya_staff)
    before = counts()
    for path in ("", "candidates/"):
        assert client.get(f"/programs/{programme.pk}/{path}").status_code == 404
    assert client.post(f"/programs/{programme.pk}/select/").status_code == 404
    # Sponsors never enrol (BPJS and the regional planner do): refused before any lookup.
    assert client.post(f"/programs/{programme.pk}/enrol/").status_code == 403
    assert (
        client.post(f"/programs/{programme.pk}/transition/", {"to": "submitted"}).status_code == 404
    )
    assert counts() == before
    assert programme.name not in client.get("/programs/").content.decode()


def test_denied_roles(dprd_kaltim: User, counts: Callable[[], dict[str, int]]) -> None:
    client = _client(dprd_kaltim)
    before = counts()
    assert client.get("/programs/").status_code == 403
    assert client.get("/programs/new/").status_code == 403
    assert client.post("/programs/new/", FORM).status_code == 403
    assert counts() == before


def test_creator_sees_no_approve_button_and_approval_is_refused(
    new_programme: Callable[..., Programme], kukar_staff: User, kukar_head: User
) -> None:
    programme = new_programme()
    client = _client(kukar_staff)
    client.post(f"/programs/{programme.pk}/transition/", {"to": "submitted"})
    assert (
        client.post(f"/programs/{programme.pk}/transition/", {"to": "approved"}).status_code == 403
    )
    assert Programme.objects.get(pk=programme.pk).status == "submitted"
    _client(kukar_head).post(f"/programs/{programme.pk}/transition/", {"to": "approved"})
    assert Programme.objects.get(pk=programme.pk).status == "approved"


def test_list_query_count(
    new_programme: Callable[..., Programme], kukar_staff: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        new_programme(name=f"Program {i}")
    client = _client(kukar_staff)
    client.get("/programs/")
    with django_assert_max_num_queries(8):
        page = client.get("/programs/").content.decode()
    assert page.count('data-id="') == 6


def test_candidates_page_says_how_many_eligible_are_counted_but_not_listed(
    approved_programme: Callable[..., Programme],
    kukar_staff: User,
    make_worker: Callable[..., Worker],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lindungi.programs import rules

    monkeypatch.setattr(rules, "WAITING_MIN", 1)
    programme = approved_programme(quota=1)
    for decile in (3, 1, 2, 4):
        make_worker(welfare_decile=decile)
    staff = _client(kukar_staff)
    staff.post(f"/programs/{programme.pk}/select/")
    page = staff.get(f"/programs/{programme.pk}/candidates/").content.decode()
    assert 'data-unlisted="2"' in page
    assert "Daftar tunggu memuat 1 pekerja berikutnya menurut prioritas; 2 pekerja lain" in page
    assert page.count("data-worker=") == 2


def test_candidates_query_count(
    approved_programme: Callable[..., Programme],
    kukar_staff: User,
    make_worker: Callable[..., Worker],
    django_assert_max_num_queries: Any,
) -> None:
    programme = approved_programme()
    for _ in range(30):
        make_worker()
    client = _client(kukar_staff)
    client.post(f"/programs/{programme.pk}/select/")
    with django_assert_max_num_queries(10):
        page = client.get(f"/programs/{programme.pk}/candidates/").content.decode()
    assert page.count("data-worker=") == 30


def test_batch_xlsx_has_the_beneficiaries_and_no_nik(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    kukar_staff: User,
    make_worker: Callable[..., Worker],
) -> None:
    import io
    import zipfile

    from lindungi.core.models import AuditEvent
    from lindungi.programs.selection import programme_enrol, programme_select

    programme = approved_programme()
    make_worker(full_name="=SUM(A1)")
    make_worker(full_name="Siti Aminah")
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    url = f"/programs/{programme.pk}/batches/{batch.pk}/xlsx/"
    assert _client(kukar_staff).get(url).status_code == 403  # sponsors do not enrol
    response = _client(planner_kukar).get(url)
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.content))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "Siti Aminah" in strings
    assert "'=SUM(A1)" in strings  # neutralised, never a formula
    assert "JKK+JKM" in strings
    assert AuditEvent.objects.filter(action="programme.export_batch").count() == 1
