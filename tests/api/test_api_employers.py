"""Employers over the API, and the members they pay for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer
from lindungi.registry.services import membership_start, payer_for_employer, worker_register

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures
KUKAR_VILLAGE = "6402012001"  # Perian, Muara Muntai, Kutai Kartanegara


def mahakam(pk: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": pk,
        "npp": "AB123456",
        "nib": "1234567890123",
        "name": "PT Mahakam Sejahtera",
        "kbli": "01131",
        "size_class": "small",
        "jkk_risk_group": 2,
        "village_code": KUKAR_VILLAGE,
        "address_line": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "active": True,
    } | changes


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    for key in ("registered_at", "updated_at"):
        assert parse_datetime(body.pop(key)) is not None
    return body


def test_list_shows_only_employers_in_scope(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    employer_kubu_raya: Employer,
) -> None:
    response = api_as(branch_officer_kukar).get("/employers")
    assert response.status_code == 200
    body = response.json()
    assert [without_times(e) for e in body["items"]] == [mahakam(employer_kukar.pk)]
    assert body["next_after"] is None


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"text": "AB123456"}, True),
        ({"text": "1234567890123"}, True),
        ({"text": "mahakam"}, True),
        ({"text": "kapuas"}, False),
        ({"size_class": "small"}, True),
        ({"size_class": "large"}, False),
        ({"region": "64.02"}, True),
    ],
)
def test_list_filters(
    api_as: Callable[[User], Api],
    compliance_officer_kaltim: User,
    employer_kukar: Employer,
    params: dict[str, str],
    found: bool,
) -> None:
    response = api_as(compliance_officer_kaltim).get("/employers", **params)
    assert [e["id"] for e in response.json()["items"]] == ([employer_kukar.pk] if found else [])


def test_detail(
    api_as: Callable[[User], Api], labour_inspector_kaltim: User, employer_kukar: Employer
) -> None:
    response = api_as(labour_inspector_kaltim).get(f"/employers/{employer_kukar.pk}")
    assert response.status_code == 200
    assert without_times(response.json()) == mahakam(employer_kukar.pk)


NEW_EMPLOYER = {
    "name": "PT Tenggarong Makmur",
    "size_class": "medium",
    "jkk_risk_group": 3,
    "village_code": KUKAR_VILLAGE,
    "nib": "9876543210987",
    "contact_phone": "0541 661234",
}


def test_create(api_as: Callable[[User], Api], branch_officer_kukar: User) -> None:
    response = api_as(branch_officer_kukar).post("/employers", NEW_EMPLOYER)
    assert response.status_code == 201
    employer = Employer.objects.get(nib="9876543210987")
    assert without_times(response.json()) == mahakam(
        employer.pk,
        npp=None,
        nib="9876543210987",
        name="PT Tenggarong Makmur",
        kbli="",
        size_class="medium",
        jkk_risk_group=3,
        contact_phone="+62541661234",
    )
    assert AuditEvent.objects.filter(
        action="employer.register", object_id=str(employer.pk)
    ).exists()


def test_create_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api], planner_kukar: User, counts: Callable[[], dict[str, int]]
) -> None:
    api = api_as(planner_kukar)
    before = counts()
    response = api.post("/employers", NEW_EMPLOYER)
    assert response.status_code == 403
    assert response.json()["message"] == "permission required: registry.register_employer"
    assert counts() == before


def test_create_with_a_taken_npp_is_409(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    response = api.post("/employers", NEW_EMPLOYER | {"npp": "AB123456"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "NPP sudah terdaftar (already registered)",
        "field": "npp",
    }
    assert counts() == before


def test_create_without_npp_or_nib_is_422(
    api_as: Callable[[User], Api], branch_officer_kukar: User
) -> None:
    response = api_as(branch_officer_kukar).post("/employers", NEW_EMPLOYER | {"nib": ""})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "npp": ["NPP atau NIB wajib diisi (NPP or NIB is required)"]
    }


def test_correct(
    api_as: Callable[[User], Api], branch_officer_kukar: User, employer_kukar: Employer
) -> None:
    response = api_as(branch_officer_kukar).patch(
        f"/employers/{employer_kukar.pk}",
        {"changes": {"size_class": "medium", "contact_name": "Rina"}, "reason": "laporan"},
    )
    assert response.status_code == 200
    assert without_times(response.json()) == mahakam(
        employer_kukar.pk, size_class="medium", contact_name="Rina"
    )
    event = AuditEvent.objects.get(action="employer.correct")
    assert (event.before, event.note) == (
        {"size_class": "small", "contact_name": "", "updated_at": event.before["updated_at"]},
        "laporan",
    )


def test_correct_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    compliance_officer_kaltim: User,
    employer_kukar: Employer,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(compliance_officer_kaltim)
    before = counts()
    response = api.patch(f"/employers/{employer_kukar.pk}", {"changes": {"name": "PT Lain"}})
    assert response.status_code == 403
    assert counts() == before


def test_members_pages_open_memberships(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    worker_data: Callable[..., Any],
) -> None:
    payer = payer_for_employer(employer_kukar)
    workers = [
        worker_register(
            data=worker_data(full_name=name, nik=f"64020112088500{serial}", phone=""),
            actor=branch_officer_kukar,
        )
        for name, serial in (("Agus Salim", "03"), ("Joko Susilo", "04"))
    ]
    memberships = [
        membership_start(
            worker_id=w.pk,
            segment="PU",
            payer=payer,
            programmes=["JKK", "JKM", "JHT"],
            declared_wage=3_762_431,
            start=date(2026, 1, 1),
            actor=branch_officer_kukar,
        )
        for w in workers
    ]
    api = api_as(branch_officer_kukar)
    first = api.get(f"/employers/{employer_kukar.pk}/members", limit=1).json()
    [row] = first["items"]
    assert parse_datetime(row.pop("created_at")) is not None
    assert row == {
        "id": memberships[1].pk,
        "worker_id": workers[1].pk,
        "worker_full_name": "Joko Susilo",
        "segment": "PU",
        "payer_id": payer.pk,
        "payer_kind": "employer",
        "payer_label": "PT Mahakam Sejahtera",
        "programmes": ["JKK", "JKM", "JHT"],
        "declared_wage": 3_762_431,
        "start": "2026-01-01",
        "end": None,
        "end_reason": "",
        "kpj": None,
    }
    assert first["next_after"] == memberships[1].pk
    second = api.get(f"/employers/{employer_kukar.pk}/members", after=first["next_after"]).json()
    assert [m["worker_id"] for m in second["items"]] == [workers[0].pk]
    assert second["next_after"] is None


def test_members_of_an_employer_without_any(
    api_as: Callable[[User], Api], branch_officer_kukar: User, employer_kukar: Employer
) -> None:
    response = api_as(branch_officer_kukar).get(f"/employers/{employer_kukar.pk}/members")
    assert response.json() == {"items": [], "next_after": None}


@pytest.mark.parametrize("path", ["/employers", "/employers/{id}", "/employers/{id}/members"])
def test_reads_without_permission_are_403(
    api_as: Callable[[User], Api],
    village_officer_sungai_raya: User,
    employer_kukar: Employer,
    path: str,
) -> None:
    response = api_as(village_officer_sungai_raya).get(path.format(id=employer_kukar.pk))
    assert response.status_code == 403
    assert response.json()["message"] == "permission required: registry.view_employer"
