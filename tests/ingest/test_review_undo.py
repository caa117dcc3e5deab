"""Clerical review decisions (audited) and undoing a whole import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.ingest import services
from lindungi.ingest.models import ImportJob, ImportRow, ReviewItem
from lindungi.registry.models import Membership, Payer, Worker

from .conftest import KUKAR, csv_bytes, known_worker, nik


def _run(rows: list[list[Any]], actor: Any, **kw: Any) -> ImportJob:
    job = services.import_job_create(
        data=csv_bytes(rows, **kw), file_name="d.csv", kind="dtks", actor=actor
    )
    return services.import_job_execute(job_id=job.pk)


@pytest.fixture
def review_item(admin, branch_officer_kukar, scripted) -> ReviewItem:
    known = known_worker(admin)
    scripted({"Budi Santosa": ("review", known.pk, {"name": "fuzzy", "dob": "agree"})})
    job = _run([["", "Budi Santosa", "17-08-1985", "L", KUKAR]], branch_officer_kukar)
    assert (job.rows_review, job.rows_new) == (1, 0)
    return ReviewItem.objects.get()


def test_same_person_links_the_row(review_item, branch_officer_kukar):
    item = services.review_decide(
        item_id=review_item.pk, decision="same", actor=branch_officer_kukar, note="KTP dicek"
    )
    assert (item.decision, item.decided_by) == ("same", branch_officer_kukar)
    assert ImportRow.objects.get().worker_id == review_item.candidate_id
    event = AuditEvent.objects.get(action="ingest.review")
    assert (event.actor, event.note, event.after["decision"]) == (
        branch_officer_kukar,
        "KTP dicek",
        "same",
    )
    with pytest.raises(Conflict):
        services.review_decide(item_id=item.pk, decision="same", actor=branch_officer_kukar)


def test_different_person_registers_a_new_worker(review_item, branch_officer_kukar):
    services.review_decide(item_id=review_item.pk, decision="different", actor=branch_officer_kukar)
    row = ImportRow.objects.get()
    assert row.created
    assert row.worker_id != review_item.candidate_id
    assert Worker.objects.get(pk=row.worker_id).full_name == "Budi Santosa"


def test_review_denied_changes_nothing(
    review_item, village_officer_sungai_raya, compliance_officer_kaltim
):
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):  # a village officer holds no review permission
        services.review_decide(
            item_id=review_item.pk, decision="same", actor=village_officer_sungai_raya
        )
    with pytest.raises(PermissionDenied):
        services.review_decide(
            item_id=review_item.pk, decision="same", actor=compliance_officer_kaltim
        )
    review_item.refresh_from_db()
    assert review_item.decision == ""
    assert ImportRow.objects.get().worker_id is None
    assert AuditEvent.objects.count() == audit_before


def test_review_out_of_scope_is_not_found(review_item, branch_officer_kubu_raya):
    with pytest.raises(NotFound):
        services.review_decide(
            item_id=review_item.pk, decision="same", actor=branch_officer_kubu_raya
        )


def test_conflict_apply_then_undo_reverts_from_audit(admin, branch_officer_kukar, scripted):
    known = known_worker(admin, nik=nik(1))
    scripted({"Budi Hartono": ("exact", known.pk, {"nik": "agree"})})
    job = _run([[nik(1), "Budi Hartono", "17-08-1985", "L", KUKAR]], branch_officer_kukar)
    item = ReviewItem.objects.get()
    services.review_decide(item_id=item.pk, decision="apply", actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.full_name == "Budi Hartono"
    services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.full_name == "Budi Santoso"


DECILE_HEADER = ["NIK", "Nama", "Tanggal Lahir", "JK", "Kode Desa", "Desil"]


def test_a_merged_row_in_conflict_can_be_another_person(admin, branch_officer_kukar, scripted):
    """Linkage merged a row whose NIK contradicts the worker's; the clerk says: another
    person. What the merge wrote on the worker goes, the row's person is registered, and
    undoing the job later leaves the worker as it was before the import."""
    known = known_worker(admin, nik=nik(1), welfare_decile=7)
    scripted({"Budi Santoso": ("merge", known.pk, {"name": "agree", "birth_date": "agree"})})
    row = [nik(2), "Budi Santoso", "17-08-1985", "L", KUKAR, "3"]
    job = _run([row], branch_officer_kukar, header=DECILE_HEADER)
    known.refresh_from_db()
    item = ReviewItem.objects.get()
    assert (item.kind, item.conflicts, known.welfare_decile) == ("conflict", ["nik"], 3)
    services.review_decide(
        item_id=item.pk, decision="different", actor=branch_officer_kukar, note="KTP beda"
    )
    known.refresh_from_db()
    imported = ImportRow.objects.get(job=job)
    other = Worker.objects.get(pk=imported.worker_id)
    assert known.welfare_decile == 7
    assert (other.pk != known.pk, imported.created, other.welfare_decile) == (True, True, 3)
    assert other.nik_index == imported.nik_index is not None
    event = AuditEvent.objects.get(action="ingest.review")
    assert event.before == {"workers": {str(known.pk): {"welfare_decile": 3}}}
    assert event.after["workers"] == {str(known.pk): {"welfare_decile": 7}}
    services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.welfare_decile == 7
    assert not Worker.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("first_decile", "after_batch", "after_decision"),
    [
        ("3", 3, 3),  # the first row wrote 3: the second row wrote nothing to take back
        ("7", 5, 7),  # the first row changed nothing (7 already), so the second row wrote 5
    ],
)
def test_a_later_row_declared_another_person_takes_back_only_what_it_wrote(
    admin, branch_officer_kukar, scripted, first_decile, after_batch, after_decision
):
    known = known_worker(admin, nik=nik(1), welfare_decile=7)
    scripted(
        {
            "Budi Santoso": ("exact", known.pk, {"nik": "agree"}),
            "Budi Santosa": ("merge", known.pk, {"name": "fuzzy"}),
        }
    )
    rows = [
        [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR, first_decile],
        [nik(2), "Budi Santosa", "17-08-1985", "L", KUKAR, "5"],
    ]
    _run(rows, branch_officer_kukar, header=DECILE_HEADER)
    known.refresh_from_db()
    assert known.welfare_decile == after_batch
    item = ReviewItem.objects.get(row__line=3)
    services.review_decide(item_id=item.pk, decision="different", actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.welfare_decile == after_decision
    event = AuditEvent.objects.get(action="ingest.review")
    taken = {str(known.pk): {"welfare_decile": 5}} if after_batch == 5 else None
    assert (event.before or {}).get("workers") == taken


def test_a_row_linked_by_its_nik_cannot_be_declared_another_person(
    admin, branch_officer_kukar, scripted
):
    known = known_worker(admin, nik=nik(1))
    scripted({"Budi Hartono": ("exact", known.pk, {"nik": "agree"})})
    _run([[nik(1), "Budi Hartono", "17-08-1985", "L", KUKAR]], branch_officer_kukar)
    item = ReviewItem.objects.get()
    workers, events = Worker.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.review_decide(item_id=item.pk, decision="different", actor=branch_officer_kukar)
    item.refresh_from_db()
    assert (item.decision, Worker.objects.count(), AuditEvent.objects.count()) == (
        "",
        workers,
        events,
    )
    assert ImportRow.objects.get().worker_id == known.pk


def test_undo_removes_created_workers_and_reverts_updates(admin, branch_officer_kukar):
    known = known_worker(
        admin,
        nik=nik(9, day="01", month="01", year="80"),
        birth_date=date(1980, 1, 1),
        welfare_decile=7,
    )
    header = ["NIK", "Nama", "Tanggal Lahir", "JK", "Kode Desa", "Desil"]
    rows = [
        [nik(9, day="01", month="01", year="80"), "Budi Santoso", "01-01-1980", "L", KUKAR, "3"],
        [nik(1), "Agus", "17-08-1985", "L", KUKAR, ""],
        [nik(2), "Tono", "17-08-1985", "L", KUKAR, ""],
    ]
    with pytest.MonkeyPatch.context() as mp:
        from lindungi.ingest import linker

        mp.setattr(linker, "_real", lambda: None)
        job = _run(rows, branch_officer_kukar, header=header)
    assert (job.rows_new, job.rows_linked, job.rows_updated) == (2, 1, 1)
    known.refresh_from_db()
    assert known.welfare_decile == 3
    tono = Worker.objects.get(full_name="Tono")
    payer = Payer.objects.create(kind="self", worker=tono, label="Tono")
    Membership.objects.create(
        worker=tono, segment="BPU", payer=payer, declared_wage=1_000_000, start=date(2026, 1, 1)
    )
    undone = services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar, note="salah")
    assert undone.status == "undone"
    known.refresh_from_db()
    tono.refresh_from_db()
    assert known.welfare_decile == 7  # reverted from the audit's before-value
    assert not Worker.objects.filter(full_name="Agus").exists()  # removed
    assert (tono.status, tono.ended_on is not None) == ("ended", True)  # referenced: ended
    event = AuditEvent.objects.get(action="ingest.undo")
    assert event.after == {"removed": 1, "ended": 1, "reverted": 1, "kept": 0}
    with pytest.raises(Conflict):
        services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar)
    # Its rows no longer count as imported: the same file imports again.
    with pytest.MonkeyPatch.context() as mp:
        from lindungi.ingest import linker

        mp.setattr(linker, "_real", lambda: None)
        again = _run(rows, branch_officer_kukar, header=header)
    assert again.rows_unchanged == 0


def test_a_file_imports_again_after_the_job_that_imported_it_is_undone_even_if_it_was_re_uploaded(
    branch_officer_kukar, exact_only
):
    """A re-upload's `unchanged` rows only point at the job that imported them: once that job
    is undone they must not keep the same file from importing (nothing else holds it)."""
    rows = [[nik(1), "Agus", "17-08-1985", "L", KUKAR], [nik(2), "Tono", "17-08-1985", "L", KUKAR]]
    first = _run(rows, branch_officer_kukar)
    again = _run(rows, branch_officer_kukar)
    assert (first.rows_new, again.rows_unchanged, again.rows_new) == (2, 2, 0)
    services.import_job_undo(job_id=first.pk, actor=branch_officer_kukar)
    assert Worker.objects.count() == 0
    third = _run(rows, branch_officer_kukar)
    assert (third.rows_unchanged, third.rows_new) == (0, 2)
    assert sorted(Worker.objects.values_list("full_name", flat=True)) == ["Agus", "Tono"]
    # and a fourth upload finds them imported by the third
    fourth = _run(rows, branch_officer_kukar)
    assert (fourth.rows_unchanged, fourth.rows_new, Worker.objects.count()) == (2, 0, 2)


def test_undo_denied_changes_nothing(branch_officer_kukar, planner_kukar, good_rows, exact_only):
    job = _run(good_rows, branch_officer_kukar)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):  # a planner may import but not undo
        services.import_job_undo(job_id=job.pk, actor=planner_kukar)
    job.refresh_from_db()
    assert (job.status, Worker.objects.count(), AuditEvent.objects.count()) == (
        "done",
        3,
        audit_before,
    )


def test_a_later_list_fills_a_missing_nik_and_undo_clears_it(branch_officer_kukar, scripted):
    first = _run([["6.40212E+15", "Joko", "17-08-1985", "L", KUKAR]], branch_officer_kukar)
    joko = Worker.objects.get()
    assert (first.rows_new, joko.nik_index) == (1, None)
    scripted({"Joko": ("merge", joko.pk, {"name": "agree", "dob": "agree"})})
    second = _run([[nik(1), "Joko", "17-08-1985", "L", KUKAR]], branch_officer_kukar)
    joko.refresh_from_db()
    row = ImportRow.objects.get(job=second)
    assert (second.rows_linked, second.rows_updated) == (1, 1)
    assert joko.nik_index == row.nik_index is not None
    services.import_job_undo(job_id=second.pk, actor=branch_officer_kukar)
    joko.refresh_from_db()
    assert (joko.nik_index, joko.nik_enc) == (None, None)


def test_same_person_also_makes_the_changes_the_source_may(admin, branch_officer_kukar, scripted):
    known = known_worker(admin, welfare_decile=6)
    scripted({"Budi Santosa": ("review", known.pk, {"name": "fuzzy"})})
    header = ["NIK", "Nama", "Tanggal Lahir", "JK", "Kode Desa", "Desil"]
    job = _run(
        [["", "Budi Santosa", "17-08-1985", "L", KUKAR, "2"]], branch_officer_kukar, header=header
    )
    item = ReviewItem.objects.get()
    services.review_decide(item_id=item.pk, decision="same", actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.welfare_decile == 2  # DTKS is the authority for the decile
    event = AuditEvent.objects.get(action="ingest.review")
    assert event.before == {"workers": {str(known.pk): {"welfare_decile": 6}}}
    assert (event.after["worker"], event.after["created"]) == (known.pk, False)
    services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar)
    known.refresh_from_db()
    assert known.welfare_decile == 6


DUPLICATE = ("duplicate_in_file", None, {})


@pytest.mark.parametrize(
    ("kind", "decision", "to_candidate"),
    [("match", "same", True), ("match", "different", False), ("conflict", "different", False)],
)
def test_the_rows_duplicating_a_reviewed_row_follow_the_decision(
    admin, branch_officer_kukar, scripted, kind, decision, to_candidate
):
    """Rows the file holds twice are one person: whatever the clerk decides for the first
    row, its duplicates go with it (to the candidate, or to the worker registered)."""
    known = known_worker(admin, nik=nik(1))
    first = ("review", known.pk, {"name": "fuzzy"})
    if kind == "conflict":
        first = ("merge", known.pk, {"name": "agree", "birth_date": "agree"})
    scripted({"Budi Santoso": [first, DUPLICATE, DUPLICATE]})
    row = [nik(2) if kind == "conflict" else "", "Budi Santoso", "17-08-1985", "L", KUKAR]
    job = _run([row, row[:], row[:]], branch_officer_kukar)
    assert job.rows_duplicate == 2
    item = ReviewItem.objects.get()
    assert item.kind == kind
    services.review_decide(item_id=item.pk, decision=decision, actor=branch_officer_kukar)
    rows = list(ImportRow.objects.filter(job=job).order_by("line"))
    worker = rows[0].worker_id
    assert (worker == known.pk) is to_candidate
    assert [r.worker_id for r in rows] == [worker, worker, worker]
    assert [r.duplicate_of for r in rows[1:]] == [rows[0].pk, rows[0].pk]
    event = AuditEvent.objects.get(action="ingest.review")
    assert event.after["duplicates"] == [rows[1].pk, rows[2].pk]
    services.import_job_undo(job_id=job.pk, actor=branch_officer_kukar)
    assert set(ImportRow.objects.filter(job=job).values_list("worker_id", flat=True)) == {None}
