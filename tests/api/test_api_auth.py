"""Authentication: bearer tokens for systems, the session (with CSRF) for the web user."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lindungi.accounts.models import ApiToken, User
from lindungi.accounts.services import token_issue
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Worker

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures
BASE = "/api/v1"
KUKAR_VILLAGE = "6402012001"  # Perian, Muara Muntai, Kutai Kartanegara

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "Autentikasi diperlukan (authentication required)",
    "field": None,
}

NEW_WORKER = {
    "full_name": "Ahmad Fauzi",
    "birth_date": "1990-03-04",
    "sex": "L",
    "village_code": KUKAR_VILLAGE,
}

ME_KUKAR = {
    "username": "cabang_kukar",
    "full_name": "Cabang Kukar",
    "role": "branch_officer",
    "region_scope": ["6402"],
    "organisation_kind": "",
    "organisation_id": None,
    "permissions": [
        "analytics.view_aggregates",
        "compliance.view",
        "contributions.record_payment",
        "contributions.run_billing",
        "contributions.view_arrears",
        "contributions.view_billing",
        "contributions.view_payments",
        "ingest.import_list",
        "ingest.review_linkage",
        "ingest.undo_import",
        "ingest.view_imports",
        "programs.enrol",
        "programs.manage_donations",
        "programs.view_donations",
        "programs.view_programme",
        "registry.correct_employer",
        "registry.correct_worker",
        "registry.end_membership",
        "registry.end_worker",
        "registry.merge_worker",
        "registry.register_employer",
        "registry.register_worker",
        "registry.reveal_pii",
        "registry.start_membership",
        "registry.view_employer",
        "registry.view_membership",
        "registry.view_worker",
    ],
}


def test_token_resolves_to_its_user(
    branch_officer_kukar: User, api_client: Callable[..., Any]
) -> None:
    token, secret = token_issue(user=branch_officer_kukar, name="siak", actor=None)
    response = api_client(Client(), secret).get("/me")
    assert response.status_code == 200
    assert response.json() == ME_KUKAR | {"id": branch_officer_kukar.pk}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_session_resolves_to_the_same_user(
    branch_officer_kukar: User, api_client: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(branch_officer_kukar)
    response = api_client(client).get("/me")
    assert response.status_code == 200
    assert response.json() == ME_KUKAR | {"id": branch_officer_kukar.pk}


def _revoked(user: User) -> str:
    token, secret = token_issue(user=user, name="old", actor=None)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    return secret


def _expired(user: User) -> str:
    past = timezone.now() - timedelta(minutes=1)
    return token_issue(user=user, name="old", expires_at=past, actor=None)[1]


def _inactive(user: User) -> str:
    secret = token_issue(user=user, name="old", actor=None)[1]
    User.objects.filter(pk=user.pk).update(is_active=False)
    return secret


@pytest.mark.parametrize(
    "secret_of",
    [
        pytest.param(_revoked, id="revoked"),
        pytest.param(_expired, id="expired"),
        pytest.param(_inactive, id="inactive-user"),
        pytest.param(lambda user: "lgi_" + "x" * 43, id="unknown"),
        pytest.param(lambda user: "", id="empty"),
    ],
)
def test_bad_token_is_401(
    branch_officer_kukar: User, secret_of: Callable[[User], str], api_client: Callable[..., Any]
) -> None:
    response = api_client(Client(), secret_of(branch_officer_kukar)).get("/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_credentials_is_401(anonymous: Api) -> None:
    for response in (anonymous.get("/workers"), anonymous.post("/workers", NEW_WORKER)):
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED


def test_bad_token_does_not_fall_back_to_the_session(
    branch_officer_kukar: User, api_client: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(branch_officer_kukar)
    response = api_client(client, "lgi_unknown").get("/me")
    assert response.status_code == 401


def test_token_write_needs_no_csrf(
    branch_officer_kukar: User, api_client: Callable[..., Any]
) -> None:
    secret = token_issue(user=branch_officer_kukar, name="siak", actor=None)[1]
    api = api_client(Client(enforce_csrf_checks=True), secret)
    response = api.post("/workers", NEW_WORKER)
    assert response.status_code == 201
    assert response.json()["full_name"] == "Ahmad Fauzi"


def test_session_write_without_csrf_is_refused_and_changes_nothing(
    branch_officer_kukar: User,
    counts: Callable[[], dict[str, int]],
    api_client: Callable[..., Any],
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(branch_officer_kukar)
    before = counts()
    response = api_client(client).post("/workers", NEW_WORKER)
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "message": "CSRF check Failed", "field": None}
    assert counts() == before


def test_session_write_with_csrf_token_is_accepted(branch_officer_kukar: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(branch_officer_kukar)
    client.get("/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        BASE + "/workers",
        json.dumps(NEW_WORKER),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201
    worker = Worker.objects.get(pk=response.json()["id"])
    event = AuditEvent.objects.get(action="worker.register", object_id=str(worker.pk))
    assert event.actor_id == branch_officer_kukar.pk
