"""Coverage dashboards served from the facts, against counting memberships on each request.

    /work/venv/bin/python benchmarks/bench_dashboard.py                       # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        /work/venv/bin/python benchmarks/bench_dashboard.py            # database bench_dashboard

It builds its own database (`_common.choose_database`: a SQLite file in a temporary directory,
or PostgreSQL database `bench_dashboard`), loads the reference data and generates, set-based in
SQL, --workers workers spread over every village of Kalimantan Timur (1,038) and --memberships
memberships (60 % PU over N/20 employers, 35 % BPU paying themselves with a fifth of them
lapsed, 5 % JAKON; one in 17 ended in August), then:

1. builds the facts for --months months (`facts_rebuild`), timed;
2. times the province dashboard (/analytics/64/) and a village drill-down
   (/analytics/<village>/) through Django's test client as an administrator, --repeat times
   each: median and p95, with the number of SQL statements;
3. BASELINE: the same headline figures counted straight from memberships on each request (the
   facts' own active-worker statement over the province's or the village's workers, then the
   drill-down and segment counts), --baseline-repeat times;
4. an incremental refresh after --changes memberships end in --changes villages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import choose_database, machine, setup_django

MONTH = date(2026, 10, 1)
SERIES = {
    "postgresql": "SELECT generate_series(1, %s) AS n",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
    "SELECT n FROM s",
}
STARTS = (date(2019, 3, 1), date(2023, 7, 15), date(2025, 1, 1), date(2026, 2, 10))
PAID = (date(2026, 12, 1), date(2026, 11, 1), date(2026, 10, 1), date(2026, 9, 1), date(2026, 5, 1))

WORKERS_SQL = """
INSERT INTO registry_worker (id, nik_index, nik_enc, full_name, name_search, birth_place,
    birth_date, sex, village_code, address_line, phone_enc, occupation_id, welfare_decile,
    village_role, source, status, ended_on, merged_into_id, registered_at, updated_at)
SELECT s.n, NULL, NULL, 'Pekerja', 'pekerja', '', b.day,
       CASE WHEN s.n %% 2 = 0 THEN 'L' ELSE 'P' END, v.code, '', NULL, o.code, s.n %% 10 + 1,
       CASE WHEN s.n %% 150 = 0 THEN 'perangkat_desa' ELSE '' END,
       'demo', 'active', NULL, NULL, %(now)s, %(now)s
  FROM _seq s
  JOIN _vil v ON v.i = s.n %% %(villages)s
  JOIN _born b ON b.i = s.n %% 40
  JOIN _occ o ON o.i = s.n %% %(occupations)s
"""
EMPLOYERS_SQL = """
INSERT INTO registry_employer (id, npp, nib, name, kbli, size_class, jkk_risk_group,
    village_code, address_line, contact_name, contact_phone, contact_email, active,
    registered_at, updated_at)
SELECT s.n, 'E' || CAST(s.n AS TEXT), NULL, 'PT Contoh', '47111', 'medium', 2, v.code,
       '', '', '', '', TRUE, %(now)s, %(now)s
  FROM _seq s JOIN _vil v ON v.i = s.n %% %(villages)s WHERE s.n <= %(employers)s
"""
PAYERS_SQL = """
INSERT INTO registry_payer (id, kind, employer_id, worker_id, label, virtual_account, created_at)
SELECT s.n, 'employer', s.n, NULL, 'PT', NULL, %(now)s FROM _seq s WHERE s.n <= %(employers)s
"""
SELF_PAYERS_SQL = """
INSERT INTO registry_payer (id, kind, employer_id, worker_id, label, virtual_account, created_at)
SELECT %(employers)s + s.n, 'self', NULL, s.n, 'Mandiri', NULL, %(now)s
  FROM _seq s WHERE s.n <= %(memberships)s AND s.n %% 20 >= 12 AND s.n %% 20 < 19
"""
MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (id, worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT x.n, x.n, x.segment,
       CASE WHEN x.segment = 'BPU' THEN %(employers)s + x.n ELSE (x.n - 1) %% %(employers)s + 1 END,
       TRUE, TRUE, x.segment = 'PU', x.segment = 'PU' AND x.n %% 4 <> 0, x.segment = 'PU',
       CASE WHEN x.segment = 'BPU' THEN 1000000 ELSE 4000000 END,
       st.day, CASE WHEN x.n %% 17 = 0 THEN %(ended)s END,
       CASE WHEN x.n %% 17 = 0 THEN 'resigned' ELSE '' END, NULL, %(now)s
  FROM (SELECT n, CASE WHEN n %% 20 < 12 THEN 'PU' WHEN n %% 20 < 19 THEN 'BPU' ELSE 'JAKON' END
          AS segment FROM _seq WHERE n <= %(memberships)s) x
  JOIN _start st ON st.i = x.n %% 4
"""
PAID_SQL = """
INSERT INTO contributions_paidthrough (membership_id, month, updated_at)
SELECT m.id, p.month, %(now)s FROM registry_membership m JOIN _paid p ON p.i = m.id %% 5
 WHERE m.segment = 'BPU'
"""


def _temp(cur: Any, name: str, values: list[Any], kind: str) -> None:
    cur.execute(f"CREATE TEMP TABLE {name} (i INTEGER PRIMARY KEY, {kind})")
    cur.executemany(f"INSERT INTO {name} VALUES (%s, %s)", list(enumerate(values)))  # noqa: S608


def generate(workers: int, memberships: int) -> dict[str, int]:
    """Workers, employers, payers, memberships and paid-through months, each one statement."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.contributions.models import PaidThrough
    from lindungi.reference.models import Occupation, Region
    from lindungi.registry.models import Employer, Membership, Payer, Worker

    ops = connection.ops
    villages = list(
        Region.objects.filter(level=4, code__startswith="64", historic=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    occupations = list(Occupation.objects.order_by("code").values_list("code", flat=True))
    born = [
        ops.adapt_datefield_value(date(1962, 1, 1) + timedelta(days=397 * k)) for k in range(40)
    ]
    params = {
        "now": ops.adapt_datetimefield_value(timezone.now()),
        "villages": len(villages),
        "occupations": len(occupations),
        "employers": max(1, memberships // 20),
        "memberships": memberships,
        "ended": ops.adapt_datefield_value(date(2026, 8, 1)),
    }
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE _seq (n BIGINT PRIMARY KEY)")
        cur.execute(f"INSERT INTO _seq {SERIES[connection.vendor]}", [workers])
        _temp(cur, "_vil", villages, "code VARCHAR(10)")
        _temp(cur, "_occ", occupations, "code VARCHAR(32)")
        _temp(cur, "_born", born, "day DATE")
        _temp(cur, "_start", [ops.adapt_datefield_value(d) for d in STARTS], "day DATE")
        _temp(cur, "_paid", [ops.adapt_datefield_value(d) for d in PAID], "month DATE")
        for statement in (
            WORKERS_SQL,
            EMPLOYERS_SQL,
            PAYERS_SQL,
            SELF_PAYERS_SQL,
            MEMBERSHIPS_SQL,
            PAID_SQL,
        ):
            cur.execute(statement, params)
        models = [Worker, Employer, Payer, Membership, PaidThrough]
        for sql in ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)
        for name in ("_seq", "_vil", "_occ", "_born", "_start", "_paid"):
            cur.execute(f"DROP TABLE {name}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"workers": workers, "memberships": memberships, "villages": len(villages)}


def _time(fn: Any, repeat: int) -> dict[str, float]:
    fn()  # warm caches and connections
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return {
        "median_ms": round(statistics.median(runs), 1),
        "p95_ms": round(runs[min(len(runs) - 1, int(len(runs) * 0.95))], 1),
        "max_ms": round(runs[-1], 1),
    }


def served(url: str, user: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    with CaptureQueriesContext(connection) as queries:
        get()
    return {"url": url, "queries": len(queries), **_time(get, repeat)}


def baseline(villages: list[str] | None, child_width: int, repeat: int) -> dict[str, Any]:
    """Count straight from memberships: the facts' active-worker statement over the region's
    workers, then the drill-down and segment counts from it (nothing stored)."""
    from django.db import connection

    from lindungi.analytics import facts, sql

    def count() -> None:
        params = facts._params(MONTH)  # the same statement as the facts
        lapsed = sql.LAPSED if params.pop("lapse_on") else "1 = 0"
        where = "1 = 1" if villages is None else sql.VILLAGES[connection.vendor]
        if villages is not None:
            params["villages"] = facts._village_param(villages)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {sql.TMP}")
            cur.execute(
                sql.ACTIVE.format(
                    tmp=sql.TMP,
                    members=sql.MEMBERS_ALL
                    if villages is None
                    else sql.MEMBERS_OF[connection.vendor],
                    villages=where,
                    lapsed=lapsed,
                    age=sql.AGE_BAND,
                ),
                params,
            )
            by_child = f"SELECT substr(village_code, 1, {child_width}), COUNT(*) FROM {sql.TMP}"  # noqa: S608
            cur.execute(by_child + " GROUP BY 1")
            cur.fetchall()
            cur.execute(f"SELECT segment, COUNT(*) FROM {sql.TMP} GROUP BY 1")  # noqa: S608
            cur.fetchall()
            cur.execute(f"DROP TABLE {sql.TMP}")

    return _time(count, repeat)


def refresh_after_changes(changes: int) -> dict[str, Any]:
    """End `changes` memberships, one per village, and queue those villages; time the refresh."""
    from django.db import connection

    from lindungi.analytics import facts
    from lindungi.analytics.models import DirtyVillage

    with connection.cursor() as cur:
        cur.execute(
            "SELECT MIN(m.id), w.village_code FROM registry_membership m "
            'JOIN registry_worker w ON w.id = m.worker_id WHERE m."end" IS NULL '
            "GROUP BY w.village_code ORDER BY w.village_code LIMIT %s",
            [changes],
        )
        picked = cur.fetchall()
        cur.executemany(
            "UPDATE registry_membership SET \"end\" = %s, end_reason = 'resigned' WHERE id = %s",
            [(connection.ops.adapt_datefield_value(date(2026, 9, 20)), mid) for mid, _ in picked],
        )
    DirtyVillage.objects.bulk_create([DirtyVillage(village_code=v) for _, v in picked])
    started = time.perf_counter()
    result = facts.facts_refresh(today=date(2026, 11, 25))
    return {"villages": result.villages, "seconds": round(time.perf_counter() - started, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=3_000_000)
    parser.add_argument("--memberships", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--sqlite-file")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    label = choose_database("bench_dashboard", fresh=True, sqlite_file=args.sqlite_file)
    setup_django()
    from lindungi.accounts.models import User
    from lindungi.analytics import facts
    from lindungi.analytics.models import CoverageFact, OccupationFact, RegionFact

    print(f"{label}; {machine()}", file=sys.stderr)
    started = time.perf_counter()
    data = generate(args.workers, args.memberships)
    generated = time.perf_counter() - started
    print(f"generated {data} in {generated:.1f} s", file=sys.stderr)
    months = [date(2026, 11 - k, 1) for k in range(args.months)]
    started = time.perf_counter()
    facts.facts_rebuild(months=months)
    built = time.perf_counter() - started
    print(f"facts for {len(months)} months in {built:.1f} s", file=sys.stderr)
    admin = User.objects.create_user(username="bench_admin", password=None, role="admin")
    village = (
        CoverageFact.objects.filter(month=MONTH)
        .order_by("village_code")
        .values_list("village_code", flat=True)
        .first()
    )
    month = MONTH.strftime("%Y-%m")
    province = served(f"/analytics/64/?month={month}", admin, args.repeat)
    drill = served(f"/analytics/{village}/?month={month}", admin, args.repeat)
    base_province = baseline(None, 4, args.baseline_repeat)
    base_village = baseline([village], 10, args.baseline_repeat)
    refresh = refresh_after_changes(args.changes)
    report = {
        "database": label,
        **data,
        "generate_seconds": round(generated, 1),
        "facts_months": len(months),
        "facts_build_seconds": round(built, 1),
        "fact_rows": {
            "coverage": CoverageFact.objects.count(),
            "occupation": OccupationFact.objects.count(),
            "region": RegionFact.objects.count(),
        },
        "province_dashboard": province,
        "village_drilldown": drill,
        "baseline_province_count": base_province,
        "baseline_village_count": base_village,
        "speedup_province": round(base_province["median_ms"] / province["median_ms"], 1),
        "speedup_village": round(base_village["median_ms"] / drill["median_ms"], 1),
        "refresh_after_changes": refresh,
    }
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
