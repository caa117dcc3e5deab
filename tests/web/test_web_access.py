"""Every page for every persona: 200 when allowed, 404 out of scope, 403 without the permission."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.registry.models import Employer, Worker

ALL = [
    "admin",
    "branch_officer_kukar",
    "branch_officer_kubu_raya",
    "compliance_officer_kaltim",
    "labour_inspector_kaltim",
    "planner_kukar",
    "village_officer_sungai_raya",
    "sponsor_csr",
    "dprd_kaltim",
    "auditor",
]


def expect(ok: set[str], missing: set[str] = frozenset()) -> list[tuple[str, int]]:  # type: ignore[assignment]
    """200 for `ok`, 404 for `missing` (out of scope), 403 for everyone else."""
    return [(p, 200 if p in ok else 404 if p in missing else 403) for p in ALL]


WORKER_LIST = expect(set(ALL) - {"dprd_kaltim", "auditor"})
WORKER_DETAIL = expect(
    {
        "admin",
        "branch_officer_kukar",
        "compliance_officer_kaltim",
        "labour_inspector_kaltim",
        "planner_kukar",
    },
    {"branch_officer_kubu_raya", "village_officer_sungai_raya", "sponsor_csr"},
)
WORKER_EDIT = expect(
    {"admin", "branch_officer_kukar", "planner_kukar"},
    {"branch_officer_kubu_raya", "village_officer_sungai_raya"},
)
WORKER_CREATE = expect(
    {
        "admin",
        "branch_officer_kukar",
        "branch_officer_kubu_raya",
        "planner_kukar",
        "village_officer_sungai_raya",
    }
)
EMPLOYER_LIST = expect(
    {
        "admin",
        "branch_officer_kukar",
        "branch_officer_kubu_raya",
        "compliance_officer_kaltim",
        "labour_inspector_kaltim",
        "planner_kukar",
    }
)
EMPLOYER_DETAIL = expect(
    {
        "admin",
        "branch_officer_kukar",
        "compliance_officer_kaltim",
        "labour_inspector_kaltim",
        "planner_kukar",
    },
    {"branch_officer_kubu_raya"},
)
EMPLOYER_EDIT = expect({"admin", "branch_officer_kukar"}, {"branch_officer_kubu_raya"})
EMPLOYER_CREATE = expect({"admin", "branch_officer_kukar", "branch_officer_kubu_raya"})
AUDIT = expect({"admin", "auditor"})


@pytest.fixture
def as_persona(
    request: pytest.FixtureRequest, client_as: Callable[[User], Client]
) -> Callable[[str], Client]:
    return lambda name: client_as(request.getfixturevalue(name))


@pytest.mark.parametrize("persona", ALL)
def test_home_renders_for_every_persona(as_persona: Callable[[str], Client], persona: str) -> None:
    response = as_persona(persona).get("/")
    assert response.status_code == 200
    assert b"Selamat datang" in response.content


@pytest.mark.parametrize(("persona", "status"), WORKER_LIST)
def test_worker_list(
    as_persona: Callable[[str], Client], worker_kukar: Worker, persona: str, status: int
) -> None:
    assert as_persona(persona).get("/workers/").status_code == status


@pytest.mark.parametrize(("persona", "status"), WORKER_DETAIL)
def test_worker_detail(
    as_persona: Callable[[str], Client], worker_kukar: Worker, persona: str, status: int
) -> None:
    assert as_persona(persona).get(f"/workers/{worker_kukar.pk}/").status_code == status


@pytest.mark.parametrize(("persona", "status"), WORKER_EDIT)
def test_worker_edit_form(
    as_persona: Callable[[str], Client], worker_kukar: Worker, persona: str, status: int
) -> None:
    assert as_persona(persona).get(f"/workers/{worker_kukar.pk}/edit/").status_code == status


@pytest.mark.parametrize(("persona", "status"), WORKER_CREATE)
def test_worker_create_form(as_persona: Callable[[str], Client], persona: str, status: int) -> None:
    assert as_persona(persona).get("/workers/new/").status_code == status


@pytest.mark.parametrize(("persona", "status"), EMPLOYER_LIST)
def test_employer_list(
    as_persona: Callable[[str], Client], employer_kukar: Employer, persona: str, status: int
) -> None:
    assert as_persona(persona).get("/employers/").status_code == status


@pytest.mark.parametrize(("persona", "status"), EMPLOYER_DETAIL)
def test_employer_detail(
    as_persona: Callable[[str], Client], employer_kukar: Employer, persona: str, status: int
) -> None:
    assert as_persona(persona).get(f"/employers/{employer_kukar.pk}/").status_code == status


@pytest.mark.parametrize(("persona", "status"), EMPLOYER_EDIT)
def test_employer_edit_form(
    as_persona: Callable[[str], Client], employer_kukar: Employer, persona: str, status: int
) -> None:
    url = f"/employers/{employer_kukar.pk}/edit/"
    assert as_persona(persona).get(url).status_code == status


@pytest.mark.parametrize(("persona", "status"), EMPLOYER_CREATE)
def test_employer_create_form(
    as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    assert as_persona(persona).get("/employers/new/").status_code == status


@pytest.mark.parametrize(("persona", "status"), AUDIT)
def test_audit_page(as_persona: Callable[[str], Client], persona: str, status: int) -> None:
    assert as_persona(persona).get("/audit/").status_code == status


def test_missing_worker_is_404(client_as: Callable[[User], Client], admin: User) -> None:
    response = client_as(admin).get("/workers/999999/")
    assert response.status_code == 404
    assert b"Tidak ditemukan" in response.content


def test_forbidden_page_explains_itself(
    client_as: Callable[[User], Client], dprd_kaltim: User
) -> None:
    response = client_as(dprd_kaltim).get("/workers/")
    assert response.status_code == 403
    assert b"Akses ditolak" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/workers/",
        "/workers/1/",
        "/workers/new/",
        "/employers/",
        "/audit/",
        "/regions/picker/",
    ],
)
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_login_page_and_login(client: Client, branch_officer_kukar: User) -> None:
    branch_officer_kukar.set_password("kata-sandi-uji-web")
    branch_officer_kukar.save()
    assert client.get("/login/").status_code == 200
    response = client.post(
        "/login/", {"username": "cabang_kukar", "password": "kata-sandi-uji-web"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_with_wrong_password_shows_error(client: Client, branch_officer_kukar: User) -> None:
    response = client.post("/login/", {"username": "cabang_kukar", "password": "salah"})
    assert response.status_code == 200
    assert b"Nama pengguna atau kata sandi salah." in response.content


@pytest.mark.parametrize(
    ("persona", "links", "hidden"),
    [
        ("branch_officer_kukar", ["/workers/", "/employers/"], ["/audit/"]),
        ("village_officer_sungai_raya", ["/workers/"], ["/employers/", "/audit/"]),
        ("auditor", ["/audit/"], ["/workers/", "/employers/"]),
        ("dprd_kaltim", [], ["/workers/", "/employers/", "/audit/"]),
        ("admin", ["/workers/", "/employers/", "/audit/"], []),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(
    as_persona: Callable[[str], Client], persona: str, links: list[str], hidden: list[str]
) -> None:
    html = as_persona(persona).get("/").content.decode()
    for link in links:
        assert f'href="{link}"' in html
    for link in hidden:
        assert f'href="{link}"' not in html


def test_home_shows_role_scope_and_counts(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    worker_kukar: Worker,
    employer_kukar: Employer,
) -> None:
    html = client_as(branch_officer_kukar).get("/").content.decode()
    assert "Petugas Kantor Cabang BPJS" in html
    assert "Kabupaten Kutai Kartanegara (64.02)" in html
    assert '<p class="figure">1</p>' in html
