"""Web fixtures: registry rows in Kutai Kartanegara and Kubu Raya, and a logged-in client.

Helpers are handed out as fixtures rather than imported, so no test relies on sys.path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Membership, Payer, Worker
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_register,
    worker_register,
)

# Kutai Kartanegara, kecamatan Muara Muntai (64.02.01), desa Perian.
KUKAR_VILLAGE = "6402012001"
# Kubu Raya, kecamatan Sungai Raya (61.12.01), desa Sungai Raya.
KUBU_RAYA_VILLAGE = "6112012001"
BUDI_NIK = "6402011208850001"
SITI_NIK = "6112015208850002"


def worker_input(**overrides: Any) -> WorkerInput:
    """Budi Santoso of Perian; the NIK matches his birth date, sex and district."""
    values: dict[str, Any] = {
        "full_name": "Budi Santoso",
        "birth_date": date(1985, 8, 12),
        "sex": "L",
        "village_code": KUKAR_VILLAGE,
        "nik": BUDI_NIK,
        "birth_place": "Tenggarong",
        "address_line": "RT 03",
        "phone": "081234567890",
    }
    return WorkerInput(**(values | overrides))


def employer_input(**overrides: Any) -> EmployerInput:
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


def row_counts() -> dict[str, int]:
    """Rows a write could leave behind; a refused request must leave them all unchanged."""
    return {
        "workers": Worker.objects.count(),
        "employers": Employer.objects.count(),
        "payers": Payer.objects.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def counts() -> Callable[[], dict[str, int]]:
    return row_counts


@pytest.fixture
def make_worker_input() -> Callable[..., WorkerInput]:
    return worker_input


@pytest.fixture
def client_as(db: None) -> Callable[[User], Client]:
    """A browser-like client logged in as the user, speaking the default language."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def worker_kukar(branch_officer_kukar: User) -> Worker:
    return worker_register(data=worker_input(), actor=branch_officer_kukar)


@pytest.fixture
def worker_kubu_raya(branch_officer_kubu_raya: User) -> Worker:
    data = worker_input(
        full_name="Siti Aminah",
        sex="P",
        village_code=KUBU_RAYA_VILLAGE,
        nik=SITI_NIK,
        birth_place="Pontianak",
        phone="",
    )
    return worker_register(data=data, actor=branch_officer_kubu_raya)


@pytest.fixture
def employer_kukar(branch_officer_kukar: User) -> Employer:
    return employer_register(data=employer_input(), actor=branch_officer_kukar)


@pytest.fixture
def employer_kubu_raya(branch_officer_kubu_raya: User) -> Employer:
    data = employer_input(
        name="CV Kapuas Jaya", village_code=KUBU_RAYA_VILLAGE, npp="KB654321", nib=""
    )
    return employer_register(data=data, actor=branch_officer_kubu_raya)
