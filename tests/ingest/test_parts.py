"""A queued job's valid rows wait sealed in its parts and become ImportRows once, merged."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from lindungi.core import pii
from lindungi.core.models import AuditEvent
from lindungi.ingest import exports, parts, services, staging
from lindungi.ingest.models import ImportJob, ImportRow, JobStatus, StagedPart
from lindungi.registry.models import Worker

from .conftest import KUKAR, csv_bytes, nik

pytestmark = pytest.mark.usefixtures("exact_only")


def test_a_part_gives_back_exactly_the_values_sealed_into_it() -> None:
    warning = [{"column": "NIK", "value": "6.4E+15", "message": "hilang", "level": "warning"}]
    sealed = [
        (7, "valid", staging.as_json({"full_name": "Siti Nur'aini \"Ina\"", "sex": "P"}),
         "ab" * 16, b"\x00sealed\xff", True, "f" * 64, "[]", "", False, None),
        (9, "valid", staging.as_json({"full_name": "Ñoño — Dayak"}),
         None, None, False, "e" * 64, staging.as_json(warning), "", False, b"phone"),
    ]  # fmt: skip
    assert parts.rows_of(parts.body_of(sealed)) == [
        parts.Staged(7, {"full_name": 'Siti Nur\'aini "Ina"', "sex": "P"}, "ab" * 16,
                     b"\x00sealed\xff", True, None, "f" * 64, []),
        parts.Staged(9, {"full_name": "Ñoño — Dayak"}, None, None, False, b"phone", "e" * 64,
                     warning),
    ]  # fmt: skip


def _rows() -> list[list[Any]]:
    return [
        [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR],
        [nik(2), "", "17-08-1985", "L", KUKAR],  # no name: invalid
        ["6.40212E+15", "Joko", "17-08-1985", "L", KUKAR],  # lost digits: a warning only
        [nik(4, day="57"), "Wati", "17-08-1985", "P", KUKAR],
    ]


def _create(actor: Any) -> ImportJob:
    return services.import_job_create(
        data=csv_bytes(_rows()), file_name="d.csv", kind="dtks", actor=actor
    )


def test_a_queued_job_keeps_its_valid_rows_sealed_in_parts_only(branch_officer_kukar):
    job = _create(branch_officer_kukar)
    assert list(ImportRow.objects.filter(job=job).values_list("line", "status")) == [(3, "invalid")]
    assert [r.line for r in parts.pending(job.pk)] == [2, 4, 5]
    budi = parts.pending(job.pk)[0]
    assert budi.data["full_name"] == "Budi Santoso"
    assert pii.decrypt(budi.nik_enc, field="nik") == nik(1)
    body = zlib.decompress(StagedPart.objects.get(job=job).body).decode()
    assert "Budi Santoso" in body
    assert nik(1) not in body  # sealed, like an ImportRow's


def test_each_valid_row_is_written_once_with_its_outcome_and_the_parts_go(branch_officer_kukar):
    job = _create(branch_officer_kukar)
    job = services.import_job_execute(job_id=job.pk, batch_size=2)
    assert (job.status, job.rows_done, job.rows_new) == (JobStatus.DONE, 3, 3)
    assert list(
        ImportRow.objects.filter(job=job).order_by("line").values_list("line", "status", "outcome")
    ) == [(2, "valid", "new"), (3, "invalid", ""), (4, "valid", "new"), (5, "valid", "new")]
    assert not StagedPart.objects.filter(job=job).exists()
    assert parts.pending(job.pk) == []


def test_problems_of_a_queued_job_include_the_warnings_of_rows_not_merged_yet(
    branch_officer_kukar,
):
    job = _create(branch_officer_kukar)
    book: Any = CalamineWorkbook.from_filelike(io.BytesIO(exports.job_problems_xlsx(job)))
    cells = book.get_sheet_by_index(0).to_python()
    assert [(r[0], r[1], r[3]) for r in cells[1:]] == [
        (3, "Nama Lengkap", "error"),
        (4, "NIK", "warning"),
    ]
    services.import_job_execute(job_id=job.pk)
    book = CalamineWorkbook.from_filelike(io.BytesIO(exports.job_problems_xlsx(job)))
    assert book.get_sheet_by_index(0).to_python() == cells  # the same once merged


def test_undoing_a_failed_job_drops_the_rows_it_never_merged(branch_officer_kukar, admin):
    job = _create(branch_officer_kukar)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    services.import_job_undo(job_id=job.pk, actor=admin)
    assert not StagedPart.objects.filter(job=job).exists()
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.UNDONE


def test_rows_staged_by_the_earlier_code_move_into_parts_and_merge(branch_officer_kukar):
    """Migration 0007: a job queued before it keeps every pending row."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("lindungi.ingest.migrations.0007_pending_rows_in_parts")
    job = _create(branch_officer_kukar)
    pending = parts.pending(job.pk)
    ImportRow.objects.bulk_create(  # as the earlier code staged them: valid, no outcome
        ImportRow(job=job, line=r.line, status="valid", data=r.data, nik_index=r.nik_index,
                  nik_enc=r.nik_enc, nik_valid=r.nik_valid, fingerprint=r.fingerprint,
                  errors=r.errors, phone_enc=r.phone_enc)
        for r in pending
    )  # fmt: skip
    parts.drop(job.pk)
    migration._pack_pending_rows(apps, None)
    assert parts.pending(job.pk) == pending
    assert ImportRow.objects.filter(job=job).count() == 1  # the invalid row stays
    migration._unpack_parts(apps, None)
    assert ImportRow.objects.filter(job=job, status="valid", outcome="").count() == 3
    StagedPart.objects.all().delete()
    migration._pack_pending_rows(apps, None)
    job = services.import_job_execute(job_id=job.pk)
    assert (job.rows_done, job.rows_new) == (3, 3)


def test_a_file_uploaded_again_while_the_first_job_waited_adds_only_what_is_new(
    branch_officer_kukar,
):
    first = _create(branch_officer_kukar)
    again = services.import_job_create(
        data=csv_bytes([*_rows(), [nik(5), "Rudi", "17-08-1985", "L", KUKAR]]),
        file_name="d2.csv",
        kind="dtks",
        actor=branch_officer_kukar,
    )
    assert again.rows_unchanged == 0  # nothing of the first job is merged yet
    services.import_job_execute(job_id=first.pk)
    again = services.import_job_execute(job_id=again.pk)
    assert (again.rows_valid, again.rows_unchanged, again.rows_done, again.rows_new) == (4, 3, 1, 1)
    assert list(
        ImportRow.objects.filter(job=again, status="unchanged").values_list("line", "outcome")
    ) == [(2, "skipped"), (4, "skipped"), (5, "skipped")]
    assert Worker.objects.count() == 4
    event = AuditEvent.objects.get(action="ingest.unchanged")
    assert (event.object_id, event.after) == (
        str(again.pk),
        {"rows": 3, "first_line": 2, "last_line": 5},
    )
