"""A regency planner in a real browser: the planner shows the target groups still unprotected
per district, drills down to villages and narrows the target groups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.registry.models import Membership, Payer, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kukar_workers(reference_data: None) -> None:
    """Three workers in a village of district 640201 (one self-paying), one in 640202."""
    for n, (village, decile) in enumerate(
        [("6402012001", 1), ("6402012001", 3), ("6402012001", 1), ("6402022001", 2)]
    ):
        worker = Worker.objects.create(
            full_name=f"Nelayan {n}",
            name_search=f"nelayan {n}",
            birth_date=date(1980, 1, 1),
            sex="L",
            village_id=village,
            welfare_decile=decile,
        )
        if n == 2:
            payer = Payer.objects.create(kind="self", worker=worker, label=worker.full_name)
            Membership.objects.create(
                worker=worker,
                segment="BPU",
                payer=payer,
                declared_wage=1_000_000,
                start=date(2026, 1, 1),
            )


def test_planner_shows_unprotected_by_district_then_village(
    live_server: Any, login: Callable[[Any], Any], planner_kukar: User, kukar_workers: None
) -> None:
    page = login(planner_kukar)
    page.goto(f"{live_server.url}/programs/planner/")
    page.wait_for_selector("#unprotected-table")
    assert page.inner_text("#unprotected-total .unprotected") == "3"
    assert page.inner_text("tr[data-code='640201'] .unprotected") == "2"
    assert page.inner_text("tr[data-code='640202'] .unprotected") == "1"
    assert "Rp604.800" in page.inner_text("#unprotected-summary")  # 3 x 12 x 16,800

    page.click("tr[data-code='640201'] a")
    page.wait_for_selector("tr[data-code='6402012001']")
    assert page.inner_text("tr[data-code='6402012001'] .unprotected") == "2"
    assert page.inner_text("#unprotected-total .unprotected") == "2"

    page.check("#unprotected input[name=deciles][value='1']")
    page.click("#unprotected button:has-text('Tampilkan')")
    page.wait_for_function(
        "document.querySelector('#unprotected-total .unprotected')?.textContent === '1'"
    )
    assert page.inner_text("tr[data-code='6402012001'] .unprotected") == "1"
