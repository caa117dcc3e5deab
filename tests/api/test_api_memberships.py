"""Memberships over the API: start with an employer or the worker as payer, and end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Membership, Payer, Worker

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures


def bpu_body(worker: Worker, **changes: Any) -> dict[str, Any]:
    return {
        "worker_id": worker.pk,
        "segment": "BPU",
        "payer": {"kind": "self"},
        "programmes": ["JKK", "JKM"],
        "declared_wage": 1_000_000,
        "start": "2026-01-01",
    } | changes


def pu_body(worker: Worker, employer: Employer, **changes: Any) -> dict[str, Any]:
    return {
        "worker_id": worker.pk,
        "segment": "PU",
        "payer": {"kind": "employer", "employer_id": employer.pk},
        "programmes": ["jkk", "jkm", "jht", "jp", "jkp"],
        "declared_wage": 3_762_431,  # UMP Kalimantan Timur 2026
        "start": "2026-01-01",
        "kpj": "12345678901",
    } | changes


def test_start_bpu_paid_by_the_worker(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    response = api_as(branch_officer_kukar).post("/memberships", bpu_body(worker_kukar))
    assert response.status_code == 201
    body = response.json()
    assert parse_datetime(body.pop("created_at")) is not None
    membership = Membership.objects.get()
    assert body == {
        "id": membership.pk,
        "worker_id": worker_kukar.pk,
        "segment": "BPU",
        "payer_id": Payer.objects.get(worker=worker_kukar).pk,
        "payer_kind": "self",
        "payer_label": "Budi Santoso",
        "programmes": ["JKK", "JKM"],
        "declared_wage": 1_000_000,
        "start": "2026-01-01",
        "end": None,
        "end_reason": "",
        "kpj": None,
    }
    assert AuditEvent.objects.filter(action="membership.start").count() == 1


def test_start_pu_paid_by_the_employer(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    employer_kukar: Employer,
) -> None:
    response = api_as(branch_officer_kukar).post(
        "/memberships", pu_body(worker_kukar, employer_kukar)
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["payer_kind"], body["payer_label"]) == ("employer", "PT Mahakam Sejahtera")
    assert (body["programmes"], body["kpj"]) == (["JKK", "JKM", "JHT", "JP", "JKP"], "12345678901")


@pytest.fixture
def village_officer_perian(make_user: Callable[..., User]) -> User:
    """The village officer of Budi's own village: sees him, may not enrol him."""
    return make_user("desa_perian", "village_officer", "6402012001")


@pytest.mark.parametrize(
    "persona", ["planner_kukar", "labour_inspector_kaltim", "village_officer_perian"]
)
def test_start_without_permission_is_403_and_creates_no_payer(
    api_as: Callable[[User], Api],
    request: pytest.FixtureRequest,
    worker_kukar: Worker,
    persona: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(request.getfixturevalue(persona))
    before = counts()
    response = api.post("/memberships", bpu_body(worker_kukar))
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "permission required: registry.start_membership",
        "field": None,
    }
    assert counts() == before


def test_start_with_an_out_of_scope_employer_is_404_and_creates_nothing(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    employer_kubu_raya: Employer,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    response = api.post("/memberships", pu_body(worker_kukar, employer_kubu_raya))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "employer not found", "field": None}
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"segment": "PU"}, {"payer": ["Segmen PU tidak dapat dibayar oleh self"]}),
        (
            {"programmes": ["JKK", "JKM", "JP"]},
            {"programmes": ["Program JP tidak tersedia untuk BPU"]},
        ),
        ({"programmes": ["JKK"]}, {"programmes": ["JKK dan JKM wajib (JKK and JKM are required)"]}),
        ({"segment": "XYZ"}, {"segment": ["Segmen 'XYZ' tidak dikenal (unknown segment)"]}),
    ],
)
def test_start_refuses_a_wrong_shape_and_creates_no_payer(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    changes: dict[str, Any],
    errors: dict[str, list[str]],
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    response = api.post("/memberships", bpu_body(worker_kukar, **changes))
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert counts() == before


@pytest.mark.parametrize("wage", [999_999, 20_700_001])
def test_start_bpu_outside_the_income_range_is_422(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    wage: int,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    body = bpu_body(worker_kukar, declared_wage=wage)
    response = api.post("/memberships", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "declared_wage": ["Penghasilan BPU harus Rp1.000.000 - Rp20.700.000"]
    }
    assert counts() == before


def test_start_overlapping_is_409(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    assert api.post("/memberships", bpu_body(worker_kukar)).status_code == 201
    before = counts()
    response = api.post("/memberships", bpu_body(worker_kukar, start="2026-03-01"))
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["field"] == "start"
    assert counts() == before


@pytest.mark.parametrize(
    ("payer", "field"),
    [
        ({"kind": "program"}, "payer"),
        ({"kind": "employer"}, "payer.employer.employer_id"),
        ({}, "payer"),
    ],
)
def test_start_with_a_malformed_payer_is_422(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    payer: dict[str, Any],
    field: str,
) -> None:
    response = api_as(branch_officer_kukar).post(
        "/memberships", bpu_body(worker_kukar, payer=payer)
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_end(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    api = api_as(branch_officer_kukar)
    started = api.post("/memberships", bpu_body(worker_kukar)).json()
    response = api.post(
        f"/memberships/{started['id']}/end", {"on": "2026-04-01", "reason": "lapsed"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["end"], body["end_reason"]) == (started["id"], "2026-04-01", "lapsed")
    again = api.post(f"/memberships/{started['id']}/end", {"on": "2026-05-01", "reason": "lapsed"})
    assert again.status_code == 409


def test_end_without_permission_is_403_and_changes_nothing(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    planner_kukar: User,
    worker_kukar: Worker,
    counts: Callable[[], dict[str, int]],
) -> None:
    started = api_as(branch_officer_kukar).post("/memberships", bpu_body(worker_kukar)).json()
    api = api_as(planner_kukar)
    before = counts()
    response = api.post(
        f"/memberships/{started['id']}/end", {"on": "2026-04-01", "reason": "lapsed"}
    )
    assert response.status_code == 403
    assert counts() == before
    assert Membership.objects.get().end is None


def test_end_before_start_is_422(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    api = api_as(branch_officer_kukar)
    started = api.post("/memberships", bpu_body(worker_kukar)).json()
    response = api.post(
        f"/memberships/{started['id']}/end", {"on": "2026-01-01", "reason": "lapsed"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "end": ["Tanggal akhir harus setelah tanggal mulai (end after start)"]
    }
