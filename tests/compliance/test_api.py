"""API: findings in scope (employers their own), cases from finding to letter, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import Case, Finding
from lindungi.core.access import OrgKind, Role

from .conftest import MONTH, wlkp_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/compliance"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(BASE + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def data(
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    kubu_raya_village: str,
) -> dict[str, Any]:
    kukar = make_employer(kukar_village, size="small")
    add_members(kukar, 2, wage=3_000_000)
    kalbar = make_employer(kubu_raya_village, size="small")
    add_members(kalbar, 1, wage=1_000_000)
    crosscheck_run(month=MONTH, actor=None)
    return {"kukar": kukar, "kalbar": kalbar}


def test_findings_scoped_by_region_and_employer(
    data: dict[str, Any],
    compliance_officer_kaltim: Any,
    make_user: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(compliance_officer_kaltim)
    with django_assert_max_num_queries(6):
        rows = client.get(BASE + "/findings", {"month": "2026-10"}).json()
    assert [(r["kind"], r["employer_id"]) for r in rows] == [("pds_upah", data["kukar"].pk)]
    assert rows[0]["evidence"]["members_below_ump"] == 2
    own = make_user("hrd_kalbar", Role.EMPLOYER, "", OrgKind.EMPLOYER, data["kalbar"].pk)
    employer_rows = client_for(own).get(BASE + "/findings").json()
    assert [r["employer_id"] for r in employer_rows] == [data["kalbar"].pk]
    assert client_for(own).get(BASE + "/cases").status_code == 403
    summary = client.get(BASE + "/findings/summary", {"month": "2026-10"}).json()
    assert summary == [
        {
            "group": "6402",
            "kind": "pds_upah",
            "n": 1,
            "workers": 2,
            "lost": rows[0]["contributions_lost"],
        }
    ]


def test_case_flow_and_letter_download(
    data: dict[str, Any], compliance_officer_kaltim: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(compliance_officer_kaltim)
    finding = Finding.objects.get(employer=data["kukar"])
    opened = post(client, "/cases", {"finding_id": finding.pk})
    assert opened.status_code == 201, opened.content
    case_id = opened.json()["id"]
    for to in ["desk_review", "warning_1"]:
        moved = post(client, f"/cases/{case_id}/move", {"to": to, "note": "ok"})
        assert moved.status_code == 200, moved.content
    detail = moved.json()
    assert detail["state"] == "warning_1"
    assert detail["allowed"] == ["warning_2", "resolved"]
    assert [e["kind"] for e in detail["events"]] == ["opened", "transition", "transition"]
    letter = detail["letters"][0]
    assert letter["number"].endswith("/TEG-1/6402/2026")
    pdf = client.get(f"{BASE}/letters/{letter['id']}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    with django_assert_max_num_queries(8):
        listed = client.get(BASE + "/cases").json()
    assert [c["id"] for c in listed] == [case_id]
    assert client.get(BASE + "/board").json()["warning_1"] == 1
    assert client.get(BASE + "/recovery").json() == {
        "resolved": 0,
        "workers": 0,
        "contributions": 0,
    }
    workload = client.get(BASE + "/workload").json()
    assert [(r["assigned_to"], r["open"]) for r in workload] == [(None, 1)]


def test_refusals_change_nothing(
    data: dict[str, Any],
    compliance_officer_kaltim: Any,
    labour_inspector_kaltim: Any,
    dprd_kaltim: Any,
) -> None:
    finding = Finding.objects.get(employer=data["kukar"])
    assert post(client_for(dprd_kaltim), "/cases", {"finding_id": finding.pk}).status_code == 403
    assert Case.objects.count() == 0
    case_id = post(
        client_for(compliance_officer_kaltim), "/cases", {"finding_id": finding.pk}
    ).json()["id"]
    inspector = client_for(labour_inspector_kaltim)
    assert post(inspector, f"/cases/{case_id}/move", {"to": "fine"}).status_code == 409
    post(inspector, f"/cases/{case_id}/move", {"to": "desk_review"})
    refused = post(inspector, f"/cases/{case_id}/move", {"to": "warning_1"})
    assert refused.status_code == 403
    assert Case.objects.get().state == "desk_review"
    kalbar_finding = Finding.objects.get(employer=data["kalbar"])
    outside = post(
        client_for(compliance_officer_kaltim), "/cases", {"finding_id": kalbar_finding.pk}
    )
    assert outside.status_code == 404


def test_crosscheck_and_import_endpoints(
    compliance_officer_kaltim: Any,
    dprd_kaltim: Any,
    make_employer: Callable[..., Any],
    kukar_village: str,
) -> None:
    make_employer(kukar_village, npp="K4000001")
    client = client_for(compliance_officer_kaltim)
    upload = client.post(BASE + "/imports", {"kind": "wlkp", "file": _file()})
    assert upload.status_code == 201, upload.content
    assert upload.json()["loaded"] == 1
    run = post(client, "/crosschecks", {"month": "2026-10"})
    assert run.json()["counts"]["ptd"] == 1
    assert post(client_for(dprd_kaltim), "/crosschecks", {"month": "2026-10"}).status_code == 403


def _file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "wlkp.csv", wlkp_csv([("", "K4000001", "2026-10", 2, 0, 8_000_000)]), "text/csv"
    )
