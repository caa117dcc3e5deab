"""Registry reads: search by NIK, KPJ and fuzzy name, filters, keyset pages, and scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.core.access import OrgKind, Role
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.registry import selectors
from lindungi.registry.models import Employer, Membership, Worker
from lindungi.registry.selectors import EmployerQuery, WorkerQuery
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_register,
    membership_end,
    membership_start,
    payer_for_employer,
    payer_for_self,
    worker_merge,
    worker_register,
    worker_reveal,
)

PERIAN = "6402012001"  # Muara Muntai, Kutai Kartanegara
JONGGON = "6402022001"  # Loa Kulu, Kutai Kartanegara
SUNGAI_RAYA = "6112012001"  # Kubu Raya
NIK_RIZKI = "6402011505900001"  # man born 15-05-1990


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def register(actor: User, name: str, village: str, **kw: Any) -> Worker:
    values: dict[str, Any] = {
        "full_name": name,
        "birth_date": date(1990, 5, 15),
        "sex": "L",
        "village_code": village,
    }
    return worker_register(data=WorkerInput(**(values | kw)), actor=actor)


@pytest.fixture
def people(
    branch_officer_kukar: User, branch_officer_kubu_raya: User
) -> dict[str, Worker | Employer]:
    """Four workers in two regencies; Rizki is a BPU member with a card, Siti a wage earner."""
    kukar = branch_officer_kukar
    rizki = register(kukar, "Muhammad Rizki", PERIAN, nik=NIK_RIZKI, occupation_code="nelayan")
    siti = register(kukar, "Siti Aminah", JONGGON, sex="P", occupation_code="petani")
    budi = register(kukar, "H. Budi Santoso, S.Pd.", PERIAN, occupation_code="petani")
    far = register(branch_officer_kubu_raya, "Rizky Ramadhan", SUNGAI_RAYA)
    employer = employer_register(
        data=EmployerInput(
            name="PT Mahakam Sejahtera",
            size_class="small",
            jkk_risk_group=2,
            village_code=JONGGON,
            npp="AB123456",
            nib="1234567890123",
        ),
        actor=kukar,
    )
    start = partial(
        membership_start, actor=kukar, programmes=["JKK", "JKM"], start=date(2025, 1, 1)
    )
    start(
        worker_id=rizki.pk,
        segment="BPU",
        payer=payer_for_self(rizki),
        declared_wage=1_500_000,
        kpj="12345678901",
    )
    start(
        worker_id=siti.pk, segment="PU", payer=payer_for_employer(employer), declared_wage=3_500_000
    )
    ended = start(
        worker_id=budi.pk, segment="BPU", payer=payer_for_self(budi), declared_wage=1_000_000
    )
    membership_end(membership_id=ended.pk, on=date(2025, 3, 1), reason="lapsed", actor=kukar)
    return {"rizki": rizki, "siti": siti, "budi": budi, "far": far, "employer": employer}


def names(actor: User, **query: Any) -> list[str]:
    page = selectors.worker_search(actor=actor, query=WorkerQuery(**query))
    return [w.full_name for w in page.items]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (NIK_RIZKI, ["Muhammad Rizki"]),
        ("6402.0115.0590.0001", ["Muhammad Rizki"]),
        ("6402 0115 0590 0001", ["Muhammad Rizki"]),
        ("6402011505900002", []),  # a valid-looking NIK nobody holds
        ("12345678901", ["Muhammad Rizki"]),  # KPJ
        ("123.4567.8901", ["Muhammad Rizki"]),
        ("99999999999", []),
        ("12345", []),  # digits that are neither a NIK nor a KPJ
        ("Muhamad Rizky", ["Muhammad Rizki"]),  # spelling variants fold to one key
        ("M. Rizki", ["Muhammad Rizki"]),
        ("mochammad rizqi", ["Muhammad Rizki"]),
        ("rizki", ["Muhammad Rizki"]),  # Rizky Ramadhan is in Kubu Raya: out of scope
        ("budi santoso", ["H. Budi Santoso, S.Pd."]),  # titles and degrees dropped
        ("aminah", ["Siti Aminah"]),
        ("Susanti", []),
    ],
)
def test_worker_search_by_text(
    text: str, found: list[str], people: dict[str, Any], branch_officer_kukar: User
) -> None:
    assert names(branch_officer_kukar, text=text) == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"region": "64.02.02"}, ["Siti Aminah"]),
        ({"region": "640201"}, ["H. Budi Santoso, S.Pd.", "Muhammad Rizki"]),
        ({"region": "6112"}, []),  # outside the scope a filter cannot widen it
        ({"occupation": "nelayan"}, ["Muhammad Rizki"]),
        ({"occupation": "petani"}, ["H. Budi Santoso, S.Pd.", "Siti Aminah"]),
        ({"segment": "BPU"}, ["Muhammad Rizki"]),  # Budi's BPU membership has ended
        ({"segment": "PU"}, ["Siti Aminah"]),
        ({"segment": "PU", "occupation": "nelayan"}, []),
        ({"text": "rizki", "segment": "BPU", "region": "6402"}, ["Muhammad Rizki"]),
        ({}, ["H. Budi Santoso, S.Pd.", "Siti Aminah", "Muhammad Rizki"]),
    ],
)
def test_worker_search_filters(
    query: dict[str, str], found: list[str], people: dict[str, Any], branch_officer_kukar: User
) -> None:
    assert names(branch_officer_kukar, **query) == found


@pytest.mark.parametrize(
    ("persona", "found"),
    [
        ("admin", ["Rizky Ramadhan", "Muhammad Rizki"]),
        ("branch_officer_kubu_raya", ["Rizky Ramadhan"]),
        ("village_officer_sungai_raya", ["Rizky Ramadhan"]),
        ("compliance_officer_kaltim", ["Muhammad Rizki"]),
        ("sponsor_csr", []),  # sponsors see beneficiaries through their programmes only
    ],
)
def test_worker_search_is_scoped(
    persona: str, found: list[str], people: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    assert names(request.getfixturevalue(persona), text="Rizki") == found


def test_worker_search_for_an_employer_user_shows_its_own_workers(
    people: dict[str, Any], make_user: Callable[..., User]
) -> None:
    hr = make_user("hrd_mahakam", Role.EMPLOYER, "", OrgKind.EMPLOYER, people["employer"].pk)
    assert names(hr) == ["Siti Aminah"]


@pytest.mark.parametrize("persona", ["dprd_kaltim", "auditor"])
def test_worker_search_needs_the_permission(
    persona: str, people: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied, match=r"registry\.view_worker"):
        names(request.getfixturevalue(persona))


def test_worker_search_pages_by_keyset(branch_officer_kukar: User) -> None:
    made = [register(branch_officer_kukar, f"Pekerja {n}", PERIAN) for n in range(5)]
    ids = [w.pk for w in reversed(made)]  # newest first
    seen: list[list[int]] = []
    after = None
    while True:
        page = selectors.worker_search(
            actor=branch_officer_kukar, query=WorkerQuery(after=after, limit=2)
        )
        seen.append([w.pk for w in page.items])
        after = page.next_after
        if after is None:
            break
        assert after == page.items[-1].pk
    assert seen == [ids[0:2], ids[2:4], ids[4:5]]


def test_worker_search_exact_page_has_no_next(branch_officer_kukar: User) -> None:
    for n in range(2):
        register(branch_officer_kukar, f"Pekerja {n}", PERIAN)
    page = selectors.worker_search(actor=branch_officer_kukar, query=WorkerQuery(limit=2))
    assert (len(page.items), page.next_after) == (2, None)


def test_worker_search_hides_merged_records(
    people: dict[str, Any], branch_officer_kukar: User
) -> None:
    twin = register(branch_officer_kukar, "Muhamad Rizky", PERIAN)
    assert names(branch_officer_kukar, text="rizki") == ["Muhamad Rizky", "Muhammad Rizki"]
    worker_merge(survivor_id=people["rizki"].pk, duplicate_id=twin.pk, actor=branch_officer_kukar)
    assert names(branch_officer_kukar, text="rizki") == ["Muhammad Rizki"]


def test_worker_get_out_of_scope_reads_as_missing(
    people: dict[str, Any], branch_officer_kubu_raya: User
) -> None:
    with pytest.raises(NotFound) as out:
        selectors.worker_get(actor=branch_officer_kubu_raya, worker_id=people["rizki"].pk)
    with pytest.raises(NotFound) as missing:
        selectors.worker_get(actor=branch_officer_kubu_raya, worker_id=10**9)
    assert out.value.as_dict() == missing.value.as_dict()
    assert str(out.value) == "worker not found"
    found = selectors.worker_get(actor=branch_officer_kubu_raya, worker_id=people["far"].pk)
    assert found.full_name == "Rizky Ramadhan"


def test_worker_memberships_newest_first(
    people: dict[str, Any], branch_officer_kukar: User
) -> None:
    rows = selectors.worker_memberships(actor=branch_officer_kukar, worker=people["budi"])
    assert [(m.segment, m.start, m.end) for m in rows] == [
        ("BPU", date(2025, 1, 1), date(2025, 3, 1))
    ]


def test_membership_get_is_scoped(
    people: dict[str, Any], branch_officer_kukar: User, branch_officer_kubu_raya: User
) -> None:
    membership = Membership.objects.get(worker=people["siti"])
    got = selectors.membership_get(actor=branch_officer_kukar, membership_id=membership.pk)
    assert (got.segment, got.declared_wage) == ("PU", 3_500_000)
    with pytest.raises(NotFound, match=r"^membership not found$"):
        selectors.membership_get(actor=branch_officer_kubu_raya, membership_id=membership.pk)


def test_worker_masked_identifiers(people: dict[str, Any], branch_officer_kukar: User) -> None:
    rizki = people["rizki"]
    assert selectors.worker_masked_nik(rizki) == "6402" + "\u2022" * 8 + "0001"
    assert selectors.worker_masked_nik(people["siti"]) == ""
    assert selectors.worker_masked_phone(rizki) == ""


def test_worker_history_lists_changes_and_reveals(
    people: dict[str, Any], branch_officer_kukar: User
) -> None:
    rizki = people["rizki"]
    worker_reveal(worker_id=rizki.pk, field="nik", actor=branch_officer_kukar, purpose="klaim")
    events = selectors.worker_history(actor=branch_officer_kukar, worker=rizki)
    assert [e.action for e in events] == ["worker.reveal_nik", "worker.register"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("AB123456", ["PT Mahakam Sejahtera"]),
        ("ab.123.456", ["PT Mahakam Sejahtera"]),
        ("1234567890123", ["PT Mahakam Sejahtera"]),
        ("mahakam", ["PT Mahakam Sejahtera"]),
        ("CD000000", []),
    ],
)
def test_employer_search(
    text: str, found: list[str], people: dict[str, Any], branch_officer_kukar: User
) -> None:
    page = selectors.employer_search(actor=branch_officer_kukar, query=EmployerQuery(text=text))
    assert [e.name for e in page.items] == found


def test_employer_search_is_scoped(people: dict[str, Any], branch_officer_kubu_raya: User) -> None:
    page = selectors.employer_search(actor=branch_officer_kubu_raya, query=EmployerQuery())
    assert page.items == []
    with pytest.raises(NotFound, match=r"^employer not found$"):
        selectors.employer_get(actor=branch_officer_kubu_raya, employer_id=people["employer"].pk)


def test_employer_memberships_lists_open_ones(
    people: dict[str, Any], branch_officer_kukar: User
) -> None:
    rows = selectors.employer_memberships(actor=branch_officer_kukar, employer=people["employer"])
    assert [m.worker.full_name for m in rows] == ["Siti Aminah"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("branch_officer_kukar", {"workers": 3, "memberships": 2, "employers": 1}),
        ("branch_officer_kubu_raya", {"workers": 1, "memberships": 0, "employers": 0}),
        ("admin", {"workers": 4, "memberships": 2, "employers": 1}),
        ("village_officer_sungai_raya", {"workers": 1, "memberships": 0}),
        ("dprd_kaltim", {}),
    ],
)
def test_registry_counts(
    persona: str, expected: dict[str, int], people: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    assert selectors.registry_counts(actor=request.getfixturevalue(persona)) == expected
