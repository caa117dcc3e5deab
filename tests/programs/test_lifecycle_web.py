"""Screens of returned files, refill and renewal: forms, reports, scope and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lindungi.accounts.models import User
from lindungi.programs.models import Beneficiary, EnrolmentBatch, Programme
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db
MONTH = 16_800  # tests/programs/conftest.py: LIFECYCLE_MONTH


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(content: str, name: str = "balikan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode())


def test_detail_page_links_to_the_lifecycle_screens(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    kukar_staff: User,
) -> None:
    programme, _b, _w = running
    planner_page = _client(planner_kukar).get(f"/programs/{programme.pk}/").content.decode()
    assert 'id="link-returns"' in planner_page
    assert 'id="link-refill"' in planner_page
    staff_page = _client(kukar_staff).get(f"/programs/{programme.pk}/").content.decode()
    assert 'id="link-renew"' in staff_page
    assert 'id="link-refill"' not in staff_page  # sponsors do not enrol


def test_upload_a_returned_file_and_read_its_report(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    kukar_staff: User,
) -> None:
    programme, batch, w = running
    client = _client(planner_kukar)
    url = f"/programs/{programme.pk}/returns/"
    assert 'id="return-form"' in client.get(url).content.decode()
    content = (
        "ID peserta Lindungi;KPJ;Status;Alasan penolakan\n"
        f"{w['Ani'].pk};12345678901;Diterima;\n"
        f"{w['Budi'].pk};;Ditolak;NIK tidak valid\n"
        f"{w['Ani'].pk};12345678901;Diterima;\n"
    )
    response = client.post(url, {"batch": str(batch.pk), "file": _file(content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = client.get(response["Location"]).content.decode()
    assert 'data-count="accepted">1<' in report
    assert 'data-count="rejected">1<' in report
    assert 'data-code="duplicate"' in report
    assert "Peserta yang sama sudah ada di baris 2" in report
    # The sponsor reads the outcome but has no upload form.
    staff_page = _client(kukar_staff).get(url).content.decode()
    assert 'id="return-form"' not in staff_page
    assert "balikan.csv" in staff_page


def test_an_unreadable_file_is_shown_on_the_form_and_changes_nothing(
    lifecycle_state: Callable[[], tuple[Any, ...]],
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
) -> None:
    programme, batch, _w = running
    before = lifecycle_state()
    response = _client(planner_kukar).post(
        f"/programs/{programme.pk}/returns/",
        {"batch": str(batch.pk), "file": _file("Nama;Alamat\nAni;Jl. Mawar")},
    )
    assert response.status_code == 422
    assert "Susunan kolom tidak dikenal" in response.content.decode()
    assert lifecycle_state() == before


def test_refill_preview_then_apply(
    lifecycle_state: Callable[[], tuple[Any, ...]],
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
) -> None:
    programme, _b, w = running
    Worker.objects.filter(pk=w["Ani"].pk).update(status="deceased", ended_on=date(2026, 9, 10))
    client = _client(planner_kukar)
    url = f"/programs/{programme.pk}/refill/"
    before = lifecycle_state()
    page = client.get(url, {"as_of": "2026-11-25"}).content.decode()
    assert lifecycle_state() == before
    assert "Ani" in page
    assert 'id="apply-refill"' in page
    assert '<ol id="queue"><li>Citra' in page
    response = client.post(url, {"as_of": "2026-11-25"})
    assert response.status_code == 302
    assert Beneficiary.objects.get(programme=programme, worker=w["Citra"]).start == date(
        2026, 12, 1
    )
    after = client.get(url, {"as_of": "2026-11-25"}).content.decode()
    assert "1 tempat dibebaskan, 1 penerima pengganti didaftarkan." in after
    assert 'id="apply-refill"' not in after


def test_renew_form_creates_a_linked_draft(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]], kukar_staff: User
) -> None:
    programme, _b, _w = running
    client = _client(kukar_staff)
    url = f"/programs/{programme.pk}/renew/"
    assert 'id="renew-form"' in client.get(url).content.decode()
    bad = client.post(url, {"mode": "same", "budget": "1000000000", "start_month": "2027-02"})
    assert bad.status_code == 422
    assert "06/2027" in bad.content.decode()
    response = client.post(url, {"mode": "same", "budget": "1000000000"})
    assert response.status_code == 302
    new = Programme.objects.get(predecessor=programme)
    assert response["Location"] == f"/programs/{new.pk}/"
    assert (new.status, new.renewal_mode, new.start_month) == ("draft", "same", date(2027, 6, 1))
    assert 'id="successor"' in client.get(url).content.decode()


def test_refusals_change_nothing(
    lifecycle_state: Callable[[], tuple[Any, ...]],
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    kukar_staff: User,
    kubu_raya_staff: User,
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
) -> None:
    programme, batch, w = running
    content = f"ID Lindungi;KPJ;Status\n{w['Ani'].pk};12345678901;Diterima"
    staff, other = _client(kukar_staff), _client(kubu_raya_staff)
    branch, far = _client(branch_officer_kukar), _client(branch_officer_kubu_raya)
    base = f"/programs/{programme.pk}"
    before = lifecycle_state()
    upload = {"batch": str(batch.pk), "file": _file(content)}
    assert staff.post(f"{base}/returns/", upload).status_code == 403
    assert staff.get(f"{base}/refill/").status_code == 403
    assert staff.post(f"{base}/refill/", {"as_of": "2026-11-25"}).status_code == 403
    assert branch.post(f"{base}/renew/", {"mode": "same", "budget": "1"}).status_code == 403
    assert other.get(f"{base}/returns/").status_code == 404
    assert other.get(f"{base}/renew/").status_code == 404
    assert (
        far.post(f"{base}/returns/", {"batch": str(batch.pk), "file": _file(content)}).status_code
        == 404
    )
    assert far.get(f"{base}/refill/").status_code == 404
    assert lifecycle_state() == before


def test_returns_page_query_count(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    django_assert_max_num_queries: Any,
) -> None:
    programme, batch, w = running
    client = _client(planner_kukar)
    for n in range(5):
        content = f"ID Lindungi;KPJ;Status\n{w['Ani'].pk};1234567890{n};Diterima"
        client.post(
            f"/programs/{programme.pk}/returns/", {"batch": str(batch.pk), "file": _file(content)}
        )
    with django_assert_max_num_queries(10):
        page = client.get(f"/programs/{programme.pk}/returns/").content.decode()
    assert page.count("data-import=") == 5
