"""API of programmes: create, lifecycle, plan, select, candidates, enrol; scope and refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lindungi.accounts.models import User
from lindungi.accounts.services import token_issue
from lindungi.programs.models import Programme, Sponsor
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


class Api:
    def __init__(self, user: User) -> None:
        _, secret = token_issue(user=user, name="test", actor=None)
        self.client, self.headers = Client(), {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            BASE + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def upload(self, path: str, content: bytes, name: str = "balikan.csv") -> Any:
        data = {"file": SimpleUploadedFile(name, content)}
        return self.client.post(BASE + path, data, headers=self.headers)


BODY = {
    "name": "Program Rentan Kukar",
    "budget_source": "apbd",
    "fiscal_year": 2027,
    "budget": 1_000_000_000,
    "start_month": "2027-01-01",
    "months": 12,
}


def test_full_flow(
    kukar_staff: User, kukar_head: User, planner_kukar: User, make_worker: Callable[..., Worker]
) -> None:
    workers = [make_worker(welfare_decile=d) for d in (3, 1, 2)]
    staff, head, planner = Api(kukar_staff), Api(kukar_head), Api(planner_kukar)
    created = staff.post("/programs", BODY | {"quota": 2})
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert staff.post(f"/programs/{pid}/transition", {"to": "submitted"}).status_code == 200
    assert staff.post(f"/programs/{pid}/transition", {"to": "approved"}).status_code == 403
    approved = head.post(f"/programs/{pid}/transition", {"to": "approved"})
    assert (approved.status_code, approved.json()["approved_by_id"]) == (200, kukar_head.pk)
    run = planner.post(f"/programs/{pid}/select")
    assert (run.status_code, run.json()["counts"]) == (201, {"included": 2, "quota": 1})
    page = staff.get(f"/programs/{pid}/candidates", reason="")
    assert [(c["worker_id"], c["rank"], c["explanation"]) for c in page.json()["items"]] == [
        (workers[1].pk, 1, "Terpilih"),
        (workers[2].pk, 2, "Terpilih"),
    ]
    assert "nik" not in json.dumps(page.json()).lower()
    out = staff.get(f"/programs/{pid}/candidates", reason="quota").json()["items"]
    assert [(c["worker_id"], c["explanation"]) for c in out] == [
        (workers[0].pk, "Memenuhi syarat, di luar kuota anggaran")
    ]
    batch = planner.post(f"/programs/{pid}/enrol", {})
    assert (batch.status_code, batch.json()["workers"], batch.json()["cost"]) == (201, 2, 403_200)
    money = staff.get(f"/programs/{pid}/plan").json()
    assert money["plan"]["per_worker"] == 201_600
    assert money["burn_down"] | {} == {
        "budget": 1_000_000_000,
        "enrolled": 2,
        "committed": 403_200,
        "billed": 0,
        "unbilled": 403_200,
        "remaining": 999_596_800,
        "places_left": 0,
        "warning": False,
    }
    refused = planner.post(f"/programs/{pid}/enrol", {"count": 1})
    assert refused.status_code == 422  # nobody selected left


def test_plan_endpoint(kukar_staff: User) -> None:
    body = {
        "budget": 1_000_000_000,
        "scenarios": [
            {"label": "12 bulan", "start": "2027-01-01", "months": 12},
            {
                "label": "6 bulan + JHT",
                "start": "2027-01-01",
                "months": 6,
                "programmes": ["JKK", "JKM", "JHT"],
            },
        ],
    }
    response = Api(kukar_staff).post("/programs/plan", body)
    assert response.status_code == 200, response.content
    plans = response.json()["plans"]
    assert [(p["label"], p["workers"], p["cost"], p["remainder"]) for p in plans] == [
        ("12 bulan", 4_960, 999_936_000, 64_000),
        ("6 bulan + JHT", 4_528, 999_782_400, 217_600),  # 6 x 36,800 = 220,800
    ]
    bad = Api(kukar_staff).post("/programs/plan", body | {"workers": 10})
    assert bad.status_code == 422


def test_other_sponsor_gets_404(
    new_programme: Callable[..., Programme],
    kubu_raya_staff: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    programme = new_programme()
    api = Api(kubu_raya_staff)
    before = counts()
    for path in ("", "/plan", "/candidates"):
        assert api.get(f"/programs/{programme.pk}{path}").status_code == 404
    assert api.post(f"/programs/{programme.pk}/transition", {"to": "submitted"}).status_code == 404
    assert api.post(f"/programs/{programme.pk}/select").status_code == 404
    assert counts() == before
    assert api.get("/programs").json() == []


def test_denied_roles_change_nothing(
    dprd_kaltim: User, kukar_government: Sponsor, counts: Callable[[], dict[str, int]]
) -> None:
    api = Api(dprd_kaltim)
    before = counts()
    assert api.post("/programs", BODY | {"sponsor_id": kukar_government.pk}).status_code == 403
    assert (
        api.post(
            "/programs/sponsors", {"name": "X", "kind": "csr", "region_code": "64"}
        ).status_code
        == 403
    )
    assert api.get("/programs").status_code == 403
    assert counts() == before


def test_validation_names_the_field(
    kukar_staff: User, counts: Callable[[], dict[str, int]]
) -> None:
    api = Api(kukar_staff)
    before = counts()
    response = api.post("/programs", BODY | {"declared_income": 500_000})
    assert response.status_code == 422
    assert "declared_income" in response.json()["errors"]
    assert counts() == before


def test_list_query_count(
    new_programme: Callable[..., Programme], kukar_staff: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        new_programme(name=f"Program {i}")
    api = Api(kukar_staff)
    with django_assert_max_num_queries(6):
        response = api.get("/programs")
    assert len(response.json()) == 5
