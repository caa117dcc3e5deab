"""Setting up and serving: migrate, serve, demo."""

from __future__ import annotations

import click
from django.core.management import call_command

from lindungi.cli import main


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    call_command("migrate", interactive=False, verbosity=1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app and API with waitress (works on Linux and Windows offices)."""
    from django.conf import settings
    from waitress import serve as waitress_serve

    from lindungi.wsgi import application

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo(f"Lindungi at http://{host}:{port}/ (Ctrl+C to stop)")
    waitress_serve(application, host=host, port=port, threads=threads)
