"""The file BPJS returns after a collective registration: KPJ numbers, rejections, bad rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.programs import selectors
from lindungi.programs.exports import COLUMNS
from lindungi.programs.models import Beneficiary, EnrolmentBatch, Programme, ReturnImport
from lindungi.programs.returns import batch_return_import
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.registry.models import Membership, Worker

pytestmark = pytest.mark.django_db
PER_WORKER = 201_600  # 12 months of JKK + JKM at Rp1,000,000 from 2027-01
TODAY = date(2027, 3, 10)  # the import day: a rejected place is paid through March


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)


@pytest.fixture
def enrolled(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
) -> tuple[Programme, EnrolmentBatch, list[Worker]]:
    """Four beneficiaries in one batch (Ani, Budi, Citra, Dedi), quota 4."""
    programme = approved_programme(quota=4)
    workers = [
        make_worker(full_name=name, birth_date=date(1980 + i, 1, 2))
        for i, name in enumerate(("Ani", "Budi", "Citra", "Dedi"))
    ]
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    return programme, batch, workers


def csv_file(*rows: str, header: str = "ID peserta Lindungi;KPJ;Status;Alasan penolakan") -> bytes:
    return "\n".join([header, *rows]).encode()


def state() -> dict[str, Any]:
    """Every value an import may change, to show that a refused one changed nothing."""
    return {
        "memberships": sorted(Membership.objects.values_list("pk", "kpj", "end", "end_reason")),
        "beneficiaries": sorted(
            Beneficiary.objects.values_list("pk", "end", "end_reason", "end_note")
        ),
        "imports": ReturnImport.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def kpj_of(worker: Worker) -> str | None:
    return Membership.objects.get(worker=worker, segment="BPU").kpj


def test_accepted_rows_get_their_kpj_and_rejected_places_go_back(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], planner_kukar: User
) -> None:
    programme, batch, (ani, budi, citra, dedi) = enrolled
    content = csv_file(
        f"{ani.pk};12345678901;Diterima;",
        f"{budi.pk};;Ditolak;NIK tidak terdaftar di Dukcapil",
        f"{citra.pk};1234 5678-902;diterima;",  # separators are removed
    )
    imported = batch_return_import(
        programme_id=programme.pk,
        batch_id=batch.pk,
        content=content,
        filename="balikan.csv",
        actor=planner_kukar,
    )
    assert (
        imported.rows_read,
        imported.accepted,
        imported.rejected,
        imported.already,
        imported.invalid,
    ) == (3, 2, 1, 0, 0)
    assert [kpj_of(w) for w in (ani, budi, citra, dedi)] == [
        "12345678901",
        None,
        "12345678902",
        None,
    ]
    rejected = Beneficiary.objects.get(worker=budi)
    assert (rejected.start, rejected.end, rejected.end_reason, rejected.end_note) == (
        date(2027, 1, 1),
        date(2027, 4, 1),
        "rejected",
        "NIK tidak terdaftar di Dukcapil",
    )
    membership = Membership.objects.get(pk=rejected.membership_id)
    assert (membership.end, membership.end_reason) == (date(2027, 4, 1), "correction")
    event = AuditEvent.objects.get(action="programme.return_import")
    assert event.after == {
        "import": imported.pk,
        "batch": batch.pk,
        "rows_read": 3,
        "accepted": 2,
        "rejected": 1,
        "already": 0,
        "invalid": 0,
    }
    # Burn-down: three running for 12 months, Budi's three months; his place is free again.
    burn = selectors.burn_down(programme, PER_WORKER)
    assert (burn.enrolled, burn.ended, burn.committed, burn.places_left) == (
        3,
        1,
        3 * PER_WORKER + 3 * 16_800,
        1,
    )


def test_importing_the_same_file_again_changes_nothing(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], planner_kukar: User
) -> None:
    programme, batch, (ani, budi, _c, _d) = enrolled
    content = csv_file(f"{ani.pk};12345678901;Diterima;", f"{budi.pk};;Ditolak;Data ganda")
    args = {"programme_id": programme.pk, "batch_id": batch.pk, "content": content}
    batch_return_import(**args, filename="a.csv", actor=planner_kukar)
    before = state()
    again = batch_return_import(**args, filename="a.csv", actor=planner_kukar)
    assert (again.accepted, again.rejected, again.already, again.invalid) == (0, 0, 2, 0)
    after = state()
    assert after["memberships"] == before["memberships"]
    assert after["beneficiaries"] == before["beneficiaries"]
    assert (after["imports"], after["audit"]) == (before["imports"] + 1, before["audit"] + 1)


def test_xlsx_in_the_export_layout_with_a_status_column(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], planner_kukar: User
) -> None:
    """Our own export's columns plus Status; KPJ typed as a number in Excel."""
    programme, batch, (ani, budi, _c, _d) = enrolled
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Pendaftaran kolektif Kukar"])  # a title above the table
    sheet.write_row(2, 0, [*COLUMNS, "Status", "Alasan penolakan"])
    blank = [""] * (len(COLUMNS) - 2)
    sheet.write_row(3, 0, [*blank, 12345678903, ani.pk, "DITERIMA", ""])
    sheet.write_row(4, 0, [*blank, "", budi.pk, "Ditolak", "Usia di atas batas"])
    book.close()
    imported = batch_return_import(
        programme_id=programme.pk,
        batch_id=batch.pk,
        content=out.getvalue(),
        filename="balikan.xlsx",
        actor=planner_kukar,
    )
    assert (imported.accepted, imported.rejected, imported.invalid) == (1, 1, 0)
    assert kpj_of(ani) == "12345678903"
    assert Beneficiary.objects.get(worker=budi).end_note == "Usia di atas batas"


def test_rows_found_by_name_and_birth_date(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], planner_kukar: User
) -> None:
    programme, batch, (ani, _b, citra, _d) = enrolled
    content = csv_file(
        "ANI;02-01-1980;12345678901;Diterima",
        "Citra;1982-01-02;12345678902;Diterima",
        "Citra;1990-01-02;12345678904;Diterima",  # no beneficiary born then
        header="Nama lengkap;Tanggal lahir;KPJ;Status",
    )
    imported = batch_return_import(
        programme_id=programme.pk,
        batch_id=batch.pk,
        content=content,
        filename="nama.csv",
        actor=planner_kukar,
    )
    assert (kpj_of(ani), kpj_of(citra)) == ("12345678901", "12345678902")
    assert [(p["row"], p["column"], p["value"], p["code"]) for p in imported.problems] == [
        (4, "Nama lengkap", "Citra", "no_match")
    ]


def test_every_bad_row_is_named_by_row_column_and_value(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    make_membership: Callable[..., Membership],
) -> None:
    programme, batch, (ani, budi, citra, dedi) = enrolled
    outsider = make_worker(full_name="Bukan penerima")
    make_membership(make_worker(full_name="Pemegang KPJ"), kpj="99999999999")
    Membership.objects.filter(worker=dedi).update(kpj="11111111111")  # registered before
    content = csv_file(
        f"{ani.pk};12345678901;Diterima;",  # row 2: good
        "987654321;12345678902;Diterima;",  # row 3: no such worker
        f"{outsider.pk};12345678903;Diterima;",  # row 4: not in this batch
        f"{budi.pk};12345;Diterima;",  # row 5: KPJ too short
        f"{budi.pk};99999999999;Diterima;",  # row 6: KPJ held by another worker
        f"{citra.pk};12345678905;Menunggu;",  # row 7: unknown status
        f"{ani.pk};12345678901;Diterima;",  # row 8: the same worker again
        f"{citra.pk};12345678901;Diterima;",  # row 9: Ani's KPJ again
        f"{dedi.pk};22222222222;Diterima;",  # row 10: Dedi already has another KPJ
        f"{dedi.pk}x;;Ditolak;",  # row 11: id is not a number
        ";;Diterima;",  # row 12: nothing identifies the worker
        f"{budi.pk};;Diterima;",  # row 13: accepted without KPJ
    )
    before = Beneficiary.objects.filter(programme=programme).values_list("end", flat=True)
    imported = batch_return_import(
        programme_id=programme.pk,
        batch_id=batch.pk,
        content=content,
        filename="campur.csv",
        actor=planner_kukar,
    )
    found = [(p["row"], p["column"], p["value"], p["code"]) for p in imported.problems]
    assert found == [
        (3, "ID peserta Lindungi", "987654321", "unknown_worker"),
        (4, "ID peserta Lindungi", str(outsider.pk), "not_in_batch"),
        (5, "KPJ", "12345", "kpj_malformed"),
        (6, "KPJ", "99999999999", "kpj_taken"),
        (7, "Status", "Menunggu", "status"),
        (8, "ID peserta Lindungi", str(ani.pk), "duplicate"),
        (9, "KPJ", "12345678901", "duplicate_kpj"),
        (10, "KPJ", "22222222222", "kpj_differs"),
        (11, "ID peserta Lindungi", f"{dedi.pk}x", "worker_id"),
        (12, "ID peserta Lindungi", "", "no_worker"),
        (13, "KPJ", "", "kpj_missing"),
    ]
    messages = {p["code"]: p["message"] for p in imported.problems}
    assert messages["kpj_malformed"] == (
        "Nomor KPJ harus 11 digit (KPJ number must be 11 digits): 5 digit diberikan (5 given)"
    )
    assert messages["duplicate"] == ("Peserta yang sama sudah ada di baris 2 (duplicate row).")
    assert "11111111111" in messages["kpj_differs"]
    assert (imported.rows_read, imported.accepted, imported.invalid) == (12, 1, 11)
    # The good row was applied; nothing else changed.
    assert [kpj_of(w) for w in (ani, budi, citra, dedi)] == [
        "12345678901",
        None,
        None,
        "11111111111",
    ]
    assert list(before) == [date(2028, 1, 1)] * 4


def test_status_cannot_flip_after_it_was_recorded(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], planner_kukar: User
) -> None:
    programme, batch, (ani, budi, _c, _d) = enrolled
    args = {"programme_id": programme.pk, "batch_id": batch.pk, "actor": planner_kukar}
    first = csv_file(f"{ani.pk};12345678901;Diterima;", f"{budi.pk};;Ditolak;Ganda")
    batch_return_import(**args, content=first, filename="1.csv")
    flipped = csv_file(f"{ani.pk};;Ditolak;Salah", f"{budi.pk};12345678902;Diterima;")
    imported = batch_return_import(**args, content=flipped, filename="2.csv")
    assert [(p["row"], p["code"]) for p in imported.problems] == [
        (2, "status_changed"),
        (3, "status_changed"),
    ]
    assert (kpj_of(ani), kpj_of(budi)) == ("12345678901", None)
    assert Beneficiary.objects.get(worker=ani).end_reason == ""


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "kosong.csv", "Berkas kosong"),
        (b"%PDF-1.7\x00\x01\x02\x03 binary", "balikan.pdf", "bukan CSV atau XLSX"),
        (b"PK\x03\x04 not really a zip", "rusak.xlsx", "XLSX tidak terbaca"),
        (b"Nama;Alamat;Telepon\nAni;Jl. Mawar;0812", "lain.csv", "Susunan kolom tidak dikenal"),
        (b"ID peserta Lindungi;KPJ;Status\n", "judul.csv", "tidak berisi baris data"),
        (b"Status;KPJ;Status;ID Lindungi\n1;2;3;4", "ganda.csv", "muncul dua kali"),
        (b"\n;;\n", "spasi.csv", "Berkas kosong"),
    ],
)
def test_unreadable_files_are_refused_and_change_nothing(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]],
    planner_kukar: User,
    content: bytes,
    filename: str,
    message: str,
) -> None:
    programme, batch, _workers = enrolled
    before = state()
    with pytest.raises(ValidationError) as exc:
        batch_return_import(
            programme_id=programme.pk,
            batch_id=batch.pk,
            content=content,
            filename=filename,
            actor=planner_kukar,
        )
    assert list(exc.value.errors) == ["file"]
    assert message in exc.value.errors["file"][0]
    assert state() == before


def test_sponsor_users_may_not_import_and_nothing_changes(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]], kukar_staff: User
) -> None:
    programme, batch, (ani, *_rest) = enrolled
    before = state()
    with pytest.raises(PermissionDenied):
        batch_return_import(
            programme_id=programme.pk,
            batch_id=batch.pk,
            content=csv_file(f"{ani.pk};12345678901;Diterima;"),
            filename="a.csv",
            actor=kukar_staff,
        )
    assert state() == before


def test_other_region_and_other_batch_read_as_missing(
    enrolled: tuple[Programme, EnrolmentBatch, list[Worker]],
    branch_officer_kubu_raya: User,
    planner_kukar: User,
) -> None:
    programme, batch, (ani, *_rest) = enrolled
    content = csv_file(f"{ani.pk};12345678901;Diterima;")
    before = state()
    with pytest.raises(NotFound):
        batch_return_import(
            programme_id=programme.pk,
            batch_id=batch.pk,
            content=content,
            filename="a.csv",
            actor=branch_officer_kubu_raya,
        )
    with pytest.raises(NotFound):
        batch_return_import(
            programme_id=programme.pk,
            batch_id=batch.pk + 1000,
            content=content,
            filename="a.csv",
            actor=planner_kukar,
        )
    assert state() == before
