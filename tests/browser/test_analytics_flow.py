"""A DPRD member drills down from the province to a village and downloads the PDF report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.analytics.conftest import MONTHS, build

from lindungi.accounts.models import User
from lindungi.analytics import facts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def facts_built(reference_data: None, branch_officer_kukar: User, admin: User) -> None:
    build(branch_officer_kukar, admin)
    facts.facts_rebuild(months=MONTHS)


def test_drill_down_and_pdf(
    facts_built: None, login: Callable[[User], Any], dprd_kaltim: User, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = login(dprd_kaltim)
    page.click('nav a[href="/analytics/"]')
    page.wait_for_url("**/analytics/64/")
    page.select_option("select[name=month]", "2026-10")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#active")).to_have_text("4")
    if os.environ.get("LINDUNGI_SCREENSHOTS"):
        page.screenshot(
            path=f"{os.environ['LINDUNGI_SCREENSHOTS']}/analytics-64.png", full_page=True
        )
    assert page.evaluate("typeof window.Chart") == "function"
    assert page.evaluate("Chart.getChart('chart-children') !== undefined")
    for name, code in (
        ("Kabupaten Kutai Kartanegara", "6402"),
        ("Muara Muntai", "640201"),
        ("Perian", "6402012001"),
    ):
        page.click(f"#children a:has-text('{name}')")
        page.wait_for_url(f"**/analytics/{code}/?*")
        expect(page.locator("#region-title")).to_contain_text(name)
    expect(page.locator("#active")).to_have_text("3")
    with page.expect_download() as info:
        page.click("#report-pdf")
    saved = tmp_path / "report.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename == "laporan-dprd-6402012001-2026-10.pdf"
    with page.expect_download() as sheet:
        page.click("#export-xlsx")
    assert sheet.value.suggested_filename.endswith(".xlsx")


def test_scope_in_the_browser(
    facts_built: None, login: Callable[[User], Any], make_user: Callable[..., User]
) -> None:
    from lindungi.core.access import Role

    page = login(make_user("dprd_kukar", Role.DPRD, "6402"))
    page.click('nav a[href="/analytics/"]')
    page.wait_for_url("**/analytics/6402/")
    response = page.goto(page.url.replace("/6402/", "/61/"))
    assert response.status == 404
