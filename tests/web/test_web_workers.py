"""Worker pages: masking, reveal, search, forms with inline errors, memberships."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from lindungi.accounts.models import User
from lindungi.core import pii
from lindungi.core.errors import LindungiError, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Membership, PayerKind, Worker
from lindungi.registry.services import worker_register

KUKAR_VILLAGE = "6402012001"
KUBU_RAYA_VILLAGE = "6112012001"
BUDI_NIK = "6402011208850001"
MASKED_BUDI = "6402••••••••0001"
PHONE_PLAIN = ("081234567890", "+6281234567890", "6281234567890")


def form_data(**overrides: Any) -> dict[str, Any]:
    """What the registration form posts for Budi Santoso."""
    data = {
        "full_name": "Budi Santoso",
        "nik": BUDI_NIK,
        "birth_place": "Tenggarong",
        "birth_date": "1985-08-12",
        "sex": "L",
        "village_code": KUKAR_VILLAGE,
        "address_line": "RT 03",
        "phone": "081234567890",
        "occupation": "",
        "welfare_decile": "",
        "village_role": "",
    }
    return data | overrides


def field_error(html: str, field: str) -> str:
    """The inline error text shown under one field ('' when there is none)."""
    match = re.search(
        rf'<small class="field-error" id="id_{field}_error">(.*?)</small>', html, re.S
    )
    return match.group(1) if match else ""


# --- masking and reveal -------------------------------------------------------------------


def test_detail_masks_nik_and_phone(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    html = client_as(branch_officer_kukar).get(f"/workers/{worker_kukar.pk}/").content.decode()
    assert MASKED_BUDI in html
    assert "+62812•••••890" in html
    assert BUDI_NIK not in html
    assert not any(p in html for p in PHONE_PLAIN)


def test_list_masks_nik(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    html = client_as(branch_officer_kukar).get("/workers/").content.decode()
    assert "Budi Santoso" in html
    assert MASKED_BUDI in html
    assert BUDI_NIK not in html


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("branch_officer_kukar", True),
        ("compliance_officer_kaltim", True),
        ("admin", True),
        ("labour_inspector_kaltim", False),
        ("planner_kukar", False),
    ],
)
def test_reveal_button_only_for_roles_that_may_reveal(
    request: pytest.FixtureRequest,
    client_as: Callable[[User], Client],
    worker_kukar: Worker,
    persona: str,
    shown: bool,
) -> None:
    html = client_as(request.getfixturevalue(persona)).get(f"/workers/{worker_kukar.pk}/")
    assert (b"Tampilkan NIK" in html.content) is shown


def test_reveal_shows_nik_once_and_is_audited(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    response = client.post(f"/workers/{worker_kukar.pk}/reveal/", {"field": "nik"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert BUDI_NIK in response.content.decode()
    event = AuditEvent.objects.get(action="worker.reveal_nik")
    assert (event.actor_id, event.object_id) == (branch_officer_kukar.pk, str(worker_kukar.pk))
    assert event.region_code == KUKAR_VILLAGE
    # Shown once: the next visit is masked again.
    assert BUDI_NIK not in client.get(f"/workers/{worker_kukar.pk}/").content.decode()


def test_reveal_phone(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = client_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/reveal/", {"field": "phone"}
    )
    assert "+6281234567890" in response.content.decode()
    assert AuditEvent.objects.filter(action="worker.reveal_phone").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("labour_inspector_kaltim", 403), ("branch_officer_kubu_raya", 404), ("dprd_kaltim", 403)],
)
def test_reveal_refused_changes_nothing(
    request: pytest.FixtureRequest,
    client_as: Callable[[User], Client],
    worker_kukar: Worker,
    persona: str,
    status: int,
    counts: Callable[[], dict[str, int]],
) -> None:
    client = client_as(request.getfixturevalue(persona))
    before = counts()
    response = client.post(f"/workers/{worker_kukar.pk}/reveal/", {"field": "nik"})
    assert response.status_code == status
    assert BUDI_NIK not in response.content.decode()
    assert counts() == before


def test_reveal_needs_post(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = client_as(branch_officer_kukar).get(f"/workers/{worker_kukar.pk}/reveal/")
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="worker.reveal_nik").exists()


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": BUDI_NIK}, True),
        ({"q": "6402.0112.0885.0001"}, True),
        ({"q": "6402011208850099"}, False),
        ({"q": "budi"}, True),
        ({"q": "Santoso Budi"}, True),
        ({"q": "Siti"}, False),
        ({"region": "64.02"}, True),
        ({"region": "6112"}, False),
        ({"status": "active"}, True),
        ({"status": "deceased"}, False),
        ({"segment": "BPU"}, False),
    ],
)
def test_worker_search(
    client_as: Callable[[User], Client],
    admin: User,
    worker_kukar: Worker,
    worker_kubu_raya: Worker,
    query: dict[str, str],
    found: bool,
) -> None:
    html = client_as(admin).get("/workers/", query).content.decode()
    assert (f'data-id="{worker_kukar.pk}"' in html) is found


def test_search_by_kpj(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    client.post(
        f"/workers/{worker_kukar.pk}/memberships/start/", membership_data(kpj="12345678901")
    )
    assert Membership.objects.get().kpj == "12345678901"
    html = client.get("/workers/", {"q": "12345678901"}).content.decode()
    assert f'data-id="{worker_kukar.pk}"' in html


def test_search_stays_in_scope(
    client_as: Callable[[User], Client],
    branch_officer_kubu_raya: User,
    worker_kukar: Worker,
    worker_kubu_raya: Worker,
) -> None:
    html = client_as(branch_officer_kubu_raya).get("/workers/", {"q": BUDI_NIK}).content.decode()
    assert f'data-id="{worker_kukar.pk}"' not in html
    assert "Tidak ada pekerja yang cocok" in html


# --- register and correct -----------------------------------------------------------------


def test_register_worker(client_as: Callable[[User], Client], branch_officer_kukar: User) -> None:
    response = client_as(branch_officer_kukar).post("/workers/new/", form_data())
    worker = Worker.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workers/{worker.pk}/"
    assert worker.nik_index == pii.blind_index(BUDI_NIK, field="nik")
    assert (worker.full_name, worker.village_id) == ("Budi Santoso", KUKAR_VILLAGE)
    assert (AuditEvent.objects.get(action="worker.register").after or {})["nik"] == MASKED_BUDI


def _service_errors(
    make_input: Callable[..., Any], actor: User, **overrides: Any
) -> dict[str, list[str]]:
    """What the service itself says about the same input: the page must show exactly this."""
    try:
        worker_register(data=make_input(**overrides), actor=actor)
    except ValidationError as exc:
        return exc.errors
    raise AssertionError("expected a ValidationError")


@pytest.mark.parametrize(
    ("posted", "service_input"),
    [
        ({"sex": "P"}, {"sex": "P"}),  # NIK day 12 marks a man
        ({"birth_date": "1985-08-13"}, {"birth_date": date(1985, 8, 13)}),
        ({"nik": "640201120885"}, {"nik": "640201120885"}),
        ({"nik": "9999011208850001"}, {"nik": "9999011208850001"}),
        ({"birth_date": "2999-01-01"}, {"birth_date": date(2999, 1, 1), "nik": ""}),
        ({"phone": "12345"}, {"phone": "12345"}),
        ({"village_code": KUBU_RAYA_VILLAGE}, {"village_code": KUBU_RAYA_VILLAGE}),
        ({"village_code": "6402019999"}, {"village_code": "6402019999"}),
    ],
)
def test_register_shows_service_errors_inline(
    make_worker_input: Callable[..., Any],
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    posted: dict[str, str],
    service_input: dict[str, Any],
    counts: Callable[[], dict[str, int]],
) -> None:
    expected = _service_errors(make_worker_input, branch_officer_kukar, **service_input)
    before = counts()
    response = client_as(branch_officer_kukar).post("/workers/new/", form_data(**posted))
    html = response.content.decode()
    assert response.status_code == 422
    for field, messages in expected.items():
        for message in messages:
            assert escape(message) in field_error(html, field)
    assert counts() == before


def test_register_required_fields_inline(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    response = client_as(branch_officer_kukar).post(
        "/workers/new/", form_data(full_name="", birth_date="", village_code="")
    )
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("full_name", "birth_date", "village_code"):
        assert field_error(html, field), field
    assert 'aria-invalid="true"' in html


def test_register_duplicate_nik_is_a_conflict_on_the_nik_field(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    response = client_as(branch_officer_kukar).post("/workers/new/", form_data())
    assert response.status_code == 422
    assert field_error(response.content.decode(), "nik") == escape(
        "NIK sudah terdaftar (NIK is already registered)"
    )
    assert counts() == before


def test_register_refused_for_inspector(
    client_as: Callable[[User], Client],
    labour_inspector_kaltim: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    response = client_as(labour_inspector_kaltim).post("/workers/new/", form_data())
    assert response.status_code == 403
    assert counts() == before


def test_edit_form_never_prefills_the_nik(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    html = client_as(branch_officer_kukar).get(f"/workers/{worker_kukar.pk}/edit/").content
    assert BUDI_NIK.encode() not in html
    assert MASKED_BUDI.encode() in html
    assert b'value="Budi Santoso"' in html
    assert b'<option value="6402012001" selected>' in html


def test_correct_worker_keeps_nik_when_left_empty(
    client_as: Callable[[User], Client], planner_kukar: User, worker_kukar: Worker
) -> None:
    data = form_data(full_name="Budi Santoso Wibowo", nik="", phone="", reason="KTP baru")
    response = client_as(planner_kukar).post(f"/workers/{worker_kukar.pk}/edit/", data)
    assert response.status_code == 302
    worker = Worker.objects.get(pk=worker_kukar.pk)
    assert worker.full_name == "Budi Santoso Wibowo"
    assert worker.nik_index == worker_kukar.nik_index
    assert worker.phone_enc is not None
    event = AuditEvent.objects.get(action="worker.correct")
    before, after = event.before or {}, event.after or {}
    assert before == {"full_name": "Budi Santoso", "updated_at": before["updated_at"]}
    assert after["full_name"] == "Budi Santoso Wibowo"
    assert event.note == "KTP baru"


def test_correct_worker_invalid_shows_errors_and_changes_nothing(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    data = form_data(nik="", phone="", birth_date="2999-01-01")
    response = client_as(branch_officer_kukar).post(f"/workers/{worker_kukar.pk}/edit/", data)
    assert response.status_code == 422
    assert "masa depan" in field_error(response.content.decode(), "birth_date")
    assert Worker.objects.get(pk=worker_kukar.pk).birth_date == date(1985, 8, 12)
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("compliance_officer_kaltim", 403), ("branch_officer_kubu_raya", 404)]
)
def test_correct_worker_refused(
    request: pytest.FixtureRequest,
    client_as: Callable[[User], Client],
    worker_kukar: Worker,
    persona: str,
    status: int,
    counts: Callable[[], dict[str, int]],
) -> None:
    client = client_as(request.getfixturevalue(persona))
    before = counts()
    response = client.post(f"/workers/{worker_kukar.pk}/edit/", form_data(full_name="X Y"))
    assert response.status_code == status
    assert Worker.objects.get(pk=worker_kukar.pk).full_name == "Budi Santoso"
    assert counts() == before


# --- memberships --------------------------------------------------------------------------


def membership_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "segment": "BPU",
        "payer_kind": "self",
        "employer": "",
        "programmes": ["JKK", "JKM"],
        "declared_wage": "1000000",
        "start": "2026-01-01",
        "kpj": "",
    }
    return data | overrides


def test_start_bpu_membership_paid_by_the_worker(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    response = client.post(f"/workers/{worker_kukar.pk}/memberships/start/", membership_data())
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.segment, membership.payer.kind) == ("BPU", PayerKind.SELF)
    assert membership.programmes == ["JKK", "JKM"]
    assert membership.declared_wage == 1_000_000
    html = client.get(f"/workers/{worker_kukar.pk}/").content.decode()
    assert "Rp1.000.000" in html
    assert "1 Januari 2026" in html


def test_start_pu_membership_paid_by_employer_found_by_npp(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    employer_kukar: Employer,
) -> None:
    data = membership_data(
        segment="PU",
        payer_kind="employer",
        employer="AB123456",
        declared_wage="3500000",
        programmes=["JKK", "JKM", "JHT", "JP"],
    )
    response = client_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/memberships/start/", data
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert membership.payer.employer_id == employer_kukar.pk
    assert membership.programmes == ["JKK", "JKM", "JHT", "JP"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            membership_data(programmes=["JKK", "JKM", "JP"]),
            "programmes",
            "Program JP tidak tersedia untuk BPU",
        ),
        (
            membership_data(segment="PU", payer_kind="employer", employer="ZZ999999"),
            "employer",
            "Pemberi kerja dengan NPP/NIB ini tidak ditemukan di wilayah Anda.",
        ),
        (
            membership_data(segment="PU"),
            "payer_kind",
            "Segmen PU tidak dapat dibayar oleh self",
        ),
        (membership_data(payer_kind="employer"), "employer", "Isi NPP atau NIB pemberi kerja."),
    ],
)
def test_start_membership_errors_inline(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    data: dict[str, Any],
    field: str,
    message: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    response = client_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/memberships/start/", data
    )
    html = response.content.decode()
    assert response.status_code == 422
    if field == "programmes":
        assert escape(message) in html
    else:
        assert field_error(html, field) == escape(message)
    assert counts() == before


def test_start_membership_refused_creates_no_payer(
    client_as: Callable[[User], Client],
    labour_inspector_kaltim: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    before = counts()
    response = client_as(labour_inspector_kaltim).post(
        f"/workers/{worker_kukar.pk}/memberships/start/", membership_data()
    )
    assert response.status_code == 403
    assert counts() == before


def test_end_membership(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    client.post(f"/workers/{worker_kukar.pk}/memberships/start/", membership_data())
    membership = Membership.objects.get()
    response = client.post(
        f"/workers/{worker_kukar.pk}/memberships/end/",
        {"membership": membership.pk, "end": "2026-07-01", "reason": "lapsed"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.end, membership.end_reason) == (date(2026, 7, 1), "lapsed")
    assert AuditEvent.objects.filter(action="membership.end").count() == 1


def test_end_membership_before_start_is_shown_inline(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    client.post(f"/workers/{worker_kukar.pk}/memberships/start/", membership_data())
    membership = Membership.objects.get()
    response = client.post(
        f"/workers/{worker_kukar.pk}/memberships/end/",
        {"membership": membership.pk, "end": "2025-12-01", "reason": "lapsed"},
    )
    assert response.status_code == 422
    assert field_error(response.content.decode(), "end") == escape(
        "Tanggal akhir harus setelah tanggal mulai (end after start)"
    )
    membership.refresh_from_db()
    assert membership.end is None


def test_service_errors_are_lindungi_errors() -> None:
    assert issubclass(ValidationError, LindungiError)
