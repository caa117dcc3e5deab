"""A compliance case in a real browser: from the finding to resolved, with a letter downloaded."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.compliance.calendar import holidays_load
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import Case, Letter
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VILLAGE = "6402012001"  # Perian, Kutai Kartanegara


@pytest.fixture
def finding(reference_data: None) -> Employer:
    """PT Mahakam Uji declares two workers below the 2026 UMP of Kalimantan Timur."""
    holidays_load(actor=None)
    employer = Employer.objects.create(
        npp="K9000001",
        nib="9100000000001",
        name="PT Mahakam Uji",
        kbli="47111",
        size_class="small",
        jkk_risk_group=1,
        village_id=VILLAGE,
    )
    payer = Payer.objects.create(kind="employer", employer=employer, label=employer.name)
    for i in range(2):
        worker = Worker.objects.create(
            full_name=f"Pekerja {i}",
            name_search=f"pekerja {i}",
            birth_date=date(1990, 1, 1),
            sex="L",
            village_id=VILLAGE,
        )
        Membership.objects.create(
            worker=worker,
            segment="PU",
            payer=payer,
            jht=True,
            declared_wage=3_000_000,
            start=date(2026, 1, 1),
        )
    crosscheck_run(month=date(2026, 10, 1), actor=None)
    return employer


def test_case_from_finding_to_resolved_with_letter(
    finding: Employer,
    compliance_officer_kaltim: User,
    login: Callable[[Any], Any],
    live_server: Any,
) -> None:
    page = login(compliance_officer_kaltim)
    page.click("nav >> text=Kepatuhan")
    page.wait_for_selector("text=PT Mahakam Uji")
    page.click("button:has-text('Buka kasus')")
    page.wait_for_selector("#case-state[data-state=open]")
    for label, state in [("Pemeriksaan dokumen", "desk_review"), ("Teguran I", "warning_1")]:
        page.click(f"button:has-text('→ {label}')")
        page.wait_for_selector(f"#case-state[data-state={state}]")
    with page.expect_download() as info:
        page.click("#letters a")
    download = info.value
    assert download.suggested_filename.endswith("-TEG-1-6402-2026.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    _screenshot(page, "compliance-case")
    page.click("button:has-text('→ Selesai (patuh)')")  # still below UMP: refused
    page.wait_for_selector("text=Belum patuh menurut registri")
    assert Case.objects.get().state == "warning_1"
    Membership.objects.filter(payer__employer=finding).update(declared_wage=3_800_000)
    page.click("button:has-text('→ Selesai (patuh)')")
    page.wait_for_selector("#case-state[data-state=resolved]")
    assert Letter.objects.count() == 1
    assert page.locator("#timeline li").count() == 4
    page.goto(f"{live_server.url}/compliance/cases/")
    _screenshot(page, "compliance-cases")
    page.goto(f"{live_server.url}/compliance/?month=2026-10")
    _screenshot(page, "compliance-findings")


def _screenshot(page: Any, name: str) -> None:
    """Saves a full-page PNG when LINDUNGI_SCREENSHOTS names a directory."""
    target = os.environ.get("LINDUNGI_SCREENSHOTS")
    if target:
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)
