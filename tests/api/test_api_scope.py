"""Out of scope reads exactly like missing: the same 404 body, whatever the endpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.registry.models import Employer, Worker
from lindungi.registry.services import membership_start, payer_for_self

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures

MISSING = 987_654_321

# (method, path with {id}, body, what the 404 names)
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("get", "/workers/{id}", None, "worker"),
    ("patch", "/workers/{id}", {"changes": {"address_line": "RT 9"}}, "worker"),
    ("post", "/workers/{id}/end", {"on": "2024-01-10", "status": "ended"}, "worker"),
    ("post", "/workers/{id}/reveal", {"field": "nik", "purpose": "cek"}, "worker"),
    ("get", "/workers/{id}/memberships", None, "worker"),
    ("get", "/workers/{id}/history", None, "worker"),
    ("get", "/employers/{id}", None, "employer"),
    ("patch", "/employers/{id}", {"changes": {"name": "PT Baru"}}, "employer"),
    ("get", "/employers/{id}/members", None, "employer"),
    ("post", "/memberships/{id}/end", {"on": "2026-02-01", "reason": "resigned"}, "membership"),
]


def _call(api: Api, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if method == "get":
        return api.get(path)
    if method == "post":
        return api.post(path, body)
    assert body is not None
    return api.patch(path, body)


@pytest.fixture
def targets(
    worker_kubu_raya: Worker, employer_kubu_raya: Employer, branch_officer_kubu_raya: User
) -> dict[str, int]:
    """Rows in Kubu Raya, out of reach of Kutai Kartanegara's branch officer."""
    membership = membership_start(
        worker_id=worker_kubu_raya.pk,
        segment="BPU",
        payer=payer_for_self(worker_kubu_raya),
        programmes=["JKK", "JKM"],
        declared_wage=1_000_000,
        start=date(2026, 1, 1),
        actor=branch_officer_kubu_raya,
    )
    return {
        "worker": worker_kubu_raya.pk,
        "employer": employer_kubu_raya.pk,
        "membership": membership.pk,
    }


@pytest.mark.parametrize(("method", "path", "body", "what"), ENDPOINTS)
def test_out_of_scope_reads_like_missing(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    targets: dict[str, int],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    what: str,
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    hidden = _call(api, method, path.format(id=targets[what]), body)
    missing = _call(api, method, path.format(id=MISSING), body)
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert (
        hidden.json()
        == missing.json()
        == {
            "code": "not_found",
            "message": f"{what} not found",
            "field": None,
        }
    )
    assert hidden.content == missing.content
    assert counts() == before


def test_merge_with_an_out_of_scope_duplicate_reads_like_missing(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    targets: dict[str, int],
    counts: Callable[[], dict[str, int]],
) -> None:
    api = api_as(branch_officer_kukar)
    before = counts()
    path = f"/workers/{worker_kukar.pk}/merge"
    hidden = api.post(path, {"duplicate_id": targets["worker"]})
    missing = api.post(path, {"duplicate_id": MISSING})
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.content == missing.content
    assert counts() == before


def test_village_officer_sees_only_the_village(
    api_as: Callable[[User], Api],
    village_officer_sungai_raya: User,
    worker_kukar: Worker,
    targets: dict[str, int],
) -> None:
    api = api_as(village_officer_sungai_raya)
    assert [w["id"] for w in api.get("/workers").json()["items"]] == [targets["worker"]]
    assert api.get(f"/workers/{worker_kukar.pk}").status_code == 404
