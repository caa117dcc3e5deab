"""Workers over the API: the same selectors and services as the web, NIK and phone masked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Worker
from lindungi.registry.services import membership_start, payer_for_self, worker_register

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures
KUBU_RAYA_VILLAGE = "6112012001"  # Sungai Raya, Kubu Raya
KUKAR_VILLAGE = "6402012001"  # Perian, Muara Muntai, Kutai Kartanegara

BUDI_NIK = "6402011208850001"
MASK8 = "\u2022" * 8
BUDI_NIK_MASKED = "6402" + MASK8 + "0001"
BUDI_PHONE_MASKED = "+62812" + "\u2022" * 5 + "890"


def budi(pk: int, **changes: Any) -> dict[str, Any]:
    """Budi Santoso as every worker response shows him (timestamps checked apart)."""
    return {
        "id": pk,
        "full_name": "Budi Santoso",
        "nik_masked": BUDI_NIK_MASKED,
        "phone_masked": BUDI_PHONE_MASKED,
        "birth_place": "Tenggarong",
        "birth_date": "1985-08-12",
        "sex": "L",
        "village_code": KUKAR_VILLAGE,
        "address_line": "RT 03",
        "occupation_code": None,
        "welfare_decile": None,
        "village_role": "",
        "source": "manual",
        "status": "active",
        "ended_on": None,
        "merged_into_id": None,
    } | changes


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    for key in ("registered_at", "updated_at"):
        assert parse_datetime(body.pop(key)) is not None
    return body


# ---- reads -----------------------------------------------------------------------------------


def test_list_shows_only_workers_in_scope(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    worker_kubu_raya: Worker,
) -> None:
    response = api_as(branch_officer_kukar).get("/workers")
    assert response.status_code == 200
    body = response.json()
    assert body["next_after"] is None
    assert [without_times(item) for item in body["items"]] == [budi(worker_kukar.pk)]


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"text": BUDI_NIK}, True),
        ({"text": "6402.0112.0885.0001"}, True),
        ({"text": "budi santoso"}, True),
        ({"text": "Siti"}, False),
        ({"region": "64.02.01"}, True),
        ({"region": "6403"}, False),
        ({"status": "active"}, True),
        ({"status": "deceased"}, False),
        ({"segment": "BPU"}, False),
    ],
)
def test_list_filters(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    params: dict[str, str],
    found: bool,
) -> None:
    response = api_as(branch_officer_kukar).get("/workers", **params)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == ([worker_kukar.pk] if found else [])


def test_list_pages_by_keyset(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    worker_data: Callable[..., Any],
) -> None:
    others = [
        worker_register(
            data=worker_data(full_name=name, nik=f"64020112088500{serial}", phone=""),
            actor=branch_officer_kukar,
        )
        for name, serial in (("Agus Salim", "03"), ("Joko Widodo", "04"))
    ]
    api = api_as(branch_officer_kukar)
    first = api.get("/workers", limit=2).json()
    assert [w["id"] for w in first["items"]] == [others[1].pk, others[0].pk]
    assert first["next_after"] == others[0].pk
    second = api.get("/workers", limit=2, after=first["next_after"]).json()
    assert [w["id"] for w in second["items"]] == [worker_kukar.pk]
    assert second["next_after"] is None


@pytest.mark.parametrize("limit", [0, 101, "x"])
def test_list_limit_is_checked(
    api_as: Callable[[User], Api], branch_officer_kukar: User, limit: object
) -> None:
    response = api_as(branch_officer_kukar).get("/workers", limit=limit)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["limit"]


def test_detail_masks_nik_and_phone(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(branch_officer_kukar).get(f"/workers/{worker_kukar.pk}")
    assert response.status_code == 200
    assert without_times(response.json()) == budi(worker_kukar.pk)
    assert BUDI_NIK not in response.content.decode()
    assert "81234567890" not in response.content.decode()


def test_sponsor_without_programmes_sees_no_worker(
    api_as: Callable[[User], Api], sponsor_csr: User, worker_kukar: Worker
) -> None:
    api = api_as(sponsor_csr)
    assert api.get("/workers").json() == {"items": [], "next_after": None}
    assert api.get(f"/workers/{worker_kukar.pk}").status_code == 404


def test_history_lists_the_audit_trail_with_nik_masked(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    api = api_as(branch_officer_kukar)
    api.patch(f"/workers/{worker_kukar.pk}", {"changes": {"address_line": "RT 04"}})
    response = api.get(f"/workers/{worker_kukar.pk}/history")
    assert response.status_code == 200
    events = response.json()
    assert [(e["action"], e["actor_label"]) for e in events] == [
        ("worker.correct", "cabang_kukar"),
        ("worker.register", "cabang_kukar"),
    ]
    assert events[0]["before"]["address_line"] == "RT 03"
    assert events[0]["after"]["address_line"] == "RT 04"
    assert events[1]["after"]["nik"] == BUDI_NIK_MASKED
    assert BUDI_NIK not in response.content.decode()


def test_memberships_of_a_worker(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    membership = membership_start(
        worker_id=worker_kukar.pk,
        segment="BPU",
        payer=payer_for_self(worker_kukar),
        programmes=["JKK", "JKM"],
        declared_wage=1_000_000,
        start=date(2026, 1, 1),
        actor=branch_officer_kukar,
    )
    response = api_as(branch_officer_kukar).get(f"/workers/{worker_kukar.pk}/memberships")
    assert response.status_code == 200
    [row] = response.json()
    assert parse_datetime(row.pop("created_at")) is not None
    assert row == {
        "id": membership.pk,
        "worker_id": worker_kukar.pk,
        "segment": "BPU",
        "payer_id": membership.payer_id,
        "payer_kind": "self",
        "payer_label": "Budi Santoso",
        "programmes": ["JKK", "JKM"],
        "declared_wage": 1_000_000,
        "start": "2026-01-01",
        "end": None,
        "end_reason": "",
        "kpj": None,
    }


# ---- writes ----------------------------------------------------------------------------------

NEW_WORKER = {
    "full_name": "  Ahmad   Fauzi ",
    "birth_date": "1990-03-04",
    "sex": "L",
    "village_code": "64.02.01.2001",
    "nik": "6402010403900007",
    "phone": "0812-3456-7890",
    "welfare_decile": 2,
}


def test_create_registers_and_masks(
    api_as: Callable[[User], Api], branch_officer_kukar: User
) -> None:
    response = api_as(branch_officer_kukar).post("/workers", NEW_WORKER)
    assert response.status_code == 201
    body = without_times(response.json())
    worker = Worker.objects.get(full_name="Ahmad Fauzi")
    assert body == {
        "id": worker.pk,
        "full_name": "Ahmad Fauzi",
        "nik_masked": "6402" + MASK8 + "0007",
        "phone_masked": BUDI_PHONE_MASKED,
        "birth_place": "",
        "birth_date": "1990-03-04",
        "sex": "L",
        "village_code": KUKAR_VILLAGE,
        "address_line": "",
        "occupation_code": None,
        "welfare_decile": 2,
        "village_role": "",
        "source": "manual",
        "status": "active",
        "ended_on": None,
        "merged_into_id": None,
    }
    event = AuditEvent.objects.get(action="worker.register", object_id=str(worker.pk))
    assert event.actor_id == branch_officer_kukar.pk
    assert "6402010403900007" not in str(event.after)


@pytest.mark.parametrize(
    "persona", ["labour_inspector_kaltim", "compliance_officer_kaltim", "sponsor_csr", "auditor"]
)
def test_create_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    request: pytest.FixtureRequest,
    persona: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(request.getfixturevalue(persona))
    before = counts()
    response = api.post("/workers", NEW_WORKER)
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "permission required: registry.register_worker",
        "field": None,
    }
    assert counts() == before


def test_create_outside_scope_is_a_field_error(
    api_as: Callable[[User], Api], branch_officer_kukar: User, counts: Callable[[], dict[str, int]]
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    body = NEW_WORKER | {"village_code": KUBU_RAYA_VILLAGE, "nik": ""}
    response = api.post("/workers", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "village_code": ["Wilayah di luar cakupan Anda (outside your region scope)"]
    }
    assert counts() == before


def test_create_reports_every_field_error(
    api_as: Callable[[User], Api], branch_officer_kukar: User
) -> None:
    body = NEW_WORKER | {"full_name": " ", "sex": "X", "welfare_decile": 11}
    response = api_as(branch_officer_kukar).post("/workers", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["full_name"] == ["Wajib diisi (required)"]
    assert errors["sex"] == ["Jenis kelamin harus L atau P (sex must be L or P)"]
    assert errors["welfare_decile"] == ["Desil harus 1-10 (welfare decile must be 1 to 10)"]


def test_create_with_a_registered_nik_is_409(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    body = NEW_WORKER | {"nik": BUDI_NIK, "birth_date": "1985-08-12"}
    response = api.post("/workers", body)
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "NIK sudah terdaftar (NIK is already registered)",
        "field": "nik",
    }
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"birth_date": "1990-03-04", "sex": "L", "village_code": KUKAR_VILLAGE},
            {"full_name": ["Field required"]},
        ),
        (
            NEW_WORKER | {"birth_date": "4 Maret 1990"},
            {"birth_date": ["Input should be a valid date or datetime, invalid character in year"]},
        ),
        (NEW_WORKER | {"colour": "red"}, {"colour": ["Extra inputs are not permitted"]}),
    ],
)
def test_create_schema_errors_are_422(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    body: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    response = api_as(branch_officer_kukar).post("/workers", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == errors


def test_correct_changes_only_the_fields_sent(
    api_as: Callable[[User], Api], planner_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(planner_kukar).patch(
        f"/workers/{worker_kukar.pk}",
        {"changes": {"full_name": "Budi Santosa", "welfare_decile": 3}, "reason": "KTP"},
    )
    assert response.status_code == 200
    assert without_times(response.json()) == budi(
        worker_kukar.pk, full_name="Budi Santosa", welfare_decile=3
    )
    event = AuditEvent.objects.get(action="worker.correct", object_id=str(worker_kukar.pk))
    assert (event.before["full_name"], event.after["full_name"]) == ("Budi Santoso", "Budi Santosa")
    assert (event.before["welfare_decile"], event.after["welfare_decile"]) == (None, 3)
    assert (event.actor_id, event.note) == (planner_kukar.pk, "KTP")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": None}, "changes.full_name"),
        ({"nik_enc": "x"}, "changes.nik_enc"),
        ({"status": "ended"}, "changes.status"),
    ],
)
def test_correct_refuses_nulls_and_unknown_fields(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    changes: dict[str, Any],
    field: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    response = api.patch(f"/workers/{worker_kukar.pk}", {"changes": changes})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert counts() == before


def test_correct_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    labour_inspector_kaltim: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(labour_inspector_kaltim)
    before = counts()
    response = api.patch(f"/workers/{worker_kukar.pk}", {"changes": {"full_name": "X"}})
    assert response.status_code == 403
    assert counts() == before
    worker_kukar.refresh_from_db()
    assert worker_kukar.full_name == "Budi Santoso"


def test_end_marks_deceased(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/end", {"on": "2024-01-10", "status": "deceased"}
    )
    assert response.status_code == 200
    assert without_times(response.json()) == budi(
        worker_kukar.pk, status="deceased", ended_on="2024-01-10"
    )


def test_end_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    planner_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(planner_kukar)
    before = counts()
    response = api.post(
        f"/workers/{worker_kukar.pk}/end", {"on": "2024-01-10", "status": "deceased"}
    )
    assert response.status_code == 403
    assert response.json()["message"] == "permission required: registry.end_worker"
    assert counts() == before


def test_merge_folds_the_duplicate_into_the_survivor(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    worker_data: Callable[..., Any],
) -> None:
    duplicate = worker_register(
        data=worker_data(nik="", phone="", address_line="RT 3"), actor=branch_officer_kukar
    )
    response = api_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/merge", {"duplicate_id": duplicate.pk, "note": "sama"}
    )
    assert response.status_code == 200
    assert without_times(response.json()) == budi(worker_kukar.pk)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", worker_kukar.pk)


def test_merge_with_itself_is_422(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/merge", {"duplicate_id": worker_kukar.pk}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["duplicate"]


def test_merge_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    planner_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
    worker_data: Callable[..., Any],
) -> None:
    duplicate = worker_register(data=worker_data(nik="", phone=""), actor=planner_kukar)
    api = api_as(planner_kukar)
    before = counts()
    response = api.post(f"/workers/{worker_kukar.pk}/merge", {"duplicate_id": duplicate.pk})
    assert response.status_code == 403
    assert counts() == before


# ---- reveal ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("nik", BUDI_NIK), ("phone", "+6281234567890")])
def test_reveal_returns_plaintext_and_is_audited(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    field: str,
    value: str,
) -> None:
    response = api_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/reveal", {"field": field, "purpose": "verifikasi klaim"}
    )
    assert response.status_code == 200
    assert response.json() == {"value": value}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=f"worker.reveal_{field}")
    assert (event.actor_id, event.object_id, event.note) == (
        branch_officer_kukar.pk,
        str(worker_kukar.pk),
        "verifikasi klaim",
    )
    assert value not in f"{event.before}{event.after}{event.note}"


def test_reveal_without_permission_is_403_and_not_audited(
    api_as: Callable[[User], Api],
    labour_inspector_kaltim: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(labour_inspector_kaltim)
    before = counts()
    response = api.post(
        f"/workers/{worker_kukar.pk}/reveal", {"field": "nik", "purpose": "ingin tahu"}
    )
    assert response.status_code == 403
    assert response.json()["message"] == "permission required: registry.reveal_pii"
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"field": "nik"}, "purpose"), ({"field": "nik", "purpose": ""}, "purpose")],
)
def test_reveal_needs_a_purpose(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    body: dict[str, str],
    field: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    response = api.post(f"/workers/{worker_kukar.pk}/reveal", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert counts() == before


def test_reveal_of_another_field_is_422(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(branch_officer_kukar).post(
        f"/workers/{worker_kukar.pk}/reveal", {"field": "birth_date", "purpose": "x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"field": ["Hanya nik atau phone (only nik or phone)"]}
