"""Benchmark of "eligible still unprotected, by region" against a per-village ORM count.

    python benchmarks/bench_unprotected.py --workers 2000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        python benchmarks/bench_unprotected.py --workers 2000000   # database h_unprot_bench

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`h_unprot_bench` on the server of DATABASE_URL, dropped and created), loads the reference data
and generates N workers set-based in SQL in 200 villages of Kutai Kartanegara: deciles 1-10,
birth years 1960-2004 with 2 % children, 1 % deceased, 2.5 % RT heads, occupations for 90 %;
10 % wage earners (PU), 5 % self-paying BPU members (protected), 5 % whose BPU membership
ended before the month (unprotected again). Then it times `programs.unprotected
.unprotected_by_region` (one GROUP BY over the registry, plus the planner's cost) for the
regency (its districts), one district (its villages) and, as a national user, Indonesia (the
provinces), each with and without target groups (deciles 1-4, age 18-60), --repeat times each.

BASELINE: the same regency figures as a Python loop over its villages with one ORM count per
village (the target groups and the three exclusions as `exclude(id__in=…)` subqueries), summed
per district; it must give the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

DB = "h_unprot_bench"
MONTH = date(2027, 1, 1)
SERIES = {
    "postgresql": "SELECT generate_series(1, %s) AS n",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
    "SELECT n FROM s",
}
BIRTH = {  # 1 January of 1960 + n % 45, or 2012 for 2 % (children in 2027)
    "postgresql": "CASE WHEN s.n %% 50 = 7 THEN DATE '2012-01-01' "
    "ELSE make_date(1960 + CAST(s.n %% 45 AS INTEGER), 1, 1) END",
    "sqlite": "CASE WHEN s.n %% 50 = 7 THEN '2012-01-01' "
    "ELSE printf('%%04d-01-01', 1960 + s.n %% 45) END",
}
WORKERS_SQL = """
INSERT INTO registry_worker (id, nik_index, nik_enc, full_name, name_search, birth_place,
    birth_date, sex, village_code, address_line, phone_enc, occupation_id, welfare_decile,
    village_role, source, status, ended_on, merged_into_id, registered_at, updated_at)
SELECT s.n, NULL, NULL, 'Pekerja ' || CAST(s.n AS TEXT), 'pekerja ' || CAST(s.n AS TEXT), '',
       {birth}, CASE WHEN s.n %% 2 = 0 THEN 'L' ELSE 'P' END, v.code, '', NULL,
       CASE WHEN s.n %% 10 = 0 THEN NULL ELSE o.code END, s.n %% 10 + 1,
       CASE WHEN s.n %% 40 = 5 THEN 'ketua_rt' ELSE '' END, 'demo',
       CASE WHEN s.n %% 100 = 99 THEN 'deceased' ELSE 'active' END,
       CASE WHEN s.n %% 100 = 99 THEN %s END, NULL, %s, %s
FROM _seq s JOIN _vil v ON v.i = s.n %% %s JOIN _occ o ON o.i = s.n %% %s
"""
VILLAGES_SQL = (
    "SELECT code FROM reference_region WHERE level = 4 AND code LIKE '6402%%' "
    "ORDER BY code LIMIT 200"
)
MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT s.n, CASE WHEN s.n %% 20 < 2 THEN 'PU' ELSE 'BPU' END,
       CASE WHEN s.n %% 20 < 2 THEN %s ELSE %s END, TRUE, TRUE, FALSE, FALSE, FALSE,
       CASE WHEN s.n %% 20 < 2 THEN 4000000 ELSE 1000000 END, %s,
       CASE WHEN s.n %% 20 = 3 THEN %s END, CASE WHEN s.n %% 20 = 3 THEN 'lapsed' ELSE '' END,
       NULL, %s
FROM _seq s WHERE s.n %% 20 < 4
"""


def _database(url: str | None, *, reuse: str) -> tuple[str, str]:
    """(DATABASE_URL for the benchmark, label): never the caller's own database. With `reuse`
    (PostgreSQL: any value; SQLite: the file) a database left by --keep is used as it is."""
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            if not reuse:
                conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {DB}")
        return f"{server}/{DB}", "PostgreSQL"
    if reuse:
        return f"sqlite:///{Path(reuse).resolve()}", "SQLite"
    path = Path(tempfile.mkdtemp(prefix="bench_unprotected_")) / "bench.sqlite3"
    return f"sqlite:///{path}", "SQLite"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from lindungi.reference.services import reference_load

    call_command("migrate", interactive=False, verbosity=0)
    reference_load(actor=None)


def _generate(n: int) -> None:
    """N workers in 200 villages of Kutai Kartanegara and their memberships, in SQL."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.registry.models import Employer, Payer, Worker

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cur:
        employer = Employer.objects.create(
            npp="E0000001",
            name="PT Contoh",
            size_class="medium",
            jkk_risk_group=1,
            village_id="6402012001",
        )
        pu = Payer.objects.create(kind="employer", employer=employer, label="PT Contoh")
        own = Payer.objects.create(kind="program", label="Mandiri (kolektif)")
        cur.execute("CREATE TEMP TABLE _seq (n BIGINT PRIMARY KEY)")
        cur.execute(f"INSERT INTO _seq {SERIES[connection.vendor]}", [n])
        villages = _numbered(cur, "_vil", VILLAGES_SQL)
        occupations = _numbered(cur, "_occ", "SELECT code FROM reference_occupation ORDER BY code")
        day = ops.adapt_datefield_value
        sql = WORKERS_SQL.format(birth=BIRTH[connection.vendor])
        cur.execute(sql, [day(date(2026, 1, 1)), now, now, villages, occupations])
        since, lapsed = day(date(2025, 1, 1)), day(date(2026, 6, 1))
        cur.execute(MEMBERSHIPS_SQL, [pu.pk, own.pk, since, lapsed, now])
        for statement in ops.sequence_reset_sql(no_style(), [Worker]):
            cur.execute(statement)
        cur.execute("DROP TABLE _seq")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def _numbered(cur: Any, table: str, select: str) -> int:
    cur.execute(select)
    codes = [row[0] for row in cur.fetchall()]
    cur.execute(f"CREATE TEMP TABLE {table} (i INTEGER PRIMARY KEY, code VARCHAR(32))")
    rows = list(enumerate(codes))
    cur.executemany(f"INSERT INTO {table} VALUES (%s, %s)", rows)  # noqa: S608 (a constant)
    return len(codes)


def _users() -> dict[str, Any]:
    """A regency planner of Kutai Kartanegara and a national administrator (kept when reused)."""
    from lindungi.accounts.models import User
    from lindungi.accounts.services import user_create
    from lindungi.core.access import Role

    wanted = {
        "planner": ("disnaker", Role.REGIONAL_PLANNER, "6402"),
        "admin": ("pusat", Role.ADMIN, ""),
    }
    users = {}
    for key, (name, role, scope) in wanted.items():
        users[key] = User.objects.filter(username=name).first() or user_create(
            username=name, password="x" * 12, role=role, region_scope=scope, actor=None
        )
    return users


REGENCY = "regency 6402 (districts)"
CASES = {  # label: (persona, region, target groups)
    REGENCY: ("planner", "6402", {}),
    "regency, deciles 1-4, age 18-60": (
        "planner",
        "6402",
        {"deciles": [1, 2, 3, 4], "max_age": 60},
    ),
    "district 640201 (villages)": ("planner", "640201", {}),
    "Indonesia (provinces), national user": ("admin", "", {}),
}


def _time_cases(users: dict[str, Any], repeat: int) -> dict[str, Any]:
    from django.utils import timezone

    from lindungi.programs.unprotected import _count, query_from, unprotected_by_region

    results: dict[str, Any] = {}
    for label, (persona, region, targets) in CASES.items():
        query = query_from(region=region, month=MONTH, today=timezone.localdate(), **targets)
        seconds, statement, found = [], [], None
        for _ in range(repeat):
            started = time.perf_counter()
            found = unprotected_by_region(actor=users[persona], query=query)
            seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            _count(found.query)  # the GROUP BY alone, without names and the planner's costs
            statement.append(time.perf_counter() - started)
        assert found is not None
        results[label] = {
            "rows": len(found.rows),
            "target": found.place.target,
            "unprotected": found.place.unprotected,
            "cost": found.plan.cost,
            "seconds": [round(s, 3) for s in seconds],
            "median_seconds": round(statistics.median(seconds), 3),
            "group_by_median_seconds": round(statistics.median(statement), 3),
            "by_district": {r.code: r.unprotected for r in found.rows if r.unprotected},
        }
        print(f"{label}: {results[label]['median_seconds']} s (median)", file=sys.stderr)
    return results


def _baseline() -> tuple[float, dict[str, int]]:
    """Per village of the regency one ORM count of its unprotected workers (the exclusions as
    correlated NOT EXISTS, the ORM's anti-join), summed per district."""
    from django.db.models import Exists, OuterRef

    from lindungi.programs import rules
    from lindungi.programs.models import Beneficiary
    from lindungi.reference.models import Region
    from lindungi.registry.models import Membership, Worker

    start, end = rules.period(MONTH, 1)
    latest, _earliest = rules.birth_bounds(MONTH, 18, None)
    overlapping = Membership.objects.filter(worker=OuterRef("pk"), start__lt=end).exclude(
        end__lte=start
    )
    sponsored = Beneficiary.objects.filter(worker=OuterRef("pk"), start__lt=end, end__gt=start)
    started = time.perf_counter()
    per_district: Counter[str] = Counter()
    for village in Region.objects.filter(level=4, code__startswith="6402").order_by("code"):
        count = (
            Worker.objects.filter(village=village, status="active", birth_date__lte=latest)
            .exclude(Exists(overlapping.filter(segment="PU")))
            .exclude(Exists(overlapping.filter(jkk=True)))
            .exclude(Exists(sponsored))
            .count()
        )
        per_district[village.code[:6]] += count
    return time.perf_counter() - started, {k: v for k, v in per_district.items() if v}


def _explain() -> str:
    """PostgreSQL's plan of the regency statement, with its timings."""
    from django.db import connection, transaction

    from lindungi.programs.unprotected import count_sql, query_from

    if connection.vendor != "postgresql":
        return ""
    sql, params, _reasons = count_sql(query_from(region="6402", month=MONTH, today=MONTH))
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--reuse", default="", help="use the database a --keep run left (SQLite: its file)"
    )
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL's plan")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    url, label = _database(os.environ.get("DATABASE_URL"), reuse=args.reuse)
    started = time.perf_counter()
    _setup(url)
    if not args.reuse:
        _generate(args.workers)
    generated = time.perf_counter() - started
    print(f"{label}: {args.workers:,} workers ready in {generated:.1f} s", file=sys.stderr)
    users = _users()
    cases = _time_cases(users, args.repeat)
    base_s, base = _baseline()
    print(f"baseline: {base_s:.2f} s", file=sys.stderr)
    regency = cases[REGENCY]
    assert regency["by_district"] == base, f"baseline disagrees: {regency} != {base}"
    report = {
        "database": label,
        "workers": args.workers,
        "load_average_at_start": round(load, 2),
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "generate_seconds": round(generated, 1),
        "cases": {k: {n: v for n, v in c.items() if n != "by_district"} for k, c in cases.items()},
        "baseline": "one ORM count per village of the regency, summed per district",
        "baseline_seconds": round(base_s, 2),
        "speedup_regency": round(base_s / regency["median_seconds"], 1),
        "figures_agree": True,
    }
    print(json.dumps(report, indent=2))
    if args.explain:
        print(_explain())
    if args.keep or args.reuse:
        print(f"kept {url}", file=sys.stderr)
    else:
        _drop(url)


def _drop(url: str) -> None:
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite:///"):
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
    import psycopg

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
