"""API fixtures: a JSON client per persona (bearer token), row counts, and a few registry rows.

Helpers are handed out as fixtures rather than imported, so no test relies on sys.path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.accounts.services import token_issue
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Membership, Payer, Worker
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_register,
    worker_register,
)

BASE = "/api/v1"
# Kutai Kartanegara, kecamatan Muara Muntai (64.02.01), desa Perian.
KUKAR_VILLAGE = "6402012001"
# Kubu Raya, kecamatan Sungai Raya (61.12.01), desa Sungai Raya.
KUBU_RAYA_VILLAGE = "6112012001"


class Api:
    """A JSON client for /api/v1 that sends one set of headers on every request."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._send("post", path, body or {})

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("patch", path, body)

    def _send(self, method: str, path: str, body: dict[str, Any]) -> Any:
        send = getattr(self.client, method)
        return send(
            BASE + path, json.dumps(body), content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_client() -> Callable[..., Api]:
    """Api(client, secret=None): a client of your own, with a bearer secret if given."""

    def make(client: Client | None = None, secret: str | None = None) -> Api:
        headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
        return Api(client or Client(), headers)

    return make


@pytest.fixture
def api_as(db: None) -> Callable[[User], Api]:
    """An API client authenticated as the user through a fresh bearer token."""

    def make(user: User) -> Api:
        _, secret = token_issue(user=user, name="test", actor=None)
        return Api(Client(), {"Authorization": f"Bearer {secret}"})

    return make


@pytest.fixture
def anonymous() -> Api:
    return Api(Client())


@pytest.fixture
def counts(db: None) -> Callable[[], dict[str, int]]:
    """Rows a write could leave behind; a refused call must leave them all unchanged."""

    def snapshot() -> dict[str, int]:
        return {
            "workers": Worker.objects.count(),
            "employers": Employer.objects.count(),
            "payers": Payer.objects.count(),
            "memberships": Membership.objects.count(),
            "audit": AuditEvent.objects.count(),
        }

    return snapshot


@pytest.fixture
def worker_data() -> Callable[..., WorkerInput]:
    """Budi Santoso of Perian, Kutai Kartanegara; NIK matches his birth date, sex and district."""

    def make(**overrides: Any) -> WorkerInput:
        values: dict[str, Any] = {
            "full_name": "Budi Santoso",
            "birth_date": date(1985, 8, 12),
            "sex": "L",
            "village_code": KUKAR_VILLAGE,
            "nik": "6402011208850001",
            "birth_place": "Tenggarong",
            "address_line": "RT 03",
            "phone": "081234567890",
        }
        return WorkerInput(**(values | overrides))

    return make


@pytest.fixture
def employer_data() -> Callable[..., EmployerInput]:
    def make(**overrides: Any) -> EmployerInput:
        values: dict[str, Any] = {
            "name": "PT Mahakam Sejahtera",
            "size_class": "small",
            "jkk_risk_group": 2,
            "village_code": KUKAR_VILLAGE,
            "npp": "AB123456",
            "nib": "1234567890123",
            "kbli": "01131",
        }
        return EmployerInput(**(values | overrides))

    return make


@pytest.fixture
def worker_kukar(branch_officer_kukar: User, worker_data: Callable[..., WorkerInput]) -> Worker:
    return worker_register(data=worker_data(), actor=branch_officer_kukar)


@pytest.fixture
def worker_kubu_raya(
    branch_officer_kubu_raya: User, worker_data: Callable[..., WorkerInput]
) -> Worker:
    data = worker_data(
        full_name="Siti Aminah",
        sex="P",
        village_code=KUBU_RAYA_VILLAGE,
        nik="6112015208850002",
        birth_place="Pontianak",
        phone="",
    )
    return worker_register(data=data, actor=branch_officer_kubu_raya)


@pytest.fixture
def employer_kukar(
    branch_officer_kukar: User, employer_data: Callable[..., EmployerInput]
) -> Employer:
    return employer_register(data=employer_data(), actor=branch_officer_kukar)


@pytest.fixture
def employer_kubu_raya(
    branch_officer_kubu_raya: User, employer_data: Callable[..., EmployerInput]
) -> Employer:
    data = employer_data(
        name="CV Kapuas Jaya", village_code=KUBU_RAYA_VILLAGE, npp="KB654321", nib=""
    )
    return employer_register(data=data, actor=branch_officer_kubu_raya)
