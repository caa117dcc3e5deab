"""Import jobs through the services: staging, linking, merging, re-upload, resume, undo."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from lindungi.core.errors import Conflict, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.ingest import merging, services
from lindungi.ingest.models import ImportJob, ImportRow, ReviewItem
from lindungi.registry import search
from lindungi.registry.models import Worker
from lindungi.registry.services import WorkerInput, worker_register

from .conftest import KUBU_RAYA, KUKAR, csv_bytes, nik

pytestmark = pytest.mark.usefixtures("exact_only")


def _import(
    rows: list[list[Any]], actor: Any, kind: str = "dtks", batch: int = 1000, **kw: Any
) -> ImportJob:
    job = services.import_job_create(
        data=csv_bytes(rows, **kw), file_name="daftar.csv", kind=kind, actor=actor
    )
    return services.import_job_execute(job_id=job.pk, batch_size=batch)


def _counts(job: ImportJob) -> dict[str, int]:
    return {
        "read": job.rows_read,
        "valid": job.rows_valid,
        "invalid": job.rows_invalid,
        "unchanged": job.rows_unchanged,
        "new": job.rows_new,
        "linked": job.rows_linked,
        "duplicate": job.rows_duplicate,
        "review": job.rows_review,
    }


def test_new_workers_created_and_linked_as_provenance(branch_officer_kukar, good_rows):
    job = _import(good_rows, branch_officer_kukar)
    assert job.status == "done"
    assert _counts(job) == {
        "read": 3,
        "valid": 3,
        "invalid": 0,
        "unchanged": 0,
        "new": 3,
        "linked": 0,
        "duplicate": 0,
        "review": 0,
    }
    assert (job.rows_warned, job.has_problems) == (0, False)
    budi = Worker.objects.get(full_name="Budi Santoso")
    assert (budi.birth_date, budi.sex, budi.village_id, budi.source) == (
        date(1985, 8, 17),
        "L",
        KUKAR,
        "dtks",
    )
    row = ImportRow.objects.get(job=job, worker=budi)
    assert (row.line, row.outcome, row.created) == (2, "new", True)
    assert budi.nik_index == row.nik_index is not None


def test_nik_is_never_plaintext_at_rest(branch_officer_kukar, good_rows):
    _import(good_rows, branch_officer_kukar)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, errors, fingerprint FROM ingest_importrow")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert nik(1) not in stored
    assert nik(1)[6:] not in stored


def test_bad_rows_never_block_good_rows(branch_officer_kukar):
    rows = [
        [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR],
        [nik(2), "", "17-08-1985", "L", KUKAR],  # no name
        [nik(3), "Tono", "17-08-1985", "X", KUKAR],  # bad sex
        [nik(4, day="57"), "Wati", "17-08-1985", "P", "6402012999"],  # unknown village
        [nik(5), "Rudi", "17-08-1985", "L", KUBU_RAYA],  # outside the officer's scope
        ["6.40212E+15", "Joko", "17-08-1985", "L", KUKAR],  # lost digits: warning only
        [nik(6), "=1+1", "17-08-1985", "L", KUKAR],  # no letter: not a name
    ]
    job = _import(rows, branch_officer_kukar)
    assert (job.rows_read, job.rows_valid, job.rows_invalid, job.rows_new) == (7, 2, 5, 2)
    assert (job.rows_warned, job.has_problems) == (1, True)  # Joko's NIK dropped
    problems = {
        r.line: [(p["column"], p["value"], p["level"]) for p in r.errors]
        for r in ImportRow.objects.filter(job=job).exclude(errors=[]).order_by("line")
    }
    assert problems == {
        3: [("Nama Lengkap", "", "error")],
        4: [("Jenis Kelamin", "X", "error")],
        5: [("Kode Desa", "6402012999", "error")],
        6: [("Kode Desa", KUBU_RAYA, "error")],
        7: [("NIK", "6.40212E+15", "warning")],
        8: [("Nama Lengkap", "=1+1", "error")],
    }
    unknown = ImportRow.objects.get(job=job, line=5).errors[0]["message"]
    assert unknown == "Desa/kelurahan 6402012999 tidak dikenal (unknown village code)"
    joko = Worker.objects.get(full_name="Joko")
    assert joko.nik_index is None  # never guessed


def test_reupload_of_a_corrected_file_adds_only_what_is_new(branch_officer_kukar):
    first = [
        [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR],
        [nik(2), "Agus", "17-08-1985", "L", "6402019999"],
    ]
    _import(first, branch_officer_kukar)
    fixed = [first[0], [nik(2), "Agus", "17-08-1985", "L", KUKAR]]
    job = _import(fixed, branch_officer_kukar)
    assert (job.rows_unchanged, job.rows_new, job.rows_linked) == (1, 1, 0)
    assert Worker.objects.count() == 2


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_reupload_staged_in_slices_marks_unchanged_rows_in_every_slice(
    branch_officer_kukar, monkeypatch
):
    from lindungi.ingest import sealing

    monkeypatch.setattr(sealing, "_workers", lambda rows: 2)  # forked, even under xdist
    monkeypatch.setattr(sealing, "CHUNK_ROWS", 3)
    first = [[nik(i), f"Warga {i}", "17-08-1985", "L", KUKAR] for i in range(1, 9)]
    _import(first, branch_officer_kukar)
    again = [*first, *([nik(i), f"Warga {i}", "17-08-1985", "L", KUKAR] for i in (9, 10))]
    job = _import(again, branch_officer_kukar)
    assert (job.rows_read, job.rows_unchanged, job.rows_new, job.rows_linked) == (10, 8, 2, 0)
    lines = ImportRow.objects.filter(job=job, status="unchanged").values_list("line", flat=True)
    assert sorted(lines) == list(range(2, 10))  # slices of 3: every slice had old rows
    assert Worker.objects.count() == 10


def test_known_worker_linked_by_nik_and_updated_only_as_allowed(admin, branch_officer_kukar):
    known = worker_register(
        data=WorkerInput(
            full_name="Budi Santoso",
            birth_date=date(1985, 8, 17),
            sex="L",
            village_code=KUKAR,
            nik=nik(1),
            welfare_decile=5,
        ),
        actor=admin,
    )
    header = ["NIK", "Nama", "Tanggal Lahir", "JK", "Kode Desa", "Desil", "Alamat"]
    rows = [[nik(1), "BUDI SANTOSO", "17-08-1985", "L", KUKAR, "2", "RT 04"]]
    job = _import(rows, branch_officer_kukar, header=header)
    known.refresh_from_db()
    assert (job.rows_linked, job.rows_updated, job.rows_review) == (1, 1, 0)
    assert (known.welfare_decile, known.address_line) == (2, "RT 04")
    event = AuditEvent.objects.get(action="ingest.batch", object_id=str(job.pk))
    assert event.before == {"workers": {str(known.pk): {"welfare_decile": 5, "address_line": ""}}}
    # An employer may neither set the decile nor change the name: a conflict to review.
    rows = [[nik(1), "Budi Hartono", "17-08-1985", "L", KUKAR, "9", "RT 04"]]
    job2 = _import(rows, branch_officer_kukar, kind="employer", header=header)
    known.refresh_from_db()
    assert (known.welfare_decile, known.full_name) == (2, "Budi Santoso")
    item = ReviewItem.objects.get(row__job=job2)
    assert (item.kind, item.candidate_id, item.conflicts) == ("conflict", known.pk, ["name_search"])


def test_duplicates_in_file_go_to_the_first_rows_worker(branch_officer_kukar):
    rows = [[nik(1), "Budi", "17-08-1985", "L", KUKAR]] * 3
    job = _import(rows, branch_officer_kukar)
    assert (job.rows_new, job.rows_duplicate) == (1, 2)
    assert set(ImportRow.objects.values_list("worker_id", flat=True)) == {Worker.objects.get().pk}
    first, *dupes = ImportRow.objects.filter(job=job).order_by("line")
    assert [(d.outcome, d.duplicate_of) for d in dupes] == [("duplicate_in_file", first.pk)] * 2


def test_a_duplicate_in_a_later_batch_goes_to_the_earlier_batchs_worker(branch_officer_kukar):
    rows = [[nik(i), f"Orang {i}", "17-08-1985", "L", KUKAR] for i in range(1, 5)]
    rows.append([nik(1), "Orang 1", "17-08-1985", "L", KUKAR])  # row 5 repeats row 1
    job = _import(rows, branch_officer_kukar, batch=2)
    assert (job.rows_new, job.rows_duplicate, job.rows_done) == (4, 1, 5)
    first, last = ImportRow.objects.filter(job=job).order_by("line")[::4]
    assert (last.outcome, last.worker_id) == ("duplicate_in_file", first.worker_id)
    assert last.duplicate_of == first.pk  # the earlier batch's row
    assert Worker.objects.count() == 4


def test_imported_workers_are_found_by_name_and_later_inserts_still_indexed(
    branch_officer_kukar,
):
    rows = [[nik(i), f"Sulastri Wibowo {i}", "17-08-1985", "P", KUKAR] for i in range(1, 4)]
    _import(rows, branch_officer_kukar)
    later = Worker.objects.create(
        full_name="Sulastri Lain", name_search="sulastri lain", birth_date=date(1990, 1, 1),
        sex="P", village_id=KUKAR, source="manual",
    )  # fmt: skip
    found = search.filter_by_name(Worker.objects.all(), "sulastri")
    assert found.count() == 4
    assert later in found


def test_a_crash_keeps_committed_batches_and_resumes(branch_officer_kukar, monkeypatch):
    rows = [[nik(i), f"Orang {i}", "17-08-1985", "L", KUKAR] for i in range(1, 6)]
    job = services.import_job_create(
        data=csv_bytes(rows), file_name="d.csv", kind="dtks", actor=branch_officer_kukar
    )
    real, calls = merging.merge_batch, []

    def crash_on_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            real(*args, **kwargs)  # the batch writes its workers, then fails
            raise RuntimeError("listrik padam")
        return real(*args, **kwargs)

    monkeypatch.setattr(merging, "merge_batch", crash_on_second)
    with pytest.raises(RuntimeError):
        services.import_job_execute(job_id=job.pk, batch_size=2)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.claimed_by) == ("failed", 2, "")
    assert Worker.objects.count() == 2  # ... but its transaction left nothing
    monkeypatch.setattr(merging, "merge_batch", real)
    job = services.import_job_execute(job_id=job.pk, batch_size=2)
    assert (job.status, job.rows_done, job.rows_new) == ("done", 5, 5)
    assert Worker.objects.count() == 5


def test_a_running_job_cannot_be_claimed_twice(branch_officer_kukar, good_rows):
    job = services.import_job_create(
        data=csv_bytes(good_rows), file_name="d.csv", kind="dtks", actor=branch_officer_kukar
    )
    ImportJob.objects.filter(pk=job.pk).update(claimed_by="other:1", status="running")
    with pytest.raises(Conflict):
        services.import_job_execute(job_id=job.pk, worker="me:2")
    assert Worker.objects.count() == 0


def test_unreadable_file_writes_nothing(branch_officer_kukar):
    before = (ImportJob.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError):
        services.import_job_create(
            data=b"", file_name="d.csv", kind="dtks", actor=branch_officer_kukar
        )
    assert (ImportJob.objects.count(), AuditEvent.objects.count()) == before


def test_denied_without_import_permission(dprd_kaltim, good_rows):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.import_job_create(
            data=csv_bytes(good_rows), file_name="d.csv", kind="dtks", actor=dprd_kaltim
        )
    assert (ImportJob.objects.count(), ImportRow.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        audit_before,
    )


def test_templates_map_odd_headers(branch_officer_kukar):
    services.template_save(
        kind="village",
        name="desa-perian",
        mapping={
            "nik": "NO KTP",
            "full_name": "NAMA PERANGKAT",
            "birth_date": "TTL",
            "sex": "L/P",
            "village_code": "KD WIL",
        },
        actor=branch_officer_kukar,
    )
    header = ["NO KTP", "NAMA PERANGKAT", "TTL", "L/P", "KD WIL"]
    data = csv_bytes([[nik(1), "Budi", "17-08-1985", "L", KUKAR]], header=header)
    preview = services.import_preview(
        data=data,
        file_name="d.csv",
        kind="village",
        actor=branch_officer_kukar,
        template="desa-perian",
    )
    assert (preview.read, preview.valid, preview.template) == (1, 1, "desa-perian")
    assert ImportJob.objects.count() == 0  # a preview writes nothing
