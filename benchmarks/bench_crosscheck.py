"""Benchmark of the monthly compliance cross-check against an ORM per-employer loop.

    /work/venv/bin/python benchmarks/bench_crosscheck.py                     # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        /work/venv/bin/python benchmarks/bench_crosscheck.py       # db bench_crosscheck

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`bench_crosscheck`, recreated), loads the reference data and holidays, then generates set-based
in SQL: --employers employers in Kalimantan Timur (size classes micro/small/medium/large in
turn), --memberships active PU memberships spread over them (wages around the UMP, JP missing
for every 4th, JHT for every 7th), one WLKP report per employer for 2026-10 (every 5th reports
3 more workers than it registered, every 6th a higher average wage) plus --unknown reports of
NIBs the registry does not know. It times `crosscheck_run` for 2026-10 (the whole set), a
re-run (idempotent: same counts), and a BASELINE that loops over the first --baseline
employers through the ORM (aggregate queries per employer, `Finding.save()` per finding,
rolled back) extrapolated linearly to --employers.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Stopwatch, choose_database, machine, rate, setup_django

MONTH = date(2026, 10, 1)
SERIES = {
    "postgresql": "SELECT generate_series(1, %s) AS n",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
    "SELECT n FROM s",
}
EMPLOYERS_SQL = """
INSERT INTO registry_employer (id, npp, nib, name, kbli, size_class, jkk_risk_group,
    village_code, address_line, contact_name, contact_phone, contact_email, active,
    registered_at, updated_at)
SELECT s.n, 'B' || CAST(s.n AS TEXT), CAST(9000000000000 + s.n AS TEXT),
       'PT Bench ' || CAST(s.n AS TEXT), '47111',
       CASE s.n %% 4 WHEN 0 THEN 'micro' WHEN 1 THEN 'small' WHEN 2 THEN 'medium' ELSE 'large' END,
       s.n %% 5 + 1, v.code, '', '', '', '', TRUE, %s, %s
FROM _seq s JOIN _vil v ON v.i = s.n %% %s WHERE s.n <= %s
"""
WORKERS_SQL = """
INSERT INTO registry_worker (id, nik_index, nik_enc, full_name, name_search, birth_place,
    birth_date, sex, village_code, address_line, phone_enc, occupation_id, welfare_decile,
    village_role, source, status, ended_on, merged_into_id, registered_at, updated_at)
SELECT s.n, NULL, NULL, 'Pekerja ' || CAST(s.n AS TEXT), 'pekerja ' || CAST(s.n AS TEXT), '',
       %s, CASE WHEN s.n %% 2 = 0 THEN 'L' ELSE 'P' END, v.code, '', NULL, NULL, NULL,
       '', 'demo', 'active', NULL, NULL, %s, %s
FROM _seq s JOIN _vil v ON v.i = s.n %% %s
"""
PAYERS_SQL = """
INSERT INTO registry_payer (id, kind, employer_id, worker_id, label, virtual_account, created_at)
SELECT s.n, 'employer', s.n, NULL, 'PT Bench ' || CAST(s.n AS TEXT), NULL, %s
FROM _seq s WHERE s.n <= %s
"""
MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (id, worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT s.n, s.n, 'PU', (s.n - 1) %% %s + 1, TRUE, TRUE, s.n %% 7 <> 0, s.n %% 4 <> 0, TRUE,
       3000000 + s.n * 7919 %% 4000000, %s, NULL, '', NULL, %s
FROM _seq s
"""
WLKP_SQL = """
INSERT INTO compliance_wlkpreport (source_id, month, ident, nib, npp, workers_male,
    workers_female, total_wages)
SELECT %s, %s, e.npp, '', e.npp, c.n / 2 + CASE WHEN e.id %% 5 = 0 THEN 3 ELSE 0 END,
       c.n - c.n / 2, c.wages * CASE WHEN e.id %% 6 = 0 THEN 2 ELSE 1 END
FROM registry_employer e
JOIN (SELECT payer_id, COUNT(*) AS n, SUM(declared_wage) AS wages
      FROM registry_membership GROUP BY payer_id) c ON c.payer_id = e.id
"""
UNKNOWN_SQL = """
INSERT INTO compliance_wlkpreport (source_id, month, ident, nib, npp, workers_male,
    workers_female, total_wages)
SELECT %s, %s, CAST(8000000000000 + s.n AS TEXT), CAST(8000000000000 + s.n AS TEXT), '',
       s.n %% 20 + 1, 0, (s.n %% 20 + 1) * 4000000
FROM _seq s WHERE s.n <= %s
"""


def generate(employers: int, memberships: int, unknown: int) -> None:
    """Everything in a handful of INSERT ... SELECT statements; sequences reset after."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.compliance.models import CheckImport, WlkpReport
    from lindungi.registry.models import Employer, Membership, Payer, Worker

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE _seq (n BIGINT PRIMARY KEY)")
        cur.execute(f"INSERT INTO _seq {SERIES[connection.vendor]}", [memberships])
        cur.execute("CREATE TEMP TABLE _vil (i INTEGER PRIMARY KEY, code VARCHAR(10))")
        cur.execute(
            "SELECT code FROM reference_region WHERE level = 4 AND code LIKE '64%%' "
            "ORDER BY code LIMIT 200"
        )
        codes = [row[0] for row in cur.fetchall()]
        cur.executemany("INSERT INTO _vil VALUES (%s, %s)", list(enumerate(codes)))
        cur.execute(EMPLOYERS_SQL, [now, now, len(codes), employers])
        cur.execute(WORKERS_SQL, [day(date(1990, 1, 1)), now, now, len(codes)])
        cur.execute(PAYERS_SQL, [now, employers])
        cur.execute(MEMBERSHIPS_SQL, [employers, day(date(2025, 1, 1)), now])
        source = CheckImport.objects.create(kind="wlkp", file_name="bench", rows_read=0)
        cur.execute(WLKP_SQL, [source.pk, day(MONTH)])
        cur.execute(UNKNOWN_SQL, [source.pk, day(MONTH), unknown])
        models = [Worker, Employer, Payer, Membership, WlkpReport]
        for statement in ops.sequence_reset_sql(no_style(), models):
            cur.execute(statement)
        cur.execute("DROP TABLE _seq")
        cur.execute("DROP TABLE _vil")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def run_set_based() -> tuple[float, dict[str, Any]]:
    from lindungi.compliance.crosscheck import crosscheck_run

    with Stopwatch() as sw:
        result = crosscheck_run(month=MONTH, actor=None)
    return sw.seconds, result.as_dict()


def baseline(count: int) -> tuple[float, int]:
    """Per employer: ORM aggregates, its WLKP row, findings priced and saved one by one."""
    from django.db import transaction
    from django.db.models import Count, Q, Sum

    from lindungi.compliance import rules
    from lindungi.compliance.estimate import Estimator
    from lindungi.compliance.models import Finding, WlkpReport
    from lindungi.registry.models import Employer, Membership

    est = Estimator(MONTH)
    saved = 0
    with Stopwatch() as sw, transaction.atomic():
        for e in Employer.objects.order_by("id")[:count]:
            ms = Membership.objects.filter(
                payer__employer=e, segment="PU", start__lt=date(2026, 11, 1)
            ).filter(Q(end__isnull=True) | Q(end__gt=MONTH))
            ump = est.ump_of(e.village_id)
            agg = ms.aggregate(
                n=Count("id"),
                wages=Sum("declared_wage"),
                below=Count("id", filter=Q(declared_wage__lt=ump)),
                no_jp=Count("id", filter=Q(jp=False)),
                no_jht=Count("id", filter=Q(jht=False)),
            )
            report = WlkpReport.objects.filter(month=MONTH, npp=e.npp).first()
            programmes = rules.mandatory_programmes(e.size_class)
            avg = (agg["wages"] or 0) // max(agg["n"], 1)
            kinds = []
            if report and report.workers_male + report.workers_female > agg["n"]:
                kinds.append("pds_tk")
            if agg["below"]:
                kinds.append("pds_upah")
            if agg["no_jht"] or ("JP" in programmes and agg["no_jp"]):
                kinds.append("pds_program")
            for kind in kinds:
                lost = est.per_worker(wage=avg, risk_group=e.jkk_risk_group, programmes=programmes)
                Finding(
                    month=MONTH,
                    kind=kind,
                    subject=f"X{e.pk}",
                    employer=e,
                    name=e.name,
                    region_code=e.village_id,
                    contributions_lost=lost,
                ).save()
                saved += 1
        transaction.set_rollback(True)
    return sw.seconds, saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--memberships", type=int, default=2_000_000)
    parser.add_argument("--unknown", type=int, default=2_000, help="WLKP NIBs not in registry")
    parser.add_argument("--baseline", type=int, default=1_000, help="employers in ORM loop")
    parser.add_argument("--sqlite-file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database already generated at this size"
    )
    args = parser.parse_args()
    label = choose_database("bench_crosscheck", fresh=not args.reuse, sqlite_file=args.sqlite_file)
    setup_django()
    from lindungi.compliance.calendar import holidays_load

    holidays_load(actor=None)
    print(f"{label}; {machine()}")
    from lindungi.registry.models import Membership

    if args.reuse and Membership.objects.count() == args.memberships:
        print("reusing the generated data")
    else:
        with Stopwatch() as gen:
            generate(args.employers, args.memberships, args.unknown)
        print(
            f"generated {args.employers:,} employers, {args.memberships:,} memberships, "
            f"{args.employers + args.unknown:,} WLKP reports in {gen.seconds:.1f} s"
        )
    first, counts = run_set_based()
    again, counts_again = run_set_based()
    base, saved = baseline(args.baseline)
    scaled = base * args.employers / max(args.baseline, 1)
    summary = {
        "database": label,
        "employers": args.employers,
        "memberships": args.memberships,
        "crosscheck_seconds": round(first, 2),
        "rerun_seconds": round(again, 2),
        "counts": counts["counts"],
        "rerun_same_counts": counts == counts_again,
        "baseline_employers": args.baseline,
        "baseline_seconds": round(base, 2),
        "baseline_findings": saved,
        "baseline_scaled_seconds": round(scaled, 1),
        "ratio": round(scaled / first, 1) if first else None,
        "target_seconds": 30,
    }
    print(
        f"cross-check (set-based): {first:.2f} s ({rate(args.memberships, first)} memberships)"
        f"; re-run {again:.2f} s, same counts: {summary['rerun_same_counts']}"
    )
    print(f"findings: {counts['counts']}")
    print(
        f"BASELINE ORM loop: {args.baseline:,} employers in {base:.2f} s → scaled to "
        f"{args.employers:,}: {scaled:.0f} s (linear extrapolation)"
    )
    print(
        f"ratio baseline/set-based: {summary['ratio']}x; target < 30 s: "
        f"{'met' if first < 30 else 'NOT met'}"
    )
    if args.json:
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
