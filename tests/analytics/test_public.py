"""The public page needs no login, shows aggregates only, and hides counts under 10."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from tests.analytics.conftest import MONTHS, PERIAN, Crafted

from lindungi.analytics import facts

pytestmark = pytest.mark.django_db


def test_public_page_suppresses_small_counts(client: Client, crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    response = client.get("/publik/?month=2026-10")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="total">&lt;10<' in body  # 5 active in Indonesia
    assert "Budi" not in body
    assert "6402011208850001" not in body


def test_public_suppression_with_a_large_region(client: Client, crafted: Crafted) -> None:
    from lindungi.analytics import public, selectors
    from lindungi.analytics.models import RegionFact

    facts.facts_rebuild(months=MONTHS)
    october = date(2026, 10, 1)
    for level, code, extra in ((1, "64", 247), (0, "", 250)):
        row = RegionFact.objects.filter(month=october, level=level, region_code=code).first()
        assert row is not None
        RegionFact.objects.filter(pk=row.pk).update(active=F("active") + extra)
    found = public.public_figures(region="", filters=selectors.Filters(october))
    shown = {c["code"]: c["shown"] for c in found.children if c["active"]}
    # 1 is small; the 36 provinces with no one active are under 10 as well, so four people are
    # spread over 37 hidden cells and 251 can stay shown
    assert shown == {"61": "<10", "64": 251}
    assert sum(c["shown"] == "<10" for c in found.children) == 37
    assert found.total.shown == 255
    body = client.get("/publik/?month=2026-10").content.decode()
    cells = dict(re.findall(r'data-code="(\d+)">.*?<td class="num">([^<]*)</td>', body))
    assert cells["61"] == "&lt;10"
    assert cells["64"] == "251"
    assert 'id="total">255<' in body


def test_public_refuses_districts_and_villages(client: Client, crafted: Crafted) -> None:
    facts.facts_rebuild(months=MONTHS)
    assert client.get(f"/publik/{PERIAN}/").status_code == 404
    assert client.get("/publik/640201/").status_code == 404
    assert client.get("/publik/6402/").status_code == 200


@pytest.mark.parametrize("url", ["/publik/", "/publik/64/", "/publik/6402/"])
def test_public_query_count(
    client: Client, crafted: Crafted, url: str, django_assert_max_num_queries: Any
) -> None:
    facts.facts_rebuild(months=MONTHS)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
