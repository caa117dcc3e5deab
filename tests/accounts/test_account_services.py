"""accounts: users with a role and a scope, and bearer tokens stored only as digests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from lindungi.accounts.models import ApiToken, User
from lindungi.accounts.services import token_authenticate, token_issue, user_create
from lindungi.core.access import OrgKind, Role
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> tuple[int, int, int]:
    return User.objects.count(), ApiToken.objects.count(), AuditEvent.objects.count()


def test_user_create_stores_role_and_scope_and_audits(admin: User) -> None:
    user = user_create(
        username="cabang_berau",
        password=PASSWORD,
        role=Role.BRANCH_OFFICER,
        region_scope="64.03, 6405",
        full_name="Cabang Berau",
        actor=admin,
    )
    user.refresh_from_db()
    assert (user.role, user.region_prefixes, user.organisation) == (
        "branch_officer",
        ("6403", "6405"),
        ("", None),
    )
    assert (user.is_staff, user.is_superuser, str(user)) == (False, False, "Cabang Berau")
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert (event.actor_id, event.after) == (
        admin.pk,
        {"username": "cabang_berau", "role": "branch_officer", "region_scope": "64.03, 6405"},
    )
    assert PASSWORD not in str(event.after)


def test_an_administrator_gets_admin_site_rights(admin: User) -> None:
    assert (admin.is_staff, admin.is_superuser, admin.region_prefixes) == (True, True, ())


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"role": "lurah"}, {"role": ["unknown role 'lurah'"]}),
        ({"username": " "}, {"username": ["Wajib diisi (required)"]}),
        (
            {"username": "admin_pusat"},
            {"username": ["Nama pengguna 'admin_pusat' sudah dipakai (already taken)"]},
        ),
        (
            {"region_scope": "64,Kaltim"},
            {"region_scope": ["Kode wilayah harus 2, 4, 6 atau 10 angka (region code prefixes)"]},
        ),
        (
            {"region_scope": "640"},
            {"region_scope": ["Kode wilayah harus 2, 4, 6 atau 10 angka (region code prefixes)"]},
        ),
        (
            {"organisation_kind": "koperasi"},
            {"organisation_kind": ["unknown organisation kind 'koperasi'"]},
        ),
        (
            {"organisation_kind": OrgKind.EMPLOYER},
            {
                "organisation_id": [
                    "Jenis dan nomor organisasi diisi bersama (kind and id together)"
                ]
            },
        ),
        (
            {"organisation_id": 5},
            {
                "organisation_id": [
                    "Jenis dan nomor organisasi diisi bersama (kind and id together)"
                ]
            },
        ),
    ],
)
def test_user_create_refuses_bad_fields(
    kwargs: dict[str, Any], errors: dict[str, list[str]], admin: User
) -> None:
    values: dict[str, Any] = {"username": "baru", "password": PASSWORD, "role": Role.SPONSOR}
    before = counts()
    with pytest.raises(ValidationError) as exc:
        user_create(**(values | kwargs), actor=admin)
    assert exc.value.errors == errors
    assert counts() == before


@pytest.mark.parametrize("persona", ["branch_officer_kukar", "auditor", "dprd_kaltim"])
def test_only_administrators_create_users(persona: str, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied, match=r"accounts\.manage_users"):
        user_create(username="baru", password=PASSWORD, role=Role.ADMIN, actor=actor)
    assert counts() == before


@pytest.fixture
def issued(branch_officer_kukar: User) -> tuple[ApiToken, str]:
    return token_issue(user=branch_officer_kukar, name="sistem desa", actor=branch_officer_kukar)


def test_token_is_stored_as_a_digest_only(
    issued: tuple[ApiToken, str], branch_officer_kukar: User
) -> None:
    token, secret = issued
    assert secret.startswith("lgi_")
    assert (token.prefix, token.digest) == (
        secret[4:12],
        hashlib.sha256(secret.encode()).hexdigest(),
    )
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    event = AuditEvent.objects.get(action="token.issue")
    assert event.after == {"user": "cabang_kukar", "name": "sistem desa"}
    assert token_authenticate(secret) == branch_officer_kukar
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t, u: ApiToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()),
        lambda t, u: ApiToken.objects.filter(pk=t.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        ),
        lambda t, u: User.objects.filter(pk=u.pk).update(is_active=False),
    ],
    ids=["revoked", "expired", "inactive-user"],
)
def test_a_spoilt_token_authenticates_nobody(
    spoil: Callable[[ApiToken, User], object],
    issued: tuple[ApiToken, str],
    branch_officer_kukar: User,
) -> None:
    token, secret = issued
    spoil(token, branch_officer_kukar)
    assert token_authenticate(secret) is None
    assert token_authenticate(secret + "x") is None


def test_a_token_for_someone_else_needs_manage_users(
    branch_officer_kukar: User, planner_kukar: User, admin: User
) -> None:
    issue = partial(token_issue, user=planner_kukar, name="x")
    before = counts()
    with pytest.raises(PermissionDenied):
        issue(actor=branch_officer_kukar)
    assert counts() == before
    token, _ = issue(actor=admin)
    assert token.user_id == planner_kukar.pk
