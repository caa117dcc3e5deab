"""Employer pages: search, detail with members, register and correct with inline errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Worker
from lindungi.registry.services import membership_start, payer_for_employer

KUKAR_VILLAGE = "6402012001"


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "PT Tenggarong Makmur",
        "npp": "TM765432",
        "nib": "9876543210123",
        "kbli": "41011",
        "size_class": "medium",
        "jkk_risk_group": "3",
        "village_code": KUKAR_VILLAGE,
        "address_line": "Jl. Wolter Monginsidi 5",
        "contact_name": "Rina",
        "contact_phone": "",
        "contact_email": "hrd@tenggarong.example",
    }
    return data | overrides


def field_error(html: str, field: str) -> str:
    match = re.search(
        rf'<small class="field-error" id="id_{field}_error">(.*?)</small>', html, re.S
    )
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "AB123456"}, True),
        ({"q": "1234567890123"}, True),
        ({"q": "mahakam"}, True),
        ({"q": "kapuas"}, False),
        ({"size_class": "small"}, True),
        ({"size_class": "large"}, False),
        ({"region": "64.02"}, True),
    ],
)
def test_employer_search(
    client_as: Callable[[User], Client],
    admin: User,
    employer_kukar: Employer,
    employer_kubu_raya: Employer,
    query: dict[str, str],
    found: bool,
) -> None:
    html = client_as(admin).get("/employers/", query).content.decode()
    assert (f'data-id="{employer_kukar.pk}"' in html) is found


def test_employer_list_stays_in_scope(
    client_as: Callable[[User], Client],
    branch_officer_kubu_raya: User,
    employer_kukar: Employer,
    employer_kubu_raya: Employer,
) -> None:
    html = client_as(branch_officer_kubu_raya).get("/employers/").content.decode()
    assert f'data-id="{employer_kubu_raya.pk}"' in html
    assert f'data-id="{employer_kukar.pk}"' not in html


def test_employer_detail_lists_its_members(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    worker_kukar: Worker,
) -> None:
    from datetime import date

    membership_start(
        worker_id=worker_kukar.pk,
        segment="PU",
        payer=payer_for_employer(employer_kukar),
        programmes=["JKK", "JKM", "JHT"],
        declared_wage=3_500_000,
        start=date(2026, 1, 1),
        actor=branch_officer_kukar,
    )
    html = client_as(branch_officer_kukar).get(f"/employers/{employer_kukar.pk}/").content
    text = html.decode()
    assert "PT Mahakam Sejahtera" in text
    assert f'href="/workers/{worker_kukar.pk}/"' in text
    assert "Rp3.500.000" in text
    assert "JKK, JKM, JHT" in text


def test_register_employer(client_as: Callable[[User], Client], branch_officer_kukar: User) -> None:
    response = client_as(branch_officer_kukar).post("/employers/new/", form_data())
    employer = Employer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer.pk}/"
    assert (employer.npp, employer.jkk_risk_group, employer.village_id) == (
        "TM765432",
        3,
        KUKAR_VILLAGE,
    )
    assert AuditEvent.objects.filter(action="employer.register").count() == 1


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"npp": "", "nib": ""}, "npp", "NPP atau NIB wajib diisi (NPP or NIB is required)"),
        ({"kbli": "12"}, "kbli", "KBLI harus 5 digit (KBLI 2020 code of 5 digits)"),
        (
            {"village_code": "6112012001"},
            "village_code",
            "Wilayah di luar cakupan Anda (outside your region scope)",
        ),
    ],
)
def test_register_employer_errors_inline(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    counts: Callable[[], dict[str, int]],
    posted: dict[str, str],
    field: str,
    message: str,
) -> None:
    client = client_as(branch_officer_kukar)
    before = counts()
    response = client.post("/employers/new/", form_data(**posted))
    assert response.status_code == 422
    assert escape(message) in field_error(response.content.decode(), field)
    assert counts() == before


def test_register_employer_duplicate_npp(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    employer_kukar: Employer,
    counts: Callable[[], dict[str, int]],
) -> None:
    client = client_as(branch_officer_kukar)
    before = counts()
    response = client.post("/employers/new/", form_data(npp="AB123456", nib=""))
    assert response.status_code == 422
    assert field_error(response.content.decode(), "npp") == escape(
        "NPP sudah terdaftar (already registered)"
    )
    assert counts() == before


def test_correct_employer(
    client_as: Callable[[User], Client], branch_officer_kukar: User, employer_kukar: Employer
) -> None:
    client = client_as(branch_officer_kukar)
    form = client.get(f"/employers/{employer_kukar.pk}/edit/").content.decode()
    assert 'value="PT Mahakam Sejahtera"' in form
    data = form_data(name="PT Mahakam Sejahtera Abadi", npp="AB123456", nib="1234567890123")
    response = client.post(f"/employers/{employer_kukar.pk}/edit/", data | {"reason": "akta"})
    assert response.status_code == 302
    employer_kukar.refresh_from_db()
    assert employer_kukar.name == "PT Mahakam Sejahtera Abadi"
    event = AuditEvent.objects.get(action="employer.correct")
    assert (event.after or {})["name"] == "PT Mahakam Sejahtera Abadi"
    assert event.note == "akta"


def test_correct_employer_refused_for_planner(
    client_as: Callable[[User], Client],
    planner_kukar: User,
    employer_kukar: Employer,
    counts: Callable[[], dict[str, int]],
) -> None:
    client = client_as(planner_kukar)
    before = counts()
    response = client.post(f"/employers/{employer_kukar.pk}/edit/", form_data())
    assert response.status_code == 403
    assert counts() == before
