"""Each persona in a real browser: log in, search, open a worker, edit where allowed.

The NIK is masked on every screen; only the reveal button shows it, once, and audits it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.core.access import OrgKind, Role
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Worker
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_register,
    membership_start,
    payer_for_employer,
    payer_for_self,
    worker_correct,
    worker_register,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDI_NIK = "6402011208850001"
SITI_NIK = "6112015208850002"
MASK = "\u2022"


def _worker(actor: User, **values: Any) -> Worker:
    base: dict[str, Any] = {
        "full_name": "Budi Santoso",
        "birth_date": date(1985, 8, 12),
        "sex": "L",
        "village_code": "6402012001",
        "nik": BUDI_NIK,
        "birth_place": "Tenggarong",
        "phone": "081234567890",
        "occupation_code": "nelayan",
    }
    return worker_register(data=WorkerInput(**(base | values)), actor=actor)


@pytest.fixture
def registry(
    reference_data: None, branch_officer_kukar: User, branch_officer_kubu_raya: User
) -> dict[str, Any]:
    """Budi and Agus in Perian (Kutai Kartanegara), Siti in Sungai Raya (Kubu Raya)."""
    budi = _worker(branch_officer_kukar)
    _worker(
        branch_officer_kukar,
        full_name="Agus Salim",
        nik="6402010503900002",
        birth_date=date(1990, 3, 5),
        phone="",
    )
    siti = _worker(
        branch_officer_kubu_raya,
        full_name="Siti Aminah",
        sex="P",
        nik=SITI_NIK,
        village_code="6112012001",
        birth_place="Pontianak",
        phone="",
    )
    employer = employer_register(
        data=EmployerInput(
            name="PT Mahakam Sejahtera",
            size_class="small",
            jkk_risk_group=2,
            village_code="6402012001",
            npp="AB123456",
        ),
        actor=branch_officer_kukar,
    )
    membership_start(
        worker_id=budi.pk,
        segment="PU",
        payer=payer_for_employer(employer),
        programmes=["JKK", "JKM", "JHT"],
        declared_wage=3_500_000,
        start=date(2026, 1, 1),
        actor=branch_officer_kukar,
    )
    return {"budi": budi, "siti": siti, "employer": employer}


@pytest.fixture
def employer_user(make_user: Callable[..., User], registry: dict[str, Any]) -> User:
    employer: Employer = registry["employer"]
    return make_user("hrd_mahakam", Role.EMPLOYER, "", OrgKind.EMPLOYER, employer.pk)


def _walk(page: Any, *, name: str, query: str, nik: str, can_edit: bool, can_reveal: bool) -> None:
    """Workers menu → search as you type → detail (masked) → edit form if allowed."""
    from playwright.sync_api import expect

    page.click('nav a[href="/workers/"]')
    page.wait_for_url("**/workers/")
    page.fill("#id_q", query)  # HTMX replaces the results as the user types
    rows = page.locator("#results tr[data-id]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(name)
    assert MASK in rows.first.inner_text()
    page.click(f"#results a:has-text('{name}')")
    expect(page.locator("h1")).to_contain_text(name)
    nik_cell = page.locator("#nik-value")
    assert nik_cell.inner_text() == nik[:4] + MASK * 8 + nik[-4:]
    assert nik not in page.content()
    assert page.locator("button:has-text('Tampilkan NIK')").count() == int(can_reveal)
    edit = page.locator("a[href$='/edit/']")
    if not can_edit:
        expect(edit).to_have_count(0)
        return
    edit.click()
    expect(page.locator("#id_full_name")).to_have_value(name)
    assert nik not in page.content()
    page.fill("#id_address_line", "Jl. Diubah lewat peramban")
    page.fill("#id_reason", "uji peramban")
    page.click("form.record-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Data pekerja disimpan.")
    expect(page.locator("dl.facts")).to_contain_text("Jl. Diubah lewat peramban")
    expect(page.locator("table.history")).to_contain_text("worker.correct")
    assert page.locator("#nik-value").inner_text() == nik[:4] + MASK * 8 + nik[-4:]


PERSONAS = [
    # persona, worker it can see, query typed, may edit, may reveal the NIK
    ("admin", "budi", "budi", True, True),
    ("branch_officer_kukar", "budi", "budi sant", True, True),
    ("compliance_officer_kaltim", "budi", BUDI_NIK, False, True),
    ("labour_inspector_kaltim", "budi", "santoso", False, False),
    ("planner_kukar", "budi", "budi", True, False),
    ("village_officer_sungai_raya", "siti", "siti", True, True),
    ("employer_user", "budi", "budi", False, False),
]


@pytest.mark.parametrize(("persona", "who", "query", "can_edit", "can_reveal"), PERSONAS)
def test_persona_walks_search_detail_edit(
    request: pytest.FixtureRequest,
    login: Callable[[User], Any],
    registry: dict[str, Any],
    persona: str,
    who: str,
    query: str,
    can_edit: bool,
    can_reveal: bool,
) -> None:
    worker: Worker = registry[who]
    nik = BUDI_NIK if who == "budi" else SITI_NIK
    page = login(request.getfixturevalue(persona))
    _walk(
        page,
        name=worker.full_name,
        query=query,
        nik=nik,
        can_edit=can_edit,
        can_reveal=can_reveal,
    )
    worker.refresh_from_db()
    assert (worker.address_line == "Jl. Diubah lewat peramban") is can_edit


def test_reveal_shows_the_nik_once_and_audits_it(
    login: Callable[[User], Any], registry: dict[str, Any], branch_officer_kukar: User
) -> None:
    from playwright.sync_api import expect

    budi: Worker = registry["budi"]
    page = login(branch_officer_kukar)
    page.goto(f"{page.url}workers/{budi.pk}/")
    assert BUDI_NIK not in page.content()
    page.click("button:has-text('Tampilkan NIK')")
    expect(page.locator("#nik-value")).to_have_text(BUDI_NIK)
    event = AuditEvent.objects.get(action="worker.reveal_nik")
    assert (event.actor_id, event.object_id) == (branch_officer_kukar.pk, str(budi.pk))
    page.click("nav[aria-label=breadcrumb] a")
    page.click(f"#results a:has-text('{budi.full_name}')")
    assert BUDI_NIK not in page.content()


@pytest.mark.parametrize("persona", ["dprd_kaltim", "auditor"])
def test_aggregate_roles_see_no_worker_list(
    request: pytest.FixtureRequest,
    login: Callable[[User], Any],
    live_server: Any,
    registry: dict[str, Any],
    persona: str,
) -> None:
    page = login(request.getfixturevalue(persona))
    assert page.locator('nav a[href="/workers/"]').count() == 0
    response = page.goto(f"{live_server.url}/workers/")
    assert response.status == 403
    assert "Budi" not in page.content()


def test_sponsor_sees_an_empty_worker_list(
    login: Callable[[User], Any], registry: dict[str, Any], sponsor_csr: User
) -> None:
    page = login(sponsor_csr)
    page.click('nav a[href="/workers/"]')
    assert page.locator("#results tr[data-id]").count() == 0
    assert "Tidak ada pekerja yang cocok" in page.inner_text("#results")


def test_register_with_chained_village_picker_and_inline_errors(
    login: Callable[[User], Any], reference_data: None, branch_officer_kukar: User
) -> None:
    from playwright.sync_api import expect

    page = login(branch_officer_kukar)
    page.click("a:has-text('Daftarkan pekerja')")
    # Province and regency are this officer's only choices: already chosen.
    expect(page.locator("select[name=regency]")).to_have_value("6402")
    page.select_option("select[name=district]", "640201")  # HTMX loads the villages
    expect(page.locator("select[name=village_code] option[value='6402012001']")).to_have_count(1)
    page.select_option("select[name=village_code]", "6402012001")
    page.fill("#id_full_name", "Rahmat Hidayat")
    page.fill("#id_nik", "6402011208850003")
    page.fill("#id_birth_date", "1985-08-12")
    page.select_option("#id_sex", "P")  # a man's NIK: the service refuses it
    page.click("form.record-form button[type=submit]")
    expect(page.locator("#id_sex_error")).to_contain_text("Jenis kelamin tidak cocok")
    expect(page.locator("select[name=village_code]")).to_have_value("6402012001")
    assert not Worker.objects.filter(full_name="Rahmat Hidayat").exists()
    page.select_option("#id_sex", "L")
    page.click("form.record-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Rahmat Hidayat")
    expect(page.locator("#nik-value")).to_have_text("6402" + MASK * 8 + "0003")


def test_language_switch_in_the_browser(
    login: Callable[[User], Any], reference_data: None, branch_officer_kukar: User
) -> None:
    from playwright.sync_api import expect

    page = login(branch_officer_kukar)
    expect(page.locator("h1")).to_contain_text("Selamat datang")
    page.click("footer button[value=en]")
    expect(page.locator("h1")).to_contain_text("Welcome")
    expect(page.locator('nav a[href="/workers/"]')).to_have_text("Workers")


def test_screenshots_of_the_worker_screens(
    login: Callable[[User], Any],
    registry: dict[str, Any],
    branch_officer_kukar: User,
) -> None:
    """Renders list and detail with a page of data; saves PNGs when LINDUNGI_SCREENSHOTS is set."""
    names = [
        "Siti Rahmawati",
        "Ahmad Fauzi",
        "Dewi Lestari",
        "Muhammad Rizki",
        "Nur Aisyah",
        "Rudi Hartono",
        "Yohanes Pasaribu",
        "Fitri Handayani",
        "I Made Sudarsana",
        "Rina Marlina",
    ]
    occupations = ["petani", "nelayan", "pedagang", "ojek", "buruh_bangunan"]
    for i, name in enumerate(names, start=10):
        sex = "P" if name.split()[0] in {"Siti", "Dewi", "Nur", "Fitri", "Rina"} else "L"
        day = 12 + (40 if sex == "P" else 0)
        worker = _worker(
            branch_officer_kukar,
            full_name=name,
            sex=sex,
            nik=f"640201{day}0885{i:04d}",
            occupation_code=occupations[i % len(occupations)],
            phone="",
        )
        membership_start(
            worker_id=worker.pk,
            segment="BPU",
            payer=payer_for_self(worker),
            programmes=["JKK", "JKM"],
            declared_wage=1_000_000 + 250_000 * (i % 4),
            start=date(2026, 1 + i % 6, 1),
            actor=branch_officer_kukar,
        )
    page = login(branch_officer_kukar)
    page.click('nav a[href="/workers/"]')
    assert page.locator("#results tr[data-id]").count() == 12
    folder = os.environ.get("LINDUNGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/workers-list.png", full_page=True)
    budi: Worker = registry["budi"]
    worker_correct(
        worker_id=budi.pk,
        changes={"address_line": "RT 03 Desa Perian"},
        actor=branch_officer_kukar,
        reason="alamat lengkap",
    )
    page.goto(f"{page.url}{budi.pk}/")
    assert page.locator("table.history tbody tr").count() == 2
    if folder:
        page.screenshot(path=f"{folder}/worker-detail.png", full_page=True)
