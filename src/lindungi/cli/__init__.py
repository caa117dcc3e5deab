"""The `lindungi` console script: thin commands over the same services as the web and API."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungi.settings")
    import django

    django.setup()
    from django.conf import settings

    # The default SQLite database and collected static files live here; a fresh clone has none.
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


def emit(data: Any, *, as_json: bool, human: Callable[[], None]) -> None:
    """Print machine-readable JSON or the human form; one switch for every command."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        human()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Lindungi: employment social security for every Indonesian worker."""


def _register() -> None:
    setup_django()
    from lindungi.cli import commands  # noqa: F401  (commands attach themselves to `main`)


_register()

if __name__ == "__main__":
    sys.exit(main())
