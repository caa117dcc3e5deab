"""Writes on users and tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import ApiToken, User
from lindungi.core import access, audit
from lindungi.core.access import Actor, OrgKind, Role
from lindungi.core.errors import ValidationError


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_user(
    *,
    username: str,
    role: str,
    region_scope: str,
    organisation_kind: str,
    organisation_id: int | None,
) -> None:
    """Every field problem at once, before the database would refuse half of them."""
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Wajib diisi (required)"
    elif User.objects.filter(username=username).exists():
        errors["username"] = f"Nama pengguna '{username}' sudah dipakai (already taken)"
    if role not in Role.values:
        errors["role"] = f"unknown role '{role}'"
    prefixes = [p.strip().replace(".", "") for p in region_scope.split(",") if p.strip()]
    if any(not p.isdigit() or len(p) not in (2, 4, 6, 10) for p in prefixes):
        errors["region_scope"] = "Kode wilayah harus 2, 4, 6 atau 10 angka (region code prefixes)"
    if organisation_kind not in OrgKind.values:
        errors["organisation_kind"] = f"unknown organisation kind '{organisation_kind}'"
    elif bool(organisation_kind) != (organisation_id is not None):
        errors["organisation_id"] = (
            "Jenis dan nomor organisasi diisi bersama (kind and id together)"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region_scope: str = "",
    organisation_kind: str = "",
    organisation_id: int | None = None,
    full_name: str = "",
    actor: Actor | None,
) -> User:
    """Create a login with its role and scope; audited; an unknown role is refused."""
    if actor is not None:
        access.require(actor, access.MANAGE_USERS)
    _check_user(
        username=username,
        role=role,
        region_scope=region_scope,
        organisation_kind=organisation_kind,
        organisation_id=organisation_id,
    )
    user = User(
        username=username,
        role=role,
        region_scope=region_scope,
        organisation_kind=organisation_kind,
        organisation_id=organisation_id,
        full_name=full_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "region_scope": region_scope},
    )
    return user


@transaction.atomic
def token_issue(
    *, user: User, name: str, expires_at: datetime | None = None, actor: Actor | None
) -> tuple[ApiToken, str]:
    """Issue a bearer token; returns the row and the secret, which is never stored."""
    if actor is not None and actor.pk != user.pk:
        access.require(actor, access.MANAGE_USERS)
    secret = "lgi_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[4:12], digest=_digest(secret), expires_at=expires_at
    )
    audit.record(
        actor=actor, action="token.issue", obj=token, after={"user": user.username, "name": name}
    )
    return token, secret


def token_authenticate(secret: str) -> User | None:
    """The active user behind a live token, or None; marks the token used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
