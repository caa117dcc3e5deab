"""API tokens for systems that call /api/v1/: the secret is printed once and never stored."""

from __future__ import annotations

from datetime import date, datetime, time

import click
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.services import token_issue
from lindungi.cli import emit, main


@main.group()
def token() -> None:
    """Bearer tokens for the REST API (Authorization: Bearer lgi_...)."""


def _expiry(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@token.command("issue")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for, e.g. 'SIAK sync'.")
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last valid day is the day before this date (YYYY-MM-DD); default: never.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def issue(username: str, name: str, expires: datetime | None, as_json: bool) -> None:
    """Issue a token acting as USERNAME; the secret is shown only this once."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user '{username}'")
    if not user.is_active:
        raise click.ClickException(f"user '{username}' is not active")
    row, secret = token_issue(
        user=user, name=name, expires_at=_expiry(expires.date() if expires else None), actor=None
    )
    data = {
        "id": row.pk,
        "user": user.username,
        "name": row.name,
        "prefix": row.prefix,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "secret": secret,
    }

    def human() -> None:
        click.echo(f"Token {row.name} ({row.prefix}…) for {user.username}")
        if row.expires_at:
            click.echo(f"Expires: {row.expires_at:%Y-%m-%d %H:%M %Z}")
        click.echo("Secret (shown once, store it now):")
        click.echo(secret)

    emit(data, as_json=as_json, human=human)
