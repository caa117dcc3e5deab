"""Production mode refuses to start with the development placeholders (checked in a fresh
interpreter, because settings are read once per process)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

REAL_SECRET = "s" * 50
REAL_PII = "k1:" + base64.b64encode(b"p" * 32).decode()
REAL_INDEX = base64.b64encode(b"i" * 32).decode()
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.PRODUCTION, settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
)


def start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LINDUNGI_") and k not in {"SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean |= {"DJANGO_SETTINGS_MODULE": "lindungi.settings"} | env
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is a development placeholder"),
        ({"SECRET_KEY": REAL_SECRET}, "LINDUNGI_PII_KEYS is a development placeholder"),
        (
            {"SECRET_KEY": REAL_SECRET, "LINDUNGI_PII_KEYS": "dev-insecure-" + REAL_PII},
            "LINDUNGI_PII_KEYS is a development placeholder",
        ),
        (
            {"SECRET_KEY": REAL_SECRET, "LINDUNGI_PII_KEYS": REAL_PII},
            "LINDUNGI_BLIND_INDEX_KEY is a development placeholder",
        ),
        (
            {
                "SECRET_KEY": "",
                "LINDUNGI_PII_KEYS": REAL_PII,
                "LINDUNGI_BLIND_INDEX_KEY": REAL_INDEX,
            },
            "SECRET_KEY is a development placeholder",
        ),
        (
            {
                "SECRET_KEY": "short",
                "LINDUNGI_PII_KEYS": REAL_PII,
                "LINDUNGI_BLIND_INDEX_KEY": REAL_INDEX,
            },
            "SECRET_KEY must be at least 40 characters in production",
        ),
    ],
)
def test_production_refuses_placeholder_secrets(env: dict[str, str], message: str) -> None:
    result = start(LINDUNGI_MODE="production", **env)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: " + message in result.stderr


def test_production_starts_with_real_secrets() -> None:
    result = start(
        LINDUNGI_MODE="production",
        SECRET_KEY=REAL_SECRET,
        LINDUNGI_PII_KEYS=REAL_PII,
        LINDUNGI_BLIND_INDEX_KEY=REAL_INDEX,
    )
    assert (result.returncode, result.stdout) == (0, "True False True\n"), result.stderr


def test_development_starts_with_the_placeholders() -> None:
    result = start()
    assert (result.returncode, result.stdout) == (0, "False True False\n"), result.stderr


def test_an_unknown_mode_is_refused() -> None:
    result = start(LINDUNGI_MODE="staging")
    assert result.returncode != 0
    assert "LINDUNGI_MODE must be 'development' or 'production'" in result.stderr
