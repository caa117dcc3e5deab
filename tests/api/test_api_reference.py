"""Reference data over the API: regions, occupations, rule tables on a date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lindungi.accounts.models import User

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures

PERIAN = {
    "code": "6402012001",
    "dotted": "64.02.01.2001",
    "name": "Perian",
    "level": 4,
    "parent_code": "640201",
    "historic": False,
    "successor_code": None,
}


@pytest.mark.parametrize("code", ["6402012001", "64.02.01.2001"])
def test_region_by_code(api_as: Callable[[User], Api], dprd_kaltim: User, code: str) -> None:
    response = api_as(dprd_kaltim).get(f"/regions/{code}")
    assert response.status_code == 200
    assert response.json() == PERIAN


def test_unknown_region_is_404(api_as: Callable[[User], Api], dprd_kaltim: User) -> None:
    for path in ("/regions/9999", "/regions/9999/children"):
        response = api_as(dprd_kaltim).get(path)
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": "region not found",
            "field": None,
        }


def test_region_children(api_as: Callable[[User], Api], dprd_kaltim: User) -> None:
    response = api_as(dprd_kaltim).get("/regions/61.12/children")
    assert response.status_code == 200
    assert [(r["code"], r["name"]) for r in response.json()] == [
        ("611201", "Sungai Raya"),
        ("611202", "Kuala Mandor B"),
        ("611203", "Sungai Ambawang"),
        ("611204", "Terentang"),
        ("611205", "Batu Ampar"),
        ("611206", "Kubu"),
        ("611207", "Rasau Jaya"),
        ("611208", "Teluk Pakedai"),
        ("611209", "Sungai Kakap"),
    ]


def test_provinces(api_as: Callable[[User], Api], auditor: User) -> None:
    provinces = api_as(auditor).get("/regions").json()
    assert len(provinces) == 38
    assert {"code": "64", "name": "Kalimantan Timur"}.items() <= provinces[
        [p["code"] for p in provinces].index("64")
    ].items()


def test_occupations(api_as: Callable[[User], Api], auditor: User) -> None:
    response = api_as(auditor).get("/occupations")
    assert response.status_code == 200
    rows = response.json()
    assert rows
    assert set(rows[0]) == {"code", "name", "name_en", "jkk_risk_group", "informal", "kbli_section"}
    assert all(1 <= r["jkk_risk_group"] <= 5 for r in rows)


@pytest.mark.parametrize(
    ("table", "on", "values"),
    [
        # PP 44/2015 Pasal 16: JKK rate of wages by risk group I..V.
        ("pu_jkk_rate", "2026-01-01", ["0.0024", "0.0054", "0.0089", "0.0127", "0.0174"]),
        # Minimum declared income of a BPU worker, PP 44/2015 / Permenaker 5/2021.
        ("bpu_income_min", "2026-01-01", ["1000000"]),
        ("bpu_income_min", "1990-01-01", []),
    ],
)
def test_rules_in_force_on_a_date(
    api_as: Callable[[User], Api], auditor: User, table: str, on: str, values: list[str]
) -> None:
    response = api_as(auditor).get(f"/rules/{table}", on=on)
    assert response.status_code == 200
    assert [row["value"] for row in response.json()] == values
    assert all(row["regulation"] for row in response.json())


def test_rules_date_must_be_a_date(api_as: Callable[[User], Api], auditor: User) -> None:
    response = api_as(auditor).get("/rules/pu_jkk_rate", on="kemarin")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["on"]


def test_reference_needs_authentication(anonymous: Api) -> None:
    assert anonymous.get("/regions/64").status_code == 401
