"""API: preview, import, follow, problems, review, undo; refusals leave nothing behind."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from lindungi.accounts.services import token_issue
from lindungi.core.models import AuditEvent
from lindungi.ingest.models import ImportJob, ImportRow
from lindungi.registry.models import Worker

from .conftest import KUKAR, csv_bytes, nik

BASE = "/api/v1"
pytestmark = pytest.mark.usefixtures("exact_only")


@pytest.fixture
def client_as(db: None) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        _, secret = token_issue(user=user, name="t", actor=None)
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make


def _upload(client: Client, path: str, data: bytes, name: str = "d.csv", **form: Any) -> Any:
    body = {"file": io.BytesIO(data), "kind": "dtks", **form}
    body["file"].name = name
    return client.post(BASE + path, body)


def test_preview_writes_nothing_and_masks_nik(client_as, branch_officer_kukar, good_rows):
    response = _upload(client_as(branch_officer_kukar), "/imports/preview", csv_bytes(good_rows))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["read"], body["valid"], body["invalid"]) == (3, 3, 0)
    assert body["rows"][0]["nik"] == "6402••••••••0001"
    assert nik(1) not in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_import_runs_and_reports_counts(client_as, branch_officer_kukar, good_rows):
    api = client_as(branch_officer_kukar)
    response = _upload(api, "/imports", csv_bytes(good_rows))
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    got = api.get(f"{BASE}/imports/{job_id}").json()  # inline runner: already done
    assert (got["status"], got["rows_read"], got["rows_new"], got["rows_warned"]) == (
        "done",
        3,
        3,
        0,
    )
    assert [j["id"] for j in api.get(f"{BASE}/imports").json()] == [job_id]


def test_mapping_sent_as_json(client_as, branch_officer_kukar):
    header = ["NO KTP", "NAMA", "LAHIR", "KELAMIN", "WILAYAH"]
    data = csv_bytes([[nik(1), "Budi", "17-08-1985", "L", KUKAR]], header=header)
    mapping = {
        "nik": "NO KTP",
        "full_name": "NAMA",
        "birth_date": "LAHIR",
        "sex": "KELAMIN",
        "village_code": "WILAYAH",
    }
    api = client_as(branch_officer_kukar)
    response = _upload(api, "/imports/preview", data, mapping=json.dumps(mapping))
    assert response.json()["valid"] == 1
    bad = _upload(api, "/imports/preview", data, mapping="[1]")
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "d.csv", "kosong"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "d.csv", "bukan CSV atau XLSX"),
        ((",".join(f"k{i}" for i in range(10_000)) + "\r\n").encode(), "d.csv", "10,000 kolom"),
        (
            csv_bytes(
                [[1, 2, 3, 4, 5, 6]],
                header=["NIK", "Nama", "Tanggal Lahir", "JK", "Kode Desa", "nama"],
            ),
            "d.csv",
            "ganda",
        ),
    ],
)
def test_bad_files_refused_with_a_clear_message(
    client_as, branch_officer_kukar, data, name, message
):
    api = client_as(branch_officer_kukar)
    audit_before = AuditEvent.objects.count()
    response = _upload(api, "/imports", data, name)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert (ImportJob.objects.count(), AuditEvent.objects.count()) == (0, audit_before)


def test_too_large_refused_before_reading(client_as, branch_officer_kukar, settings, good_rows):
    settings.INGEST_MAX_BYTES = 100
    response = _upload(client_as(branch_officer_kukar), "/imports", csv_bytes(good_rows * 5))
    assert response.status_code == 422
    assert "melebihi batas" in response.json()["message"]
    assert ImportJob.objects.count() == 0


def test_problems_xlsx_neutralises_formulas(client_as, branch_officer_kukar):
    rows = [[nik(1), "Budi", "17-08-1985", '=HYPERLINK("http://x","klik")', KUKAR]]
    api = client_as(branch_officer_kukar)
    job_id = _upload(api, "/imports", csv_bytes(rows, sep=";")).json()["id"]
    response = api.get(f"{BASE}/imports/{job_id}/problems.xlsx")
    assert response.status_code == 200
    book: Any = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = book.get_sheet_by_index(0).to_python()
    assert cells[1][:4] == [2, "Jenis Kelamin", '\'=HYPERLINK("http://x","klik")', "error"]
    assert b"<f>" not in response.content  # no formula element anywhere in the sheet


def test_denied_roles_change_nothing(client_as, dprd_kaltim, auditor, good_rows):
    for user in (dprd_kaltim, auditor):
        response = _upload(client_as(user), "/imports", csv_bytes(good_rows))
        assert response.status_code == 403
    assert (ImportJob.objects.count(), ImportRow.objects.count(), Worker.objects.count()) == (
        0,
        0,
        0,
    )


def test_jobs_scoped_by_uploader_region(
    client_as, branch_officer_kukar, branch_officer_kubu_raya, good_rows
):
    job_id = _upload(client_as(branch_officer_kukar), "/imports", csv_bytes(good_rows)).json()["id"]
    other = client_as(branch_officer_kubu_raya)
    assert other.get(f"{BASE}/imports").json() == []
    assert other.get(f"{BASE}/imports/{job_id}").status_code == 404
    assert other.post(f"{BASE}/imports/{job_id}/undo").status_code == 404
    assert ImportJob.objects.get().status == "done"


def test_list_query_count(
    client_as, branch_officer_kukar, good_rows, django_assert_max_num_queries
):
    api = client_as(branch_officer_kukar)
    for _ in range(3):
        _upload(api, "/imports", csv_bytes(good_rows))
    with django_assert_max_num_queries(6):
        assert len(api.get(f"{BASE}/imports").json()) == 3


def test_templates_and_undo(client_as, branch_officer_kukar, good_rows):
    api = client_as(branch_officer_kukar)
    mapping = {
        "nik": "NIK",
        "full_name": "Nama Lengkap",
        "birth_date": "Tanggal Lahir",
        "sex": "Jenis Kelamin",
        "village_code": "Kode Desa",
    }
    saved = api.post(
        f"{BASE}/imports/templates",
        {"kind": "dtks", "name": "baku", "mapping": mapping},
        content_type="application/json",
    )
    assert saved.status_code == 201
    assert [t["name"] for t in api.get(f"{BASE}/imports/templates?kind=dtks").json()] == ["baku"]
    job_id = _upload(api, "/imports", csv_bytes(good_rows), template="baku").json()["id"]
    undone = api.post(f"{BASE}/imports/{job_id}/undo")
    assert undone.status_code == 200
    assert undone.json()["status"] == "undone"
    assert Worker.objects.count() == 0


def test_review_queue_and_decision(client_as, admin, branch_officer_kukar, scripted):
    from datetime import date

    from lindungi.registry.services import WorkerInput, worker_register

    known = worker_register(
        data=WorkerInput(
            full_name="Budi Santoso", birth_date=date(1985, 8, 17), sex="L", village_code=KUKAR
        ),
        actor=admin,
    )
    scripted({"Budi Santosa": ("review", known.pk, {"name": "fuzzy", "dob": "agree"})})
    api = client_as(branch_officer_kukar)
    _upload(api, "/imports", csv_bytes([["", "Budi Santosa", "17-08-1985", "L", KUKAR]]))
    queue = api.get(f"{BASE}/imports/reviews").json()
    assert len(queue) == 1
    compared = {
        c["field"]: (c["file"], c["registry"], c["agreement"]) for c in queue[0]["compared"]
    }
    assert compared["full_name"] == ("Budi Santosa", "Budi Santoso", "fuzzy")
    assert compared["birth_date"] == ("1985-08-17", "1985-08-17", "agree")
    bad = api.post(
        f"{BASE}/imports/reviews/{queue[0]['id']}/decide",
        {"decision": "apply"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    done = api.post(
        f"{BASE}/imports/reviews/{queue[0]['id']}/decide",
        {"decision": "same", "note": "KTP"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert ImportRow.objects.get().worker_id == known.pk
    assert api.get(f"{BASE}/imports/reviews").json() == []


def test_sponsor_jobs_seen_by_the_sponsor_not_by_a_region(
    client_as, sponsor_csr, branch_officer_kukar, admin, good_rows
):
    job_id = _upload(client_as(sponsor_csr), "/imports", csv_bytes(good_rows)).json()["id"]
    assert [j["id"] for j in client_as(sponsor_csr).get(f"{BASE}/imports").json()] == [job_id]
    assert client_as(branch_officer_kukar).get(f"{BASE}/imports").json() == []
    assert [j["id"] for j in client_as(admin).get(f"{BASE}/imports").json()] == [job_id]
