"""Registry services: every write validated, scoped, audited in its own transaction, or refused
with nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from lindungi.accounts.models import User
from lindungi.core import audit, pii
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.registry.models import (
    Employer,
    Membership,
    Payer,
    PayerKind,
    Segment,
    Worker,
)
from lindungi.registry.rules import name_search_key
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_correct,
    employer_register,
    membership_end,
    membership_start,
    payer_for_employer,
    payer_for_self,
    worker_correct,
    worker_end,
    worker_merge,
    worker_register,
    worker_reveal,
)
from lindungi.registry.services.memberships import check_membership

KUKAR = "6402012001"  # desa Perian, kec. Muara Muntai, Kutai Kartanegara
KUKAR_LOA_KULU = "6402022001"  # desa Jonggon Desa, kec. Loa Kulu, Kutai Kartanegara
KUBU_RAYA = "6112012001"  # desa Sungai Raya, Kubu Raya
NIK_BUDI = "6402011208850001"  # man born 12-08-1985, kec. Muara Muntai
NIK_SITI = "6402015203900002"  # woman born 12-03-1990 (day 12 + 40)
NIK_RUDI = "6402010101800003"  # man born 01-01-1980
MASKED_BUDI = "6402\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"
OUT_OF_SCOPE = "Wilayah di luar cakupan Anda (outside your region scope)"
E = TypeVar("E", bound=Exception)
BPU_RANGE = "Penghasilan BPU harus Rp1.000.000 - Rp20.700.000"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Persona fixtures hash a password each; the production hasher costs ~0.3 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def worker_input(**overrides: Any) -> WorkerInput:
    values: dict[str, Any] = {
        "full_name": "Budi Santoso",
        "birth_date": date(1985, 8, 12),
        "sex": "L",
        "village_code": KUKAR,
        "nik": NIK_BUDI,
        "birth_place": "Tenggarong",
        "address_line": "RT 03",
        "phone": "0812-3456-7890",
        "occupation_code": "petani",
    }
    return WorkerInput(**(values | overrides))


def employer_input(**overrides: Any) -> EmployerInput:
    values: dict[str, Any] = {
        "name": "PT Mahakam Sejahtera",
        "size_class": "small",
        "jkk_risk_group": 2,
        "village_code": KUKAR,
        "npp": "ab 123456",
        "nib": "1234567890123",
        "kbli": "01131",
    }
    return EmployerInput(**(values | overrides))


def counts() -> dict[str, int]:
    return {
        "workers": Worker.objects.count(),
        "employers": Employer.objects.count(),
        "payers": Payer.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def refused(call: Callable[[], object], error: type[E]) -> E:
    """Run a call that must be refused; assert it changed no row and wrote no audit event."""
    before = counts()
    with pytest.raises(error) as info:
        call()
    assert counts() == before
    return info.value


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-pk").first()  # type: ignore[return-value]


@pytest.fixture
def budi(branch_officer_kukar: User) -> Worker:
    return worker_register(data=worker_input(), actor=branch_officer_kukar)


@pytest.fixture
def siti(branch_officer_kukar: User) -> Worker:
    data = worker_input(
        full_name="Siti Aminah", sex="P", birth_date=date(1990, 3, 12), nik=NIK_SITI, phone=""
    )
    return worker_register(data=data, actor=branch_officer_kukar)


@pytest.fixture
def employer(branch_officer_kukar: User) -> Employer:
    return employer_register(data=employer_input(), actor=branch_officer_kukar)


def start_pu(worker: Worker, employer: Employer, actor: User, **kw: Any) -> Membership:
    values: dict[str, Any] = {
        "segment": Segment.PU,
        "payer": payer_for_employer(employer),
        "programmes": ["JKK", "JKM", "JHT", "JP"],
        "declared_wage": 4_000_000,
        "start": date(2025, 1, 1),
    }
    return membership_start(worker_id=worker.pk, actor=actor, **(values | kw))


def start_bpu(worker: Worker, actor: User, **kw: Any) -> Membership:
    values: dict[str, Any] = {
        "segment": Segment.BPU,
        "payer": payer_for_self(worker),
        "programmes": ["JKK", "JKM"],
        "declared_wage": 1_000_000,
        "start": date(2025, 1, 1),
    }
    return membership_start(worker_id=worker.pk, actor=actor, **(values | kw))


# --- worker_register ---------------------------------------------------------------------------


def test_worker_register_stores_the_validated_record(budi: Worker) -> None:
    budi.refresh_from_db()
    assert (budi.full_name, budi.birth_date, budi.sex) == ("Budi Santoso", date(1985, 8, 12), "L")
    assert (budi.village_id, budi.occupation_id, budi.status) == (KUKAR, "petani", "active")
    assert budi.name_search == name_search_key("Budi Santoso") == "budi santoso"
    assert budi.nik_index == pii.blind_index(NIK_BUDI, field="nik")
    assert pii.decrypt(budi.nik_enc or b"", field="nik") == NIK_BUDI
    assert pii.decrypt(budi.phone_enc or b"", field="phone") == "+6281234567890"


def test_worker_register_audits_with_the_nik_masked(
    budi: Worker, branch_officer_kukar: User
) -> None:
    event = AuditEvent.objects.get(action="worker.register")
    assert (event.actor_id, event.actor_label) == (branch_officer_kukar.pk, "cabang_kukar")
    assert (event.object_type, event.object_id) == ("registry.worker", str(budi.pk))
    assert event.region_code == KUKAR
    assert event.after is not None
    assert event.after["nik"] == MASKED_BUDI
    assert event.after["full_name"] == "Budi Santoso"
    assert {"nik_enc", "phone_enc", "nik_index", "name_search"}.isdisjoint(event.after)
    text = json.dumps(event.after, ensure_ascii=False)
    assert NIK_BUDI not in text
    assert "81234567890" not in text


def test_worker_register_is_undone_when_its_audit_event_fails(
    branch_officer_kukar: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    refused(
        partial(worker_register, data=worker_input(), actor=branch_officer_kukar), DatabaseError
    )


def test_worker_register_names_every_bad_field_at_once(branch_officer_kukar: User) -> None:
    data = worker_input(
        full_name="  ",
        birth_date=date(2099, 1, 1),
        sex="X",
        village_code="6402012999",
        nik="",
        phone="12ab",
        occupation_code="astronot",
        welfare_decile=11,
        village_role="lurah",
        source="faks",
    )
    exc = refused(partial(worker_register, data=data, actor=branch_officer_kukar), ValidationError)
    assert isinstance(exc, ValidationError)
    assert exc.errors == {
        "full_name": ["Wajib diisi (required)"],
        "birth_date": ["Tanggal lahir di masa depan (birth date is in the future)"],
        "sex": ["Jenis kelamin harus L atau P (sex must be L or P)"],
        "welfare_decile": ["Desil harus 1-10 (welfare decile must be 1 to 10)"],
        "village_role": ["Peran desa 'lurah' tidak dikenal"],
        "source": ["Sumber 'faks' tidak dikenal"],
        "village_code": ["Desa/kelurahan 6402012999 tidak dikenal (unknown village code)"],
        "occupation_code": ["Pekerjaan 'astronot' tidak dikenal (unknown occupation)"],
        "phone": [
            "Nomor telepon hanya boleh berisi angka: 'a' pada posisi 3 "
            "(phone number must contain digits only: 'a' at position 3)"
        ],
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nik": "640201120885001"}, "nik", "NIK harus 16 digit"),
        ({"nik": "6402013208850001"}, "nik", "hari 32"),
        ({"nik": "6402011208850000"}, "nik", "Nomor urut NIK 0000 tidak valid"),
        ({"nik": "6499011208850001"}, "nik", "Kode wilayah NIK 649901 tidak dikenal"),
        ({"village_code": "64.02.01"}, "village_code", "adalah kode kecamatan"),
        ({"phone": "0800123456"}, "phone", "Nomor 080x adalah nomor layanan"),
        ({"full_name": "x" * 151}, "full_name", "Paling banyak 150 karakter"),
        ({"full_name": "=1+1"}, "full_name", "Nama harus memuat huruf"),
        ({"full_name": "12345"}, "full_name", "Nama harus memuat huruf"),
        ({"birth_date": date(1900, 1, 1), "nik": ""}, "birth_date", "Umur lebih dari 120 tahun"),
    ],
)
def test_worker_register_names_the_bad_field(
    overrides: dict[str, Any], field: str, message: str, branch_officer_kukar: User
) -> None:
    data = worker_input(**overrides)
    exc = refused(partial(worker_register, data=data, actor=branch_officer_kukar), ValidationError)
    assert isinstance(exc, ValidationError)
    assert list(exc.errors) == [field]
    assert message in exc.errors[field][0]


@pytest.mark.parametrize(
    ("birth_date", "sex", "errors"),
    [
        (
            date(1985, 8, 13),
            "L",
            {
                "birth_date": [
                    "Tanggal lahir tidak cocok dengan NIK: hari 12 di NIK, 13 di data "
                    "(birth date does not match: day 12 in the NIK, 13 in the record)"
                ]
            },
        ),
        (
            date(1986, 9, 12),
            "L",
            {
                "birth_date": [
                    "Tanggal lahir tidak cocok dengan NIK: bulan 08 di NIK, 09 di data; "
                    "tahun 85 di NIK, 86 di data (birth date does not match: month 08 in the "
                    "NIK, 09 in the record; 2-digit year 85 in the NIK, 86 in the record)"
                ]
            },
        ),
        (
            date(1985, 8, 12),
            "P",
            {
                "sex": [
                    "Jenis kelamin tidak cocok: NIK menunjukkan laki-laki (hari 01-31) tetapi "
                    "data P (sex mismatch: day part 12 marks a man (day 01-31) but the record "
                    "says P)"
                ]
            },
        ),
    ],
)
def test_worker_register_refuses_a_nik_that_contradicts_the_record(
    birth_date: date, sex: str, errors: dict[str, list[str]], branch_officer_kukar: User
) -> None:
    data = worker_input(birth_date=birth_date, sex=sex)
    exc = refused(partial(worker_register, data=data, actor=branch_officer_kukar), ValidationError)
    assert isinstance(exc, ValidationError)
    assert exc.errors == errors


def test_worker_register_refuses_a_registered_nik(budi: Worker, branch_officer_kukar: User) -> None:
    again = worker_input(full_name="Budi S.", nik="6402.0112.0885.0001")
    exc = refused(partial(worker_register, data=again, actor=branch_officer_kukar), Conflict)
    assert isinstance(exc, Conflict)
    assert (exc.message, exc.field) == ("NIK sudah terdaftar (NIK is already registered)", "nik")


def test_worker_register_refuses_a_village_outside_the_scope(
    branch_officer_kubu_raya: User,
) -> None:
    call = partial(worker_register, data=worker_input(), actor=branch_officer_kubu_raya)
    exc = refused(call, ValidationError)
    assert isinstance(exc, ValidationError)
    assert exc.errors == {"village_code": [OUT_OF_SCOPE]}


@pytest.mark.parametrize("persona", ["labour_inspector_kaltim", "sponsor_csr", "dprd_kaltim"])
def test_worker_register_needs_the_permission(persona: str, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(persona)
    exc = refused(partial(worker_register, data=worker_input(), actor=actor), PermissionDenied)
    assert str(exc) == "permission required: registry.register_worker"


def test_worker_without_nik_or_phone_stores_no_ciphertext(branch_officer_kukar: User) -> None:
    worker = worker_register(data=worker_input(nik="", phone=""), actor=branch_officer_kukar)
    assert (worker.nik_index, worker.nik_enc, worker.phone_enc) == (None, None, None)
    assert last_event().after["nik"] == ""  # type: ignore[index]


# --- worker_correct ----------------------------------------------------------------------------


def test_worker_correct_audits_only_what_changed(budi: Worker, branch_officer_kukar: User) -> None:
    worker_correct(
        worker_id=budi.pk,
        changes={"full_name": "Budi  Santosa", "address_line": "RT 07"},
        actor=branch_officer_kukar,
        reason="salah ketik",
    )
    budi.refresh_from_db()
    assert (budi.full_name, budi.address_line, budi.name_search) == (
        "Budi Santosa",
        "RT 07",
        "budi santosa",
    )
    event = last_event()
    assert (event.action, event.note, event.object_id) == (
        "worker.correct",
        "salah ketik",
        str(budi.pk),
    )
    assert event.before is not None
    assert event.after is not None
    assert set(event.before) == set(event.after) == {"full_name", "address_line", "updated_at"}
    assert (event.before["full_name"], event.after["full_name"]) == ("Budi Santoso", "Budi Santosa")
    assert (event.before["address_line"], event.after["address_line"]) == ("RT 03", "RT 07")


def test_worker_correct_masks_a_changed_nik_and_hides_the_phone(
    budi: Worker, branch_officer_kukar: User
) -> None:
    worker_correct(
        worker_id=budi.pk,
        changes={"nik": "6402011208850009", "phone": "+62 811 5550 123"},
        actor=branch_officer_kukar,
    )
    budi.refresh_from_db()
    assert budi.nik_index == pii.blind_index("6402011208850009", field="nik")
    assert pii.decrypt(budi.phone_enc or b"", field="phone") == "+628115550123"
    event = last_event()
    assert event.before == {"nik": MASKED_BUDI, "phone": "changed"} | {
        "updated_at": event.before["updated_at"]  # type: ignore[index]
    }
    assert event.after is not None
    assert (event.after["nik"], event.after["phone"]) == (
        "6402\u2022" + "\u2022" * 7 + "0009",
        "changed",
    )
    text = json.dumps([event.before, event.after])
    for secret in (NIK_BUDI, "6402011208850009", "81234567890", "8115550123"):
        assert secret not in text


def test_worker_correct_refuses_the_nik_of_another_worker(
    budi: Worker, siti: Worker, branch_officer_kukar: User
) -> None:
    call = partial(
        worker_correct,
        worker_id=siti.pk,
        changes={"nik": NIK_BUDI, "sex": "L", "birth_date": date(1985, 8, 12)},
        actor=branch_officer_kukar,
    )
    exc = refused(call, Conflict)
    assert str(exc) == "NIK sudah terdaftar (NIK is already registered)"
    siti.refresh_from_db()
    assert (siti.sex, siti.nik_index) == ("P", pii.blind_index(NIK_SITI, field="nik"))


def test_worker_correct_revalidates_the_whole_record(
    budi: Worker, branch_officer_kukar: User
) -> None:
    # Changing only the sex now contradicts the NIK already on file.
    call = partial(
        worker_correct, worker_id=budi.pk, changes={"sex": "P"}, actor=branch_officer_kukar
    )
    exc = refused(call, ValidationError)
    assert list(exc.errors) == ["sex"]


def test_worker_correct_refuses_unknown_fields(budi: Worker, branch_officer_kukar: User) -> None:
    call = partial(
        worker_correct,
        worker_id=budi.pk,
        changes={"status": "ended", "source": "dtks"},
        actor=branch_officer_kukar,
    )
    exc = refused(call, ValidationError)
    assert exc.errors == {
        "source": ["Tidak dapat dikoreksi (cannot be corrected)"],
        "status": ["Tidak dapat dikoreksi (cannot be corrected)"],
    }


def test_worker_correct_out_of_scope_reads_as_missing(
    budi: Worker, branch_officer_kubu_raya: User
) -> None:
    out = refused(
        partial(worker_correct, worker_id=budi.pk, changes={}, actor=branch_officer_kubu_raya),
        NotFound,
    )
    missing = refused(
        partial(
            worker_correct, worker_id=budi.pk + 999, changes={}, actor=branch_officer_kubu_raya
        ),
        NotFound,
    )
    assert str(out) == str(missing) == "worker not found"


def test_worker_correct_cannot_move_a_worker_out_of_scope(
    budi: Worker, branch_officer_kukar: User
) -> None:
    call = partial(
        worker_correct,
        worker_id=budi.pk,
        changes={"village_code": KUBU_RAYA},
        actor=branch_officer_kukar,
    )
    exc = refused(call, ValidationError)
    assert exc.errors == {"village_code": [OUT_OF_SCOPE]}


# --- worker_end --------------------------------------------------------------------------------


def test_worker_end_ends_every_open_membership(
    budi: Worker, employer: Employer, branch_officer_kukar: User
) -> None:
    pu = start_pu(budi, employer, branch_officer_kukar)
    bpu = start_bpu(budi, branch_officer_kukar)
    closed = start_bpu(
        budi,
        branch_officer_kukar,
        start=date(2024, 1, 1),
        segment=Segment.PMI,
        programmes=["JKK", "JKM"],
    )
    membership_end(
        membership_id=closed.pk, on=date(2024, 6, 1), reason="resigned", actor=branch_officer_kukar
    )
    worker_end(
        worker_id=budi.pk, on=date(2025, 7, 15), status="deceased", actor=branch_officer_kukar
    )
    budi.refresh_from_db()
    assert (budi.status, budi.ended_on) == ("deceased", date(2025, 7, 15))
    ends = dict(Membership.objects.filter(worker=budi).values_list("pk", "end"))
    assert ends == {
        pu.pk: date(2025, 7, 15),
        bpu.pk: date(2025, 7, 15),
        closed.pk: date(2024, 6, 1),
    }
    reasons = set(
        Membership.objects.filter(end=date(2025, 7, 15)).values_list("end_reason", flat=True)
    )
    assert reasons == {"died"}
    event = last_event()
    assert event.action == "worker.end"
    assert event.after is not None
    assert (event.after["status"], event.after["ended_on"]) == ("deceased", "2025-07-15")
    assert (event.after["memberships_ended"], event.after["memberships"]) == (2, [pu.pk, bpu.pk])
    trail = AuditEvent.objects.filter(action="membership.end", note="worker.end").order_by("pk")
    assert [(e.object_id, e.before, e.after) for e in trail] == [
        (str(m.pk), {"end": None, "end_reason": ""}, {"end": "2025-07-15", "end_reason": "died"})
        for m in (pu, bpu)
    ]


@pytest.mark.parametrize(
    ("on", "status", "error", "message"),
    [
        (
            date(2025, 7, 15),
            "merged",
            ValidationError,
            "status: Status akhir harus deceased atau ended",
        ),
        (
            date(1980, 1, 1),
            "ended",
            ValidationError,
            "on: Tanggal tidak masuk akal (date before birth or in future)",
        ),
        (
            date(2024, 12, 31),
            "ended",
            ValidationError,
            "on: Ada kepesertaan yang dimulai setelah tanggal ini",
        ),
    ],
)
def test_worker_end_refuses(
    on: date,
    status: str,
    error: type[Exception],
    message: str,
    budi: Worker,
    branch_officer_kukar: User,
) -> None:
    start_bpu(budi, branch_officer_kukar)
    exc = refused(
        partial(worker_end, worker_id=budi.pk, on=on, status=status, actor=branch_officer_kukar),
        error,
    )
    assert str(exc) == message


def test_worker_end_twice_is_a_conflict(budi: Worker, branch_officer_kukar: User) -> None:
    worker_end(worker_id=budi.pk, on=date(2025, 1, 1), status="ended", actor=branch_officer_kukar)
    exc = refused(
        partial(
            worker_end,
            worker_id=budi.pk,
            on=date(2025, 2, 1),
            status="ended",
            actor=branch_officer_kukar,
        ),
        Conflict,
    )
    assert str(exc) == "Peserta sudah berstatus ended (worker is not active)"


# --- worker_merge ------------------------------------------------------------------------------


@pytest.fixture
def budi_again(branch_officer_kukar: User) -> Worker:
    """The same person entered a second time, from a village list that had his NIK."""
    data = worker_input(full_name="Budi Santoso", nik=NIK_RUDI, birth_date=date(1980, 1, 1))
    return worker_register(data=data, actor=branch_officer_kukar)


def test_worker_merge_moves_memberships_and_marks_the_duplicate(
    budi: Worker, budi_again: Worker, employer: Employer, branch_officer_kukar: User
) -> None:
    pu = start_pu(budi, employer, branch_officer_kukar)
    bpu = start_bpu(budi_again, branch_officer_kukar)
    survivor = worker_merge(
        survivor_id=budi.pk, duplicate_id=budi_again.pk, actor=branch_officer_kukar, note="sama"
    )
    budi_again.refresh_from_db()
    assert survivor.pk == budi.pk
    assert (budi_again.status, budi_again.merged_into_id) == ("merged", budi.pk)
    assert (budi_again.nik_index, budi_again.nik_enc) == (None, None)
    assert set(Membership.objects.filter(worker=budi).values_list("pk", flat=True)) == {
        pu.pk,
        bpu.pk,
    }
    # The moved self-paid membership now bills the survivor's own payer account.
    assert Payer.objects.get(pk=bpu.payer_id).worker_id == budi.pk
    event = last_event()
    assert (event.action, event.object_id, event.note) == ("worker.merge", str(budi.pk), "sama")
    assert event.after == {"merged": budi_again.pk, "memberships": [bpu.pk], "nik_moved": False}


def test_worker_merge_moves_the_nik_to_a_survivor_without_one(
    budi: Worker, branch_officer_kukar: User
) -> None:
    no_nik = worker_register(data=worker_input(nik="", phone=""), actor=branch_officer_kukar)
    worker_merge(survivor_id=no_nik.pk, duplicate_id=budi.pk, actor=branch_officer_kukar)
    no_nik.refresh_from_db()
    assert no_nik.nik_index == pii.blind_index(NIK_BUDI, field="nik")
    assert pii.decrypt(no_nik.nik_enc or b"", field="nik") == NIK_BUDI
    assert last_event().after["nik_moved"] is True  # type: ignore[index]


def test_worker_merge_repoints_to_an_existing_self_payer(
    budi: Worker, budi_again: Worker, branch_officer_kukar: User
) -> None:
    own = payer_for_self(budi)
    bpu = start_bpu(budi_again, branch_officer_kukar, segment=Segment.PMI)
    worker_merge(survivor_id=budi.pk, duplicate_id=budi_again.pk, actor=branch_officer_kukar)
    bpu.refresh_from_db()
    assert (bpu.worker_id, bpu.payer_id) == (budi.pk, own.pk)


def test_worker_merge_refuses_overlapping_memberships(
    budi: Worker, budi_again: Worker, branch_officer_kukar: User
) -> None:
    start_bpu(budi, branch_officer_kukar, start=date(2025, 1, 1))
    theirs = start_bpu(budi_again, branch_officer_kukar, start=date(2024, 1, 1))
    membership_end(
        membership_id=theirs.pk, on=date(2025, 2, 1), reason="lapsed", actor=branch_officer_kukar
    )
    call = partial(
        worker_merge, survivor_id=budi.pk, duplicate_id=budi_again.pk, actor=branch_officer_kukar
    )
    exc = refused(call, Conflict)
    assert str(exc) == (
        "Kepesertaan BPU 2024-01-01 bertumpang tindih dengan kepesertaan peserta utama "
        "(memberships overlap)"
    )
    budi_again.refresh_from_db()
    assert (budi_again.status, theirs.worker_id) == ("active", budi_again.pk)


def test_worker_merge_accepts_touching_periods(
    budi: Worker, budi_again: Worker, branch_officer_kukar: User
) -> None:
    start_bpu(budi, branch_officer_kukar, start=date(2025, 2, 1))
    theirs = start_bpu(budi_again, branch_officer_kukar, start=date(2024, 1, 1))
    membership_end(
        membership_id=theirs.pk, on=date(2025, 2, 1), reason="lapsed", actor=branch_officer_kukar
    )
    worker_merge(survivor_id=budi.pk, duplicate_id=budi_again.pk, actor=branch_officer_kukar)
    assert Membership.objects.filter(worker=budi).count() == 2


@pytest.mark.parametrize(
    ("pair", "error", "message"),
    [
        (
            "self",
            ValidationError,
            "duplicate: Tidak dapat menggabung peserta dengan dirinya sendiri",
        ),
        ("merged", Conflict, "Salah satu peserta sudah digabung (already merged)"),
    ],
)
def test_worker_merge_refuses(
    pair: str,
    error: type[Exception],
    message: str,
    budi: Worker,
    budi_again: Worker,
    siti: Worker,
    branch_officer_kukar: User,
) -> None:
    if pair == "merged":
        worker_merge(survivor_id=siti.pk, duplicate_id=budi_again.pk, actor=branch_officer_kukar)
    duplicate = budi.pk if pair == "self" else budi_again.pk
    call = partial(
        worker_merge, survivor_id=budi.pk, duplicate_id=duplicate, actor=branch_officer_kukar
    )
    assert str(refused(call, error)) == message


def test_worker_merge_across_scopes_reads_as_missing(
    budi: Worker, branch_officer_kubu_raya: User
) -> None:
    other = worker_register(
        data=worker_input(village_code=KUBU_RAYA, nik="", phone=""), actor=branch_officer_kubu_raya
    )
    call = partial(
        worker_merge, survivor_id=other.pk, duplicate_id=budi.pk, actor=branch_officer_kubu_raya
    )
    assert str(refused(call, NotFound)) == "worker not found"


# --- worker_reveal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "field", "value"),
    [
        ("branch_officer_kukar", "nik", NIK_BUDI),
        ("compliance_officer_kaltim", "phone", "+6281234567890"),
        ("admin", "nik", NIK_BUDI),
    ],
)
def test_worker_reveal_returns_plaintext_and_audits_it(
    persona: str, field: str, value: str, budi: Worker, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    before = AuditEvent.objects.count()
    assert worker_reveal(worker_id=budi.pk, field=field, actor=actor, purpose="klaim JKK") == value
    assert AuditEvent.objects.count() == before + 1
    event = last_event()
    assert (event.action, event.actor_id, event.note) == (
        f"worker.reveal_{field}",
        actor.pk,
        "klaim JKK",
    )
    assert (event.object_id, event.region_code, event.before, event.after) == (
        str(budi.pk),
        KUKAR,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("labour_inspector_kaltim", PermissionDenied),
        ("planner_kukar", PermissionDenied),
        ("auditor", PermissionDenied),
        ("branch_officer_kubu_raya", NotFound),
        ("village_officer_sungai_raya", NotFound),
    ],
)
def test_worker_reveal_refused_writes_nothing(
    persona: str, error: type[Exception], budi: Worker, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    refused(partial(worker_reveal, worker_id=budi.pk, field="nik", actor=actor), error)


def test_worker_reveal_only_personal_fields(budi: Worker, branch_officer_kukar: User) -> None:
    call = partial(worker_reveal, worker_id=budi.pk, field="full_name", actor=branch_officer_kukar)
    assert str(refused(call, ValidationError)) == "field: Hanya nik atau phone (only nik or phone)"


# --- employers ---------------------------------------------------------------------------------


def test_employer_register_normalises_and_audits(
    employer: Employer, branch_officer_kukar: User
) -> None:
    employer.refresh_from_db()
    assert (employer.npp, employer.nib, employer.kbli) == ("AB123456", "1234567890123", "01131")
    assert (employer.village_id, employer.size_class, employer.jkk_risk_group) == (
        KUKAR,
        "small",
        2,
    )
    event = last_event()
    assert (event.action, event.object_id, event.region_code) == (
        "employer.register",
        str(employer.pk),
        KUKAR,
    )
    assert event.after is not None
    assert (event.after["npp"], event.after["name"]) == ("AB123456", "PT Mahakam Sejahtera")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"npp": "AB-123456", "nib": "9999999999999"}, "npp"),
        ({"npp": "CD654321", "nib": "1234567890123"}, "nib"),
    ],
)
def test_employer_register_refuses_a_taken_identifier(
    overrides: dict[str, str], field: str, employer: Employer, branch_officer_kukar: User
) -> None:
    call = partial(employer_register, data=employer_input(**overrides), actor=branch_officer_kukar)
    exc = refused(call, Conflict)
    assert (exc.message, exc.field) == (
        f"{field.upper()} sudah terdaftar (already registered)",
        field,
    )


def test_employer_register_names_every_bad_field(branch_officer_kukar: User) -> None:
    data = employer_input(
        name="",
        npp="",
        nib="",
        kbli="0113",
        size_class="huge",
        jkk_risk_group=6,
        village_code=KUBU_RAYA,
        contact_phone="0800123456",
    )
    exc = refused(
        partial(employer_register, data=data, actor=branch_officer_kukar), ValidationError
    )
    assert exc.errors == {
        "name": ["Wajib diisi (required)"],
        "npp": ["NPP atau NIB wajib diisi (NPP or NIB is required)"],
        "kbli": ["KBLI harus 5 digit (KBLI 2020 code of 5 digits)"],
        "size_class": ["Skala usaha 'huge' tidak dikenal"],
        "jkk_risk_group": ["Kelompok risiko JKK harus 1-5 (I-V)"],
        "contact_phone": [
            "Nomor 080x adalah nomor layanan, bukan nomor pribadi "
            "(080x numbers are toll-free services, not personal phones)"
        ],
        "village_code": [OUT_OF_SCOPE],
    }


def test_employer_correct_audits_the_diff(employer: Employer, branch_officer_kukar: User) -> None:
    employer_correct(
        employer_id=employer.pk,
        changes={"size_class": "medium", "jkk_risk_group": 3},
        actor=branch_officer_kukar,
        reason="laporan 2025",
    )
    employer.refresh_from_db()
    assert (employer.size_class, employer.jkk_risk_group) == ("medium", 3)
    event = last_event()
    assert event.before is not None
    assert event.after is not None
    assert set(event.after) == {"size_class", "jkk_risk_group", "updated_at"}
    assert (event.before["size_class"], event.after["size_class"]) == ("small", "medium")
    assert (event.before["jkk_risk_group"], event.after["jkk_risk_group"]) == (2, 3)
    assert (event.action, event.note) == ("employer.correct", "laporan 2025")


def test_employer_correct_refuses_a_taken_npp(
    employer: Employer, branch_officer_kukar: User
) -> None:
    other = employer_register(
        data=employer_input(name="CV Lain", npp="CD654321", nib=""), actor=branch_officer_kukar
    )
    call = partial(
        employer_correct,
        employer_id=other.pk,
        changes={"npp": "AB123456"},
        actor=branch_officer_kukar,
    )
    assert str(refused(call, Conflict)) == "NPP sudah terdaftar (already registered)"
    other.refresh_from_db()
    assert other.npp == "CD654321"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"npp": "", "nib": ""}, {"npp": ["NPP atau NIB wajib diisi (NPP or NIB is required)"]}),
        ({"active": False}, {"active": ["Tidak dapat dikoreksi (cannot be corrected)"]}),
    ],
)
def test_employer_correct_refuses_invalid_changes(
    changes: dict[str, Any],
    errors: dict[str, list[str]],
    employer: Employer,
    branch_officer_kukar: User,
) -> None:
    call = partial(
        employer_correct, employer_id=employer.pk, changes=changes, actor=branch_officer_kukar
    )
    assert refused(call, ValidationError).errors == errors


# --- memberships -------------------------------------------------------------------------------

ALL = frozenset({"JKK", "JKM", "JHT", "JP", "JKP"})


@pytest.mark.parametrize(
    ("segment", "payer", "programmes", "wage", "errors"),
    [
        ("PU", "employer", ALL, 5_000_000, {}),
        ("BPU", "self", {"JKK", "JKM", "JHT"}, 1_000_000, {}),
        ("BPU", "program", {"JKK", "JKM"}, 1_000_000, {}),
        ("JAKON", "employer", {"JKK", "JKM"}, 3_000_000, {}),
        ("PMI", "self", {"JKK", "JKM", "JHT"}, 3_000_000, {}),
        (
            "PU",
            "self",
            {"JKK", "JKM"},
            5_000_000,
            {"payer": "Segmen PU tidak dapat dibayar oleh self"},
        ),
        (
            "BPU",
            "employer",
            {"JKK", "JKM"},
            1_000_000,
            {"payer": "Segmen BPU tidak dapat dibayar oleh employer"},
        ),
        (
            "JAKON",
            "program",
            {"JKK", "JKM"},
            1,
            {"payer": "Segmen JAKON tidak dapat dibayar oleh program"},
        ),
        (
            "BPU",
            "self",
            {"JKK", "JKM", "JP"},
            1_000_000,
            {"programmes": "Program JP tidak tersedia untuk BPU"},
        ),
        (
            "JAKON",
            "employer",
            {"JKK", "JKM", "JHT", "JKP"},
            1,
            {"programmes": "Program JHT, JKP tidak tersedia untuk JAKON"},
        ),
        (
            "PU",
            "employer",
            {"JKK", "JHT"},
            5_000_000,
            {"programmes": "JKK dan JKM wajib (JKK and JKM are required)"},
        ),
        (
            "PU",
            "employer",
            {"JKK", "JKM"},
            0,
            {"declared_wage": "Upah/penghasilan harus lebih dari 0"},
        ),
        (
            "PBI",
            "self",
            {"JKK", "JKM"},
            1,
            {"segment": "Segmen 'PBI' tidak dikenal (unknown segment)"},
        ),
    ],
)
def test_check_membership(
    segment: str, payer: str, programmes: set[str], wage: int, errors: dict[str, str]
) -> None:
    got = check_membership(
        segment=segment, payer_kind=payer, programmes=frozenset(programmes), wage=wage
    )
    assert got == errors


def test_membership_start_stores_and_audits(
    budi: Worker, employer: Employer, branch_officer_kukar: User
) -> None:
    m = start_pu(
        budi,
        employer,
        branch_officer_kukar,
        kpj="123 4567 8901",
        programmes=["jkk", "jkm", "jht", "jp"],
    )
    m.refresh_from_db()
    assert (m.segment, m.declared_wage, m.start, m.end, m.kpj) == (
        "PU",
        4_000_000,
        date(2025, 1, 1),
        None,
        "12345678901",
    )
    assert m.programmes == ["JKK", "JKM", "JHT", "JP"]
    assert m.payer.kind == PayerKind.EMPLOYER
    assert m.payer.employer_id == employer.pk
    event = last_event()
    assert (event.action, event.object_id, event.region_code) == (
        "membership.start",
        str(m.pk),
        KUKAR,
    )
    assert event.after is not None
    assert (event.after["segment"], event.after["declared_wage"], event.after["start"]) == (
        "PU",
        4_000_000,
        "2025-01-01",
    )


@pytest.mark.parametrize(
    ("wage", "ok"),
    [
        (999_999, False),
        (1_000_000, True),
        (5_500_000, True),
        (20_700_000, True),
        (20_700_001, False),
    ],
)
def test_membership_start_bpu_income_within_the_rule_table(
    wage: int, ok: bool, budi: Worker, branch_officer_kukar: User
) -> None:
    # PP 44/2015 + Permenaker 5/2021: declared income Rp1,000,000 to Rp20,700,000 (REGULATIONS 1.2).
    payer_for_self(budi)
    if ok:
        assert start_bpu(budi, branch_officer_kukar, declared_wage=wage).declared_wage == wage
    else:
        exc = refused(
            partial(start_bpu, budi, branch_officer_kukar, declared_wage=wage), ValidationError
        )
        assert exc.errors == {"declared_wage": [BPU_RANGE]}


def test_membership_start_bpu_before_any_income_table(
    budi: Worker, branch_officer_kukar: User
) -> None:
    payer_for_self(budi)
    call = partial(start_bpu, budi, branch_officer_kukar, start=date(2015, 1, 1))
    exc = refused(call, ValidationError)
    assert exc.errors == {"start": ["Tidak ada tabel penghasilan BPU yang berlaku pada 2015-01-01"]}


@pytest.mark.parametrize(
    ("start", "end_first"),
    [
        (date(2025, 6, 1), None),  # the first is still open
        (date(2025, 6, 1), date(2025, 7, 1)),  # starts inside the first
        (date(2024, 6, 1), date(2025, 7, 1)),  # starts before, open, so runs into the first
    ],
)
def test_membership_start_refuses_overlap_in_one_segment(
    start: date, end_first: date | None, budi: Worker, branch_officer_kukar: User
) -> None:
    first = start_bpu(budi, branch_officer_kukar)
    if end_first is not None:
        membership_end(
            membership_id=first.pk, on=end_first, reason="lapsed", actor=branch_officer_kukar
        )
    exc = refused(partial(start_bpu, budi, branch_officer_kukar, start=start), Conflict)
    assert str(exc) == (
        "Kepesertaan bertumpang tindih dengan kepesertaan lain di segmen yang sama "
        "(overlaps another membership of the same segment)"
    )


def test_membership_after_an_ended_one_and_in_another_segment(
    budi: Worker, employer: Employer, branch_officer_kukar: User
) -> None:
    first = start_bpu(budi, branch_officer_kukar)
    membership_end(
        membership_id=first.pk, on=date(2025, 6, 1), reason="lapsed", actor=branch_officer_kukar
    )
    again = start_bpu(budi, branch_officer_kukar, start=date(2025, 6, 1))
    pu = start_pu(budi, employer, branch_officer_kukar, start=date(2025, 3, 1))
    assert Membership.objects.filter(worker=budi).count() == 3
    assert (again.start, pu.segment) == (date(2025, 6, 1), "PU")


def _raw_membership(worker: Worker, start: date, end: date | None) -> Membership:
    return Membership.objects.create(
        worker=worker,
        segment="BPU",
        payer=payer_for_self(worker),
        declared_wage=1_000_000,
        start=start,
        end=end,
        end_reason="lapsed" if end else "",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 3, 1), date(2025, 4, 1)),  # inside [2025-01-01, 2025-06-01)
        (date(2024, 1, 1), date(2025, 1, 2)),  # overlaps the first day
        (date(2025, 5, 31), None),  # open, from the last day
    ],
)
def test_the_database_refuses_an_overlapping_row(
    start: date, end: date | None, budi: Worker
) -> None:
    _raw_membership(budi, date(2025, 1, 1), date(2025, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_membership(budi, start, end)
    assert Membership.objects.filter(worker=budi).count() == 1


def test_the_database_accepts_adjacent_rows(budi: Worker) -> None:
    _raw_membership(budi, date(2025, 1, 1), date(2025, 6, 1))
    _raw_membership(budi, date(2025, 6, 1), None)
    _raw_membership(budi, date(2024, 1, 1), date(2025, 1, 1))
    assert Membership.objects.filter(worker=budi).count() == 3


def test_the_database_refuses_an_update_into_overlap(budi: Worker) -> None:
    _raw_membership(budi, date(2025, 1, 1), date(2025, 6, 1))
    later = _raw_membership(budi, date(2025, 6, 1), None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=later.pk).update(start=date(2025, 5, 1))
    later.refresh_from_db()
    assert later.start == date(2025, 6, 1)


@pytest.mark.parametrize("end", [date(2025, 1, 1), date(2024, 12, 31)])
def test_the_database_refuses_an_end_not_after_the_start(end: date, budi: Worker) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_membership(budi, date(2025, 1, 1), end)
    assert not Membership.objects.filter(worker=budi).exists()


def test_membership_start_refuses_someone_elses_self_payer(
    budi: Worker, siti: Worker, branch_officer_kukar: User
) -> None:
    payer_for_self(budi)
    theirs = payer_for_self(siti)
    call = partial(start_bpu, budi, branch_officer_kukar, payer=theirs)
    exc = refused(call, ValidationError)
    assert exc.errors == {"payer": ["Pembayar mandiri harus peserta itu sendiri (own account)"]}


def test_membership_start_refuses_an_employer_out_of_scope(
    budi: Worker, branch_officer_kubu_raya: User, branch_officer_kukar: User
) -> None:
    far = employer_register(
        data=employer_input(village_code=KUBU_RAYA, npp="KB654321", nib=""),
        actor=branch_officer_kubu_raya,
    )
    payer_for_employer(far)
    call = partial(start_pu, budi, far, branch_officer_kukar)
    assert str(refused(call, NotFound)) == "employer not found"


def test_membership_start_refuses_a_used_kpj(
    budi: Worker, siti: Worker, branch_officer_kukar: User
) -> None:
    start_bpu(budi, branch_officer_kukar, kpj="12345678901")
    payer_for_self(siti)
    exc = refused(partial(start_bpu, siti, branch_officer_kukar, kpj="12345678901"), Conflict)
    assert (exc.message, exc.field) == ("KPJ sudah dipakai (KPJ already in use)", "kpj")


def test_membership_start_refuses_an_inactive_worker(
    budi: Worker, branch_officer_kukar: User
) -> None:
    worker_end(worker_id=budi.pk, on=date(2025, 1, 1), status="ended", actor=branch_officer_kukar)
    payer_for_self(budi)
    exc = refused(partial(start_bpu, budi, branch_officer_kukar), Conflict)
    assert str(exc) == "Peserta tidak aktif (worker is not active)"


def test_membership_end_audits_the_end(budi: Worker, branch_officer_kukar: User) -> None:
    m = start_bpu(budi, branch_officer_kukar)
    membership_end(
        membership_id=m.pk, on=date(2025, 4, 1), reason="lapsed", actor=branch_officer_kukar
    )
    m.refresh_from_db()
    assert (m.end, m.end_reason) == (date(2025, 4, 1), "lapsed")
    event = last_event()
    assert (event.action, event.before, event.after) == (
        "membership.end",
        {"end": None, "end_reason": ""},
        {"end": "2025-04-01", "end_reason": "lapsed"},
    )


@pytest.mark.parametrize(
    ("on", "reason", "error", "message"),
    [
        (
            date(2025, 1, 1),
            "lapsed",
            ValidationError,
            "end: Tanggal akhir harus setelah tanggal mulai (end after start)",
        ),
        (
            date(2024, 1, 1),
            "lapsed",
            ValidationError,
            "end: Tanggal akhir harus setelah tanggal mulai (end after start)",
        ),
        (
            date(2025, 4, 1),
            "bosan",
            ValidationError,
            "reason: Alasan 'bosan' tidak dikenal (unknown reason)",
        ),
    ],
)
def test_membership_end_refuses(
    on: date,
    reason: str,
    error: type[Exception],
    message: str,
    budi: Worker,
    branch_officer_kukar: User,
) -> None:
    m = start_bpu(budi, branch_officer_kukar)
    call = partial(
        membership_end, membership_id=m.pk, on=on, reason=reason, actor=branch_officer_kukar
    )
    assert str(refused(call, error)) == message


def test_membership_end_twice_is_a_conflict(budi: Worker, branch_officer_kukar: User) -> None:
    m = start_bpu(budi, branch_officer_kukar)
    membership_end(
        membership_id=m.pk, on=date(2025, 4, 1), reason="lapsed", actor=branch_officer_kukar
    )
    call = partial(
        membership_end,
        membership_id=m.pk,
        on=date(2025, 5, 1),
        reason="lapsed",
        actor=branch_officer_kukar,
    )
    assert str(refused(call, Conflict)) == "Kepesertaan sudah berakhir (membership already ended)"


# --- audit events are append-only ----------------------------------------------------------------


def test_audit_events_cannot_be_updated_or_deleted(budi: Worker) -> None:
    event = AuditEvent.objects.get(action="worker.register")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="dihapus")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert (event.note, AuditEvent.objects.filter(pk=event.pk).count()) == ("", 1)
