"""API: who am I, and what may I do."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from lindungi.accounts.models import User
from lindungi.core import access

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    region_scope: list[str]
    organisation_kind: str
    organisation_id: int | None
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The calling user, its scope and permissions")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)  # set by the API's token or session authentication
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        region_scope=list(user.region_prefixes),
        organisation_kind=user.organisation_kind,
        organisation_id=user.organisation_id,
        permissions=sorted(access.permissions_of(user)),
    )
