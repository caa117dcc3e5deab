"""Dashboards, exports and the CLI: figures, scope, permissions, query counts."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone
from tests.analytics.conftest import MONTHS, PERIAN, Crafted
from tests.conftest import PASSWORD

from lindungi.accounts.models import User
from lindungi.analytics import exports, facts
from lindungi.analytics.models import CoverageFact, FactMonth
from lindungi.core.access import OrgKind, Role
from lindungi.core.models import AuditEvent
from lindungi.reference.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(crafted: Crafted) -> Crafted:
    facts.facts_rebuild(months=MONTHS)
    return crafted


@pytest.fixture
def dprd_kukar(make_user: Callable[..., User]) -> User:
    return make_user("dprd_kukar", Role.DPRD, "6402")


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_province_dashboard_drills_down(client: Client, built: Crafted, dprd_kaltim: User) -> None:
    login(client, dprd_kaltim)
    home = client.get("/analytics/")
    assert home.status_code == 302
    assert home["Location"].endswith("/analytics/64/")
    body = client.get("/analytics/64/?month=2026-10").content.decode()
    assert 'id="active">4<' in body
    assert 'data-code="6402"' in body
    assert "Budi" not in body
    regency = client.get("/analytics/6402/?month=2026-10").content.decode()
    assert 'data-code="640201"' in regency
    assert "475.706 <span" in regency  # the labour force estimate, marked ⚠
    district = client.get("/analytics/640201/?month=2026-10").content.decode()
    assert f'data-code="{PERIAN}"' in district
    village = client.get(f"/analytics/{PERIAN}/?month=2026-10").content.decode()
    assert 'id="active">3<' in village


def test_filters(client: Client, built: Crafted, dprd_kaltim: User) -> None:
    login(client, dprd_kaltim)
    pu = client.get("/analytics/64/?month=2026-10&segment=PU").content.decode()
    assert 'id="active">1<' in pu
    jht = client.get("/analytics/64/?month=2026-10&programme=jht").content.decode()
    assert 'id="active">1<' in jht
    selfpaid = client.get("/analytics/64/?month=2026-10&payer_kind=self").content.decode()
    assert 'id="active">3<' in selfpaid
    assert client.get("/analytics/64/?segment=XX").status_code == 400


def test_regency_dprd_cannot_see_another_province(
    client: Client, built: Crafted, dprd_kukar: User
) -> None:
    login(client, dprd_kukar)
    events = AuditEvent.objects.count()
    cells = CoverageFact.objects.count()
    for url in (
        "/analytics/61/",
        "/analytics/6112/",
        "/analytics/64/",
        "/analytics/id/",
        "/analytics/61/export.xlsx",
        "/analytics/61/report.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/analytics/6402/").status_code == 200
    assert AuditEvent.objects.count() == events
    assert CoverageFact.objects.count() == cells


def test_roles_without_aggregates_are_refused(
    client: Client, built: Crafted, make_user: Callable[..., User]
) -> None:
    employer = make_user("hrd", Role.EMPLOYER, "", OrgKind.EMPLOYER, 1)
    login(client, employer)
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/64/").status_code == 403
    assert client.get("/analytics/64/report.pdf").status_code == 403
    anonymous = Client()
    assert anonymous.get("/analytics/64/").status_code == 302


@pytest.mark.parametrize("code", ["id", "64", "6402", "640201", PERIAN])
def test_dashboard_query_count(
    client: Client,
    built: Crafted,
    admin: User,
    code: str,
    django_assert_max_num_queries: Any,
) -> None:
    login(client, admin)
    with django_assert_max_num_queries(22):
        assert client.get(f"/analytics/{code}/?month=2026-10").status_code == 200


def test_xlsx_export_neutralises_formulas(client: Client, built: Crafted, admin: User) -> None:
    from python_calamine import CalamineWorkbook

    login(client, admin)
    response = client.get("/analytics/6402/export.xlsx?month=2026-10")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    summary = book.get_sheet_by_name("Ringkasan").to_python()
    assert summary[2][:2] == ["Peserta aktif", 4.0]
    Region.objects.filter(code=PERIAN).update(name='=HYPERLINK("http://x")')
    response = client.get("/analytics/640201/export.xlsx?month=2026-10")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    names = [row[1] for row in book.get_sheet_by_name("Desa").to_python()[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    for text in ("=1+1", "+1", "-1", "@x"):
        assert exports.safe(text) == "'" + text
    assert exports.safe(-5) == -5


def test_pdf_report(client: Client, built: Crafted, dprd_kaltim: User) -> None:
    login(client, dprd_kaltim)
    response = client.get("/analytics/6402/report.pdf?month=2026-10")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "laporan-dprd-6402-2026-10.pdf" in response["Content-Disposition"]


def test_cli_coverage_json(built: Crafted) -> None:
    from lindungi.cli import coverage as _  # noqa: F401
    from lindungi.cli import main

    result = CliRunner().invoke(
        main, ["coverage", "--region", "64.02", "--month", "2026-10", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["active"], data["labour_force"], data["ratio"]) == (4, 475706, 0.0)
    assert data["region"] == "64.02"
    assert [c["code"] for c in data["children"] if c["active"]] == ["640201"]
    human = CliRunner().invoke(main, ["coverage", "--region", "64", "--month", "2026-10"])
    assert "Peserta aktif (active): 4" in human.output


def test_cli_refresh_and_rebuild(crafted: Crafted) -> None:
    from lindungi.cli import coverage as _  # noqa: F401
    from lindungi.cli import main

    result = CliRunner().invoke(main, ["coverage-rebuild", "--months", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["months"]) == 2
    assert FactMonth.objects.count() == 2
    again = CliRunner().invoke(main, ["coverage-refresh", "--json"])
    assert json.loads(again.output)["villages"] == 0
    assert timezone.localdate().replace(day=1) in set(
        FactMonth.objects.values_list("month", flat=True)
    )


def test_api_coverage(client: Client, built: Crafted, dprd_kukar: User) -> None:
    login(client, dprd_kukar)
    response = client.get("/api/v1/analytics/coverage?region=64.02&month=2026-10")
    assert response.status_code == 200
    data = response.json()
    assert (data["active"], data["labour_force"]) == (4, 475706)
    assert client.get("/api/v1/analytics/coverage?region=61&month=2026-10").status_code == 404
