"""`lindungi token issue`: the secret is printed once and then authenticates against the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from django.test import Client

from lindungi.accounts.models import ApiToken, User
from lindungi.cli import main
from lindungi.core.models import AuditEvent

Api = Any  # conftest.Api, handed out by the api_as / api_client / anonymous fixtures


def test_issue_prints_the_secret_once_as_json(
    branch_officer_kukar: User, api_client: Callable[..., Any]
) -> None:
    result = CliRunner().invoke(
        main,
        ["token", "issue", "cabang_kukar", "--name", "SIAK", "--expires", "2099-01-01", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    token = ApiToken.objects.get()
    assert data == {
        "id": token.pk,
        "user": "cabang_kukar",
        "name": "SIAK",
        "prefix": data["secret"][4:12],
        "expires_at": "2099-01-01T00:00:00+07:00",
        "secret": data["secret"],
    }
    assert data["secret"].startswith("lgi_")
    assert token.expires_at == datetime(2099, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert data["secret"] not in token.digest
    assert AuditEvent.objects.filter(action="token.issue", object_id=str(token.pk)).exists()
    me = api_client(Client(), data["secret"]).get("/me")
    assert me.json()["username"] == "cabang_kukar"


def test_issue_prints_text_by_default(branch_officer_kukar: User) -> None:
    result = CliRunner().invoke(main, ["token", "issue", "cabang_kukar", "--name", "SIAK"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    token = ApiToken.objects.get()
    assert lines[0] == f"Token SIAK ({token.prefix}…) for cabang_kukar"
    assert lines[1] == "Secret (shown once, store it now):"
    assert lines[2].startswith("lgi_" + token.prefix)


def test_issue_for_an_unknown_user_fails_and_creates_nothing(db: None) -> None:
    result = CliRunner().invoke(main, ["token", "issue", "nobody", "--name", "SIAK"])
    assert result.exit_code == 1
    assert "no user 'nobody'" in result.output
    assert not ApiToken.objects.exists()
