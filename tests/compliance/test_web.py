"""Screens: findings, case pipeline, case detail with moves and letter download, workload;
employer users see their own findings only; refused actions change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import Case, CaseEvent, Finding, Letter
from lindungi.core.access import OrgKind, Role

from .conftest import MONTH, wlkp_csv

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    kubu_raya_village: str,
) -> dict[str, Any]:
    kukar = make_employer(kukar_village, size="small", name="PT Mahakam Uji")
    add_members(kukar, 2, wage=3_000_000)
    kalbar = make_employer(kubu_raya_village, size="small", name="PT Kapuas Uji")
    add_members(kalbar, 1, wage=1_000_000)
    crosscheck_run(month=MONTH, actor=None)
    return {"kukar": kukar, "kalbar": kalbar}


def test_findings_page_in_scope(
    data: dict[str, Any], compliance_officer_kaltim: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(compliance_officer_kaltim)
    with django_assert_max_num_queries(12):
        page = client.get("/compliance/?month=2026-10")
    assert page.status_code == 200
    text = page.content.decode()
    assert "PT Mahakam Uji" in text
    assert "PT Kapuas Uji" not in text
    assert "Buka kasus" in text
    assert 'href="/compliance/"' in client.get("/").content.decode()  # nav item


def test_employer_user_sees_own_findings_read_only(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    own = make_user("hrd_mahakam", Role.EMPLOYER, "", OrgKind.EMPLOYER, data["kukar"].pk)
    client = login(own)
    text = client.get("/compliance/?month=2026-10").content.decode()
    assert "PT Mahakam Uji" in text
    assert "PT Kapuas Uji" not in text
    assert "Buka kasus" not in text
    assert client.get("/compliance/cases/").status_code == 403
    finding = Finding.objects.get(employer=data["kukar"])
    assert client.post(f"/compliance/findings/{finding.pk}/case/").status_code in (403, 404)
    assert Case.objects.count() == 0


def test_case_from_finding_to_letter(
    data: dict[str, Any], compliance_officer_kaltim: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(compliance_officer_kaltim)
    finding = Finding.objects.get(employer=data["kukar"])
    opened = client.post(f"/compliance/findings/{finding.pk}/case/")
    case = Case.objects.get()
    assert opened.status_code == 302
    assert opened["Location"] == f"/compliance/cases/{case.pk}/"
    action = f"/compliance/cases/{case.pk}/action/"
    for to in ["desk_review", "warning_1"]:
        assert client.post(action, {"action": "move", "to": to}).status_code == 302
    client.post(action, {"action": "note", "text": "Sudah ditelepon"})
    with django_assert_max_num_queries(14):
        page = client.get(f"/compliance/cases/{case.pk}/")
    text = page.content.decode()
    assert "Teguran I" in text
    assert "Sudah ditelepon" in text
    letter = Letter.objects.get()
    assert f"/compliance/letters/{letter.pk}.pdf" in text
    pdf = client.get(f"/compliance/letters/{letter.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    with django_assert_max_num_queries(10):
        listing = client.get("/compliance/cases/").content.decode()
    assert "PT Mahakam Uji" in listing
    assert "0 kasus selesai" in listing
    with django_assert_max_num_queries(8):
        assert client.get("/compliance/workload/").status_code == 200
    assert client.get("/compliance/cases/?overdue=1").status_code == 200


def test_forbidden_move_shows_error_and_changes_nothing(
    data: dict[str, Any], compliance_officer_kaltim: Any
) -> None:
    client = login(compliance_officer_kaltim)
    finding = Finding.objects.get(employer=data["kukar"])
    client.post(f"/compliance/findings/{finding.pk}/case/")
    case = Case.objects.get()
    events = CaseEvent.objects.count()
    response = client.post(
        f"/compliance/cases/{case.pk}/action/", {"action": "move", "to": "fine"}, follow=True
    )
    assert "tidak diizinkan" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "open"
    assert CaseEvent.objects.count() == events


def test_branch_officer_may_view_but_not_work(
    data: dict[str, Any], branch_officer_kukar: Any, compliance_officer_kaltim: Any
) -> None:
    finding = Finding.objects.get(employer=data["kukar"])
    login(compliance_officer_kaltim).post(f"/compliance/findings/{finding.pk}/case/")
    case = Case.objects.get()
    client = login(branch_officer_kukar)
    assert client.get(f"/compliance/cases/{case.pk}/").status_code == 200
    refused = client.post(
        f"/compliance/cases/{case.pk}/action/", {"action": "move", "to": "desk_review"}
    )
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.state == "open"
    assert client.post("/compliance/run/", {"month": "2026-10"}).status_code == 403


def test_import_and_run_from_the_page(
    compliance_officer_kaltim: Any, make_employer: Callable[..., Any], kukar_village: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_employer(kukar_village, npp="K5000001")
    client = login(compliance_officer_kaltim)
    upload = SimpleUploadedFile("w.csv", wlkp_csv([("", "K5000001", "2026-10", 2, 0, 8_000_000)]))
    assert client.post("/compliance/import/", {"kind": "wlkp", "file": upload}).status_code == 302
    run = client.post("/compliance/run/", {"month": "2026-10"})
    assert run["Location"] == "/compliance/?month=2026-10"
    assert Finding.objects.filter(kind="ptd").count() == 1


def test_summary_by_sector(data: dict[str, Any], compliance_officer_kaltim: Any) -> None:
    text = login(compliance_officer_kaltim).get("/compliance/?month=2026-10&by=sector")
    assert "Ringkasan per sektor" in text.content.decode()
