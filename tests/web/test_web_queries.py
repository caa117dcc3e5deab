"""List pages: a fixed number of queries however many rows (no N+1), keyset pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.registry.models import Employer, Worker
from lindungi.registry.services import (
    EmployerInput,
    employer_register,
    membership_start,
    payer_for_employer,
    payer_for_self,
    worker_register,
)

PAGE = 25


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)">', html)]


def nik(serial: int) -> str:
    """A valid NIK of a man born 12 August 1985 in Muara Muntai (64.02.01)."""
    return f"640201120885{serial:04d}"


@pytest.fixture
def many_workers(
    branch_officer_kukar: User, make_worker_input: Callable[..., Any]
) -> Callable[[int], list[Worker]]:
    """n workers of Perian, each with an occupation and an open BPU membership."""

    def make(n: int) -> list[Worker]:
        workers = []
        for i in range(1, n + 1):
            data = make_worker_input(
                full_name=f"Pekerja Nomor {i}", nik=nik(i), occupation_code="nelayan"
            )
            worker = worker_register(data=data, actor=branch_officer_kukar)
            membership_start(
                worker_id=worker.pk,
                segment="BPU",
                payer=payer_for_self(worker),
                programmes=["JKK", "JKM"],
                declared_wage=1_000_000,
                start=date(2026, 1, 1),
                actor=branch_officer_kukar,
            )
            workers.append(worker)
        return workers

    return make


def _queries(client: Client, url: str, django_assert_max_num_queries: Any, limit: int) -> str:
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# session + user + occupations + the one keyset query of the page
WORKER_LIST_QUERIES = 4


@pytest.mark.parametrize("n", [1, 30])
def test_worker_list_queries_do_not_grow_with_rows(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    many_workers: Callable[[int], list[Worker]],
    django_assert_max_num_queries: Any,
    n: int,
) -> None:
    many_workers(n)
    client = client_as(branch_officer_kukar)
    html = _queries(client, "/workers/", django_assert_max_num_queries, WORKER_LIST_QUERIES)
    assert len(row_ids(html)) == min(n, PAGE)
    html = _queries(
        client,
        "/workers/?segment=BPU&status=active&occupation=nelayan",
        django_assert_max_num_queries,
        WORKER_LIST_QUERIES,
    )
    assert len(row_ids(html)) == min(n, PAGE)


def test_worker_list_keyset_pages(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    many_workers: Callable[[int], list[Worker]],
) -> None:
    workers = many_workers(30)
    client = client_as(branch_officer_kukar)
    first = client.get("/workers/", {"q": "pekerja"}).content.decode()
    ids = row_ids(first)
    assert ids == [w.pk for w in reversed(workers)][:PAGE]
    assert f'href="?q=pekerja&amp;after={ids[-1]}" rel="next"' in first
    second = client.get("/workers/", {"q": "pekerja", "after": str(ids[-1])}).content.decode()
    assert row_ids(second) == [w.pk for w in reversed(workers)][PAGE:]
    assert 'rel="next"' not in second


def test_worker_detail_queries(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    many_workers: Callable[[int], list[Worker]],
    django_assert_max_num_queries: Any,
) -> None:
    worker = many_workers(1)[0]
    client = client_as(branch_officer_kukar)
    # session, user, worker, memberships (+payer), scope check of history, history
    _queries(client, f"/workers/{worker.pk}/", django_assert_max_num_queries, 6)


@pytest.mark.parametrize("n", [1, 30])
def test_employer_list_and_members_queries(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    make_worker_input: Callable[..., Any],
    django_assert_max_num_queries: Any,
    n: int,
) -> None:
    employers: list[Employer] = []
    for i in range(n):
        data = EmployerInput(
            name=f"PT Contoh {i}",
            size_class="small",
            jkk_risk_group=2,
            village_code="6402012001",
            npp=f"AB{i:06d}",
        )
        employers.append(employer_register(data=data, actor=branch_officer_kukar))
    payer = payer_for_employer(employers[0])
    for i in range(1, n + 1):
        worker = worker_register(
            data=make_worker_input(full_name=f"Buruh {i}", nik=nik(i)), actor=branch_officer_kukar
        )
        membership_start(
            worker_id=worker.pk,
            segment="PU",
            payer=payer,
            programmes=["JKK", "JKM"],
            declared_wage=3_000_000,
            start=date(2026, 1, 1),
            actor=branch_officer_kukar,
        )
    client = client_as(branch_officer_kukar)
    html = _queries(client, "/employers/", django_assert_max_num_queries, 3)
    assert len(row_ids(html)) == min(n, PAGE)
    html = _queries(client, f"/employers/{employers[0].pk}/", django_assert_max_num_queries, 4)
    assert len(re.findall(r'href="/workers/\d+/"', html)) == min(n, PAGE)
