"""Screens: upload → preview → import → job page; review side by side; undo; refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from lindungi.ingest.models import ImportJob, ReviewItem
from lindungi.registry.models import Worker

from .conftest import KUKAR, csv_bytes, known_worker, nik


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, data: bytes, kind: str = "dtks") -> Any:
    file = io.BytesIO(data)
    file.name = "daftar.csv"
    return client.post("/imports/upload/", {"file": file, "kind": kind, "template": ""})


@pytest.mark.usefixtures("exact_only")
def test_upload_preview_import_and_job_page(branch_officer_kukar, good_rows, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    client = _client(branch_officer_kukar)
    bad = [*good_rows, [nik(4), "Tono", "17-08-1985", "L", "6402019999"]]
    response = _upload(client, csv_bytes(bad, title=True))
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "6402••••••••0001" in html
    assert nik(1) not in html
    assert '<td>Kode Desa</td><td class="mono">6402019999</td>' in html  # row, column, value
    # the mapping form names each field as the office knows it, not by its API key
    assert '<label for="map_full_name">Nama lengkap <span class="req"' in html
    assert '<label for="map_welfare_decile">Desil kesejahteraan' in html
    assert ImportJob.objects.count() == 0
    assert not any(nik(1).encode() in p.read_bytes() for p in tmp_path.rglob("*.bin"))
    form = {"kind": "dtks", "action": "import"}
    form |= {
        f"map_{f}": h
        for f, h in (
            ("nik", "NIK"),
            ("full_name", "Nama Lengkap"),
            ("birth_date", "Tanggal Lahir"),
            ("sex", "Jenis Kelamin"),
            ("village_code", "Kode Desa"),
        )
    }
    done = client.post(preview_url.split("?")[0], form)
    job = ImportJob.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/imports/{job.pk}/"
    detail = client.get(f"/imports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "")
    assert 'data-count="new">3<' in detail
    assert 'data-count="invalid">1<' in detail
    partial = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith("<article")
    assert 'data-count="warned">0<' in detail
    assert f'href="/imports/{job.pk}/problems.xlsx"' in detail
    xlsx = client.get(f"/imports/{job.pk}/problems.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not list(tmp_path.rglob("*.bin"))  # the held upload is gone once imported


def test_upload_refusal_shows_the_message(branch_officer_kukar, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    response = _upload(_client(branch_officer_kukar), b"")
    assert response.status_code == 422
    assert "kosong" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_list_page_and_nav(branch_officer_kukar, django_assert_max_num_queries):
    client = _client(branch_officer_kukar)
    with django_assert_max_num_queries(10):
        html = client.get("/imports/").content.decode()
    assert 'href="/imports/"' in html


def test_denied_pages(dprd_kaltim, sponsor_csr, tmp_path, settings, good_rows):
    settings.DATA_DIR = tmp_path
    assert _client(dprd_kaltim).get("/imports/").status_code == 403
    assert 'href="/imports/"' not in _client(dprd_kaltim).get("/").content.decode()
    assert _upload(_client(dprd_kaltim), csv_bytes(good_rows)).status_code == 403
    assert _client(sponsor_csr).get("/imports/reviews/").status_code == 403
    assert ImportJob.objects.count() == 0


def test_review_side_by_side_and_decide(
    admin, branch_officer_kukar, scripted, django_assert_max_num_queries
):
    from datetime import date

    from lindungi.ingest import services
    from lindungi.registry.services import WorkerInput, worker_register

    known = worker_register(
        data=WorkerInput(
            full_name="Budi Santoso", birth_date=date(1985, 8, 17), sex="L", village_code=KUKAR
        ),
        actor=admin,
    )
    scripted({"Budi Santosa": ("review", known.pk, {"name": "fuzzy", "dob": "agree"})})
    job = services.import_job_create(
        data=csv_bytes([["", "Budi Santosa", "17-08-1985", "L", KUKAR]]),
        file_name="d.csv",
        kind="dtks",
        actor=branch_officer_kukar,
    )
    services.import_job_execute(job_id=job.pk)
    item = ReviewItem.objects.get()
    client = _client(branch_officer_kukar)
    with django_assert_max_num_queries(10):
        queue = client.get("/imports/reviews/").content.decode()
    assert f'data-id="{item.pk}"' in queue
    html = client.get(f"/imports/reviews/{item.pk}/").content.decode()
    assert 'class="agreement-fuzzy" data-field="full_name"' in html
    assert 'class="agreement-agree" data-field="birth_date"' in html
    assert 'id="duplicates"' not in html
    response = client.post(f"/imports/reviews/{item.pk}/", {"decision": "different"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.decision == "different"
    assert Worker.objects.filter(full_name="Budi Santosa").count() == 1
    undo = client.post(f"/imports/{job.pk}/undo/")
    assert undo.status_code == 302
    assert not Worker.objects.filter(full_name="Budi Santosa").exists()


@pytest.mark.parametrize(("linked_by", "offered"), [("merge", True), ("exact", False)])
def test_a_nik_conflict_says_the_nik_stays_and_offers_another_person_only_after_a_merge(
    admin, branch_officer_kukar, scripted, linked_by, offered
):
    from lindungi.ingest import services

    known = known_worker(admin, nik=nik(1))
    scripted({"Budi Santoso": (linked_by, known.pk, {"name": "agree"})})
    given = nik(2) if linked_by == "merge" else nik(1)
    rows = [[given, "Budi Santoso", "17-08-1985", "L", KUKAR]]
    if linked_by == "exact":
        rows = [[given, "Budi Santosa", "17-08-1985", "L", KUKAR]]
        scripted({"Budi Santosa": ("exact", known.pk, {"nik": "agree"})})
    job = services.import_job_create(
        data=csv_bytes(rows), file_name="d.csv", kind="dtks", actor=branch_officer_kukar
    )
    services.import_job_execute(job_id=job.pk)
    item = ReviewItem.objects.get()
    html = _client(branch_officer_kukar).get(f"/imports/reviews/{item.pk}/").content.decode()
    assert ('name="decision" value="different"' in html) is offered
    assert ('id="nik-note"' in html) is (linked_by == "merge")


def test_the_review_page_names_the_rows_that_follow_the_decision(
    admin, branch_officer_kukar, scripted
):
    from lindungi.ingest import services

    known = known_worker(admin)
    duplicate = ("duplicate_in_file", None, {})
    scripted({"Budi Santosa": [("review", known.pk, {"name": "fuzzy"}), duplicate, duplicate]})
    row = ["", "Budi Santosa", "17-08-1985", "L", KUKAR]
    job = services.import_job_create(
        data=csv_bytes([row, ["", "Ani", "01-01-1990", "P", KUKAR], row, row]),
        file_name="d.csv",
        kind="dtks",
        actor=branch_officer_kukar,
    )
    services.import_job_execute(job_id=job.pk)
    item = ReviewItem.objects.get()
    html = _client(branch_officer_kukar).get(f"/imports/reviews/{item.pk}/").content.decode()
    assert "Berkas ini memuat orang yang sama 2 kali lagi (baris 4, 5)" in html


@pytest.mark.usefixtures("exact_only")
def test_a_job_without_problems_offers_no_problems_download(branch_officer_kukar, good_rows):
    from lindungi.ingest import services

    job = services.import_job_create(
        data=csv_bytes(good_rows), file_name="d.csv", kind="dtks", actor=branch_officer_kukar
    )
    detail = _client(branch_officer_kukar).get(f"/imports/{job.pk}/").content.decode()
    assert "problems.xlsx" not in detail
    assert 'id="no-problems"' in detail
    ImportJob.objects.filter(pk=job.pk).update(rows_warned=None)  # a job from before the count
    detail = _client(branch_officer_kukar).get(f"/imports/{job.pk}/").content.decode()
    assert f'href="/imports/{job.pk}/problems.xlsx"' in detail
    assert 'data-count="warned"' not in detail
