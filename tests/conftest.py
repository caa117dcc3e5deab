"""Shared fixtures: reference data loaded once per test database, and one user per persona."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from lindungi.accounts.models import User
from lindungi.accounts.services import user_create
from lindungi.core.access import OrgKind, Role

PASSWORD = "rahasia-uji-123"  # test-only password


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the vendored regions, occupations and rule tables once for the whole session."""
    from lindungi.reference.services import reference_load

    with django_db_blocker.unblock():
        reference_load(actor=None)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request through LocaleMiddleware leaves its language active in the thread; a later
    # test on the same xdist worker would otherwise read English messages.
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Persona fixtures hash a password each; the production hasher costs ~1 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        username: str,
        role: str,
        region_scope: str = "",
        organisation_kind: str = "",
        organisation_id: int | None = None,
    ) -> User:
        return user_create(
            username=username,
            password=PASSWORD,
            role=role,
            region_scope=region_scope,
            organisation_kind=organisation_kind,
            organisation_id=organisation_id,
            full_name=username.replace("_", " ").title(),
            actor=None,
        )

    return make


# One fixture per persona of DESIGN.md §2, scoped as that person would be.
@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin_pusat", Role.ADMIN)


@pytest.fixture
def branch_officer_kukar(make_user: Callable[..., User]) -> User:
    return make_user("cabang_kukar", Role.BRANCH_OFFICER, "6402")


@pytest.fixture
def branch_officer_kubu_raya(make_user: Callable[..., User]) -> User:
    return make_user("cabang_kubu_raya", Role.BRANCH_OFFICER, "6112")


@pytest.fixture
def compliance_officer_kaltim(make_user: Callable[..., User]) -> User:
    return make_user("kepatuhan_kaltim", Role.COMPLIANCE_OFFICER, "64")


@pytest.fixture
def labour_inspector_kaltim(make_user: Callable[..., User]) -> User:
    return make_user("pengawas_kaltim", Role.LABOUR_INSPECTOR, "64")


@pytest.fixture
def planner_kukar(make_user: Callable[..., User]) -> User:
    return make_user("disnaker_kukar", Role.REGIONAL_PLANNER, "6402")


@pytest.fixture
def village_officer_sungai_raya(make_user: Callable[..., User]) -> User:
    return make_user("desa_sungai_raya", Role.VILLAGE_OFFICER, "6112012001")


@pytest.fixture
def sponsor_csr(make_user: Callable[..., User]) -> User:
    return make_user("csr_mitra", Role.SPONSOR, "", OrgKind.SPONSOR, 1)


@pytest.fixture
def dprd_kaltim(make_user: Callable[..., User]) -> User:
    return make_user("dprd_kaltim", Role.DPRD, "64")


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user("auditor_pusat", Role.AUDITOR)
