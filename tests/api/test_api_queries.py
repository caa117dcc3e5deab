"""Query counts of the list endpoints are pinned: they do not grow with the rows on the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.accounts.models import User
from lindungi.registry.models import Employer
from lindungi.registry.services import membership_start, payer_for_employer, worker_register

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures

# Token lookup (with its user) + last_used_at update, then the selector's own queries.
AUTH_QUERIES = 2


def _workers(officer: User, worker_data: Callable[..., Any], n: int) -> list[Any]:
    names = ["Agus Salim", "Joko Susilo", "Rudi Hartono", "Dedi Kurniawan"]
    return [
        worker_register(
            data=worker_data(full_name=names[i], nik=f"640201120885{i + 10:04d}", phone=""),
            actor=officer,
        )
        for i in range(n)
    ]


def _count(api: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("n", [1, 4])
def test_worker_list(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    worker_data: Callable[..., Any],
    n: int,
) -> None:
    _workers(branch_officer_kukar, worker_data, n)
    assert _count(api_as(branch_officer_kukar), "/workers") == AUTH_QUERIES + 1


@pytest.mark.parametrize("n", [1, 4])
def test_employer_members(
    api_as: Callable[[User], Api],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    worker_data: Callable[..., Any],
    n: int,
) -> None:
    payer = payer_for_employer(employer_kukar)
    for worker in _workers(branch_officer_kukar, worker_data, n):
        membership_start(
            worker_id=worker.pk,
            segment="PU",
            payer=payer,
            programmes=["JKK", "JKM"],
            declared_wage=3_762_431,
            start=date(2026, 1, 1),
            actor=branch_officer_kukar,
        )
    path = f"/employers/{employer_kukar.pk}/members"
    # + the employer, then one page of memberships with worker and payer joined.
    assert _count(api_as(branch_officer_kukar), path) == AUTH_QUERIES + 2


def test_worker_memberships_and_history(
    api_as: Callable[[User], Api], branch_officer_kukar: User, worker_data: Callable[..., Any]
) -> None:
    [worker] = _workers(branch_officer_kukar, worker_data, 1)
    api = api_as(branch_officer_kukar)
    # The worker, then its memberships (payer joined) / its audit events (the selector
    # looks the worker up once more to check the scope).
    assert _count(api, f"/workers/{worker.pk}/memberships") == AUTH_QUERIES + 2
    assert _count(api, f"/workers/{worker.pk}/history") == AUTH_QUERIES + 3
