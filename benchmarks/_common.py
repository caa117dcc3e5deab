"""Shared set-up for the benchmarks: a dedicated database, never the developer's.

DATABASE_URL picks the engine only. PostgreSQL: the benchmark connects to the same server but
to its own database (`bench`, and `bench_orm` for the ORM baseline), created if missing and
recreated with --fresh. SQLite (or no DATABASE_URL): a file in a new temporary directory, or
the file given with --sqlite-file so a loaded database can be reused between runs.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SRC = Path(__file__).resolve().parent.parent / "src"


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))


def postgres_database(url: str, name: str, *, fresh: bool) -> str:
    """The URL of database `name` on the server of `url`, created (or recreated) as needed."""
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def choose_database(name: str, *, fresh: bool, sqlite_file: str | None) -> str:
    """Point DATABASE_URL at a benchmark database before Django starts; returns a label."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = postgres_database(url, name, fresh=fresh)
        return f"postgresql database {name}"
    if sqlite_file:
        path = Path(sqlite_file).resolve()
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        path = Path(tempfile.mkdtemp(prefix="lindungi-bench-")) / f"{name}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("LINDUNGI_DATA_DIR", str(path.parent))
    return f"sqlite file {path}"


def setup_django() -> None:
    """Start Django, migrate and load the reference data (idempotent)."""
    # Debug off, as in production: the debug cursor logs every statement (on SQLite it also
    # quotes each one's parameters with an extra query), which would weigh on the row-by-row
    # baselines and the set-based paths alike, and on neither in a real office.
    os.environ.setdefault("LINDUNGI_DEBUG", "0")
    sys.path.insert(0, str(SRC))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungi.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from lindungi.reference.services import reference_load

    reference_load(actor=None)


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs,"
        f" load average {load:.2f} at start"
    )


class Stopwatch:
    """with Stopwatch() as sw: ...; sw.seconds"""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *_: Any) -> None:
        self.seconds = time.perf_counter() - self._start


def rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "n/a"
