"""SIGKILL a `lindungi bill` midway: nothing is left half-written, and billing again gives
exactly the invoices, lines and charges of an uninterrupted run on identical data.

Each database is built from scratch by subprocesses (migrate, reference data, a population),
then copied: a SQLite file, or a PostgreSQL database (on the server of DATABASE_URL) used as
a template. The killed run pauses through the engine's test hook after its first chunk of
lines, before the commit.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from lindungi.contributions.billing.engine import PAUSE_ENV

pytestmark = pytest.mark.slow
LINDUNGI = str(Path(sys.executable).with_name("lindungi"))
POPULATION = """
from datetime import date
from lindungi.registry.models import Employer, Membership, Payer, Worker
from lindungi.reference.models import Region
village = Region.objects.filter(level=4).order_by("code").values_list("code", flat=True)[0]
workers = Worker.objects.bulk_create(
    Worker(full_name=f"W{i}", name_search=f"w{i}", birth_date=date(1990, 1, 1), sex="L",
           village_id=village) for i in range(240))
payers = []
for i in range(6):
    e = Employer.objects.create(npp=f"E{i:07d}", name=f"PT {i}", kbli="14111",
                                size_class="medium", jkk_risk_group=i % 5 + 1, village_id=village)
    payers.append(Payer.objects.create(kind="employer", employer=e, label=e.name))
own = [Payer.objects.create(kind="self", worker=w, label=w.full_name) for w in workers[180:]]
Membership.objects.bulk_create(
    [Membership(worker=w, segment="PU", payer=payers[i % 6], jht=True, jp=i % 2 == 0,
                declared_wage=3_000_000 + i * 77_777, start=date(2026, 1, 1))
     for i, w in enumerate(workers[:180])]
    + [Membership(worker=w, segment="BPU", payer=p, jht=i % 3 == 0,
                  declared_wage=1_000_000 + i * 10_001, start=date(2026, 1, 1))
       for i, (w, p) in enumerate(zip(workers[180:], own))])
"""
SNAPSHOT = {
    "invoices": "SELECT payer_id, kind, total, due_date, region_code, number FROM "
    "contributions_invoice",
    "lines": "SELECT i.payer_id, l.membership_id, l.programme, l.employer_share, "
    "l.worker_share, l.amount, l.is_adjustment FROM contributions_invoiceline l "
    "JOIN contributions_invoice i ON i.id = l.invoice_id",
    "charges": "SELECT payer_id, kind, amount FROM contributions_ledgerentry",
    "accounts": "SELECT id, virtual_account FROM registry_payer",
    "billed": "SELECT id, payer_id, signature FROM contributions_billedmonth",
}


def _env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, **extra}


def _prepare(url: str) -> None:
    for args in (
        [LINDUNGI, "migrate"],
        [LINDUNGI, "load-reference"],
        [sys.executable, "-c", f"import django; django.setup()\n{POPULATION}"],
    ):
        env = _env(url, DJANGO_SETTINGS_MODULE="lindungi.settings")
        subprocess.run(args, env=env, check=True, capture_output=True, timeout=300)  # noqa: S603


def _bill(url: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [LINDUNGI, "bill", "--month", "2026-11", "--json", "--chunk-size", "40"],
        env=_env(url, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_midway(url: str) -> None:
    process = _bill(url, **{PAUSE_ENV: "120"})
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "paused before commit" in line:
            break
    assert any("tagihan: lines" in s for s in seen), "".join(seen)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _finish(url: str) -> None:
    process = _bill(url)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err


def _normalise(rows: list[tuple[Any, ...]], table: str) -> list[tuple[Any, ...]]:
    if table == "invoices":  # the number ends with the run id, which differs
        rows = [(*row[:5], row[5].rsplit("-", 1)[0]) for row in rows]
    return sorted(tuple(str(v) for v in row) for row in rows)


def _snapshot(query: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {table: _normalise(query(sql), table) for table, sql in SNAPSHOT.items()}


def _sqlite_query(path: Path) -> Any:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute(sql).fetchall()

    return query


def _pg_query(url: str) -> Any:
    import psycopg

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as conn:
            return conn.execute(sql).fetchall()

    return query


def _check(killed: str, intact: str, query: Any, intact_query: Any) -> None:
    _kill_midway(killed)
    assert query("SELECT COUNT(*) FROM contributions_invoice")[0][0] == 0
    assert query("SELECT COUNT(*) FROM contributions_invoiceline")[0][0] == 0
    assert query("SELECT status FROM contributions_billingrun") == [("running",)]
    _finish(killed)
    _finish(intact)
    after, expected = _snapshot(query), _snapshot(intact_query)
    assert after == expected
    assert len(after["lines"]) > 200  # several chunks of 40 memberships were billed


def test_sigkill_on_sqlite(tmp_path: Path) -> None:
    killed, intact = tmp_path / "killed.sqlite3", tmp_path / "intact.sqlite3"
    _prepare(f"sqlite:///{killed}")
    shutil.copy(killed, intact)
    if Path(f"{killed}-wal").exists():
        shutil.copy(f"{killed}-wal", f"{intact}-wal")
    _check(
        f"sqlite:///{killed}",
        f"sqlite:///{intact}",
        _sqlite_query(killed),
        _sqlite_query(intact),
    )


@pytest.fixture
def pg_server() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL run: DATABASE_URL=postgres://… pytest")
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def test_sigkill_on_postgres(pg_server: str) -> None:
    import psycopg

    name = f"bill_kill_{uuid.uuid4().hex[:8]}"
    names = (name, f"{name}_intact")
    try:
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        _prepare(f"{pg_server}/{name}")
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {names[1]} TEMPLATE {name}")
        urls = [f"{pg_server}/{n}" for n in names]
        _check(urls[0], urls[1], _pg_query(urls[0]), _pg_query(urls[1]))
    finally:
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
            for n in names:
                conn.execute(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)")
