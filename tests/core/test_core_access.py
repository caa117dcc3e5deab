"""core.access: region prefixes as index ranges, permissions by role, scope and get."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.core import access
from lindungi.core.access import ROLE_PERMISSIONS, Role
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError
from lindungi.reference.models import Region
from lindungi.registry.models import Worker
from lindungi.registry.services import WorkerInput, worker_register


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("prefix", "bounds"),
    [
        ("64", ("64", "65")),
        ("6402", ("6402", "6403")),
        ("6409", ("6409", "640:")),
        ("1", ("1", "2")),
    ],
)
def test_region_range(prefix: str, bounds: tuple[str, str]) -> None:
    assert access.region_range(prefix) == bounds


@pytest.mark.parametrize(
    ("prefixes", "codes"),
    [
        (["6409"], ["6409", "640901", "6409011001"]),
        (["640201"], ["640201", "6402012001"]),
        (["6402", "6112012001"], ["6402", "640201", "6402012001", "6112012001"]),
        ([], []),
    ],
)
@pytest.mark.django_db
def test_region_q_matches_exactly_the_prefix(prefixes: list[str], codes: list[str]) -> None:
    candidates = ["6401", "6402", "640201", "6402012001", "6403", "6409", "640901", "6409011001"]
    candidates += ["6410", "6112012001", "6112012002", "64"]
    qs = Region.objects.filter(code__in=candidates).filter(access.region_q("code", prefixes))
    assert sorted(qs.values_list("code", flat=True)) == sorted(codes)


def test_every_role_has_a_permission_set() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role.values)
    assert ROLE_PERMISSIONS[Role.DPRD] == frozenset({access.VIEW_AGGREGATES})
    assert access.ROTATE_PII_KEYS in ROLE_PERMISSIONS[Role.ADMIN]
    only_admin = {access.MANAGE_USERS, access.EDIT_RULES, access.ROTATE_PII_KEYS}
    for role, perms in ROLE_PERMISSIONS.items():
        assert role == Role.ADMIN or not perms & only_admin


def test_an_inactive_user_may_do_nothing(branch_officer_kukar: User) -> None:
    branch_officer_kukar.is_active = False
    assert access.permissions_of(branch_officer_kukar) == frozenset()
    assert access.scope(branch_officer_kukar, Worker.objects.all()).query.is_empty()
    with pytest.raises(PermissionDenied, match=r"^permission required: registry\.view_worker$"):
        access.require(branch_officer_kukar, access.VIEW_WORKER)


@pytest.mark.parametrize(
    ("persona", "code", "ok"),
    [
        ("branch_officer_kukar", "6402012001", True),
        ("branch_officer_kukar", "6112012001", False),
        ("village_officer_sungai_raya", "6112012001", True),
        ("village_officer_sungai_raya", "6112012002", False),
        ("admin", "6112012002", True),
    ],
)
def test_require_region(persona: str, code: str, ok: bool, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(persona)
    if ok:
        access.require_region(actor, code)
    else:
        with pytest.raises(ValidationError) as exc:
            access.require_region(actor, code, field="village")
        assert exc.value.errors == {
            "village": ["Wilayah di luar cakupan Anda (outside your region scope)"]
        }


def test_get_checks_the_permission_before_the_row(
    admin: User, dprd_kaltim: User, branch_officer_kubu_raya: User
) -> None:
    worker = worker_register(
        data=WorkerInput("Budi", date(1985, 8, 12), "L", "6402012001"), actor=admin
    )
    with pytest.raises(PermissionDenied):
        access.get(dprd_kaltim, access.VIEW_WORKER, Worker.objects.all(), pk=10**9)
    answers = []
    for pk in (worker.pk, 10**9, "not-a-number"):
        with pytest.raises(NotFound) as exc:
            access.get(branch_officer_kubu_raya, access.VIEW_WORKER, Worker.objects.all(), pk=pk)
        answers.append(exc.value.as_dict())
    assert answers == [{"code": "not_found", "message": "worker not found", "field": None}] * 3
    assert access.in_scope(admin, worker)
    assert not access.in_scope(branch_officer_kubu_raya, worker)


def test_scope_needs_scope_paths(admin: User) -> None:
    with pytest.raises(TypeError, match="Region declares no scope_paths"):
        access.scope(admin, Region.objects.all())


def test_an_organisation_user_without_a_path_sees_nothing(
    make_user: Callable[..., User], admin: User
) -> None:
    worker_register(data=WorkerInput("Budi", date(1985, 8, 12), "L", "6402012001"), actor=admin)
    sponsor = make_user("donatur", Role.SPONSOR, "", "sponsor", 7)
    assert list(access.scope(sponsor, Worker.objects.all())) == []
    assert list(access.scope(admin, Worker.objects.all()).values_list("full_name", flat=True)) == [
        "Budi"
    ]
