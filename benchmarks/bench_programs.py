"""Benchmark of programme selection + enrolment (and billing them) against an ORM loop.

    /work/venv/bin/python benchmarks/bench_programs.py --workers 2000000 --select 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        /work/venv/bin/python benchmarks/bench_programs.py     # database h_programs_bench

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`bench_programs` on the server of DATABASE_URL, dropped and created), loads the reference data
and generates N workers set-based in SQL in 200 villages of Kutai Kartanegara (deciles 1-10,
10 % wage earners with a PU membership, 5 % already paying BPU themselves). A regency programme
whose budget pays exactly --select workers for 12 months of JKK + JKM is created and approved
through the services; then it times `programme_select` (one INSERT … SELECT judging every worker
of the regency: the excluded with their reason, the included with their rank, the waiting list),
`programme_enrol` (memberships + beneficiaries, two statements) and the
billing run of the first month (contributions engine). BASELINE: the same selection and
enrolment as a loop over the first --baseline workers through the ORM (a query per exclusion
and a save per membership and beneficiary, rolled back), extrapolated linearly to N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

_TODAY = datetime.now(UTC).date()
# The next contribution month: the latest month a billing run accepts.
START = date(_TODAY.year + _TODAY.month // 12, _TODAY.month % 12 + 1, 1)
END = date(START.year + 1, START.month, 1)
PER_WORKER = 201_600  # 12 x (JKK 1 % of Rp1,000,000 + JKM Rp6,800)
DB = "h_programs_bench"
SERIES = {
    "postgresql": "SELECT generate_series(1, %s) AS n",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
    "SELECT n FROM s",
}
WORKERS_SQL = """
INSERT INTO registry_worker (id, nik_index, nik_enc, full_name, name_search, birth_place,
    birth_date, sex, village_code, address_line, phone_enc, occupation_id, welfare_decile,
    village_role, source, status, ended_on, merged_into_id, registered_at, updated_at)
SELECT s.n, NULL, NULL, 'Pekerja ' || CAST(s.n AS TEXT), 'pekerja ' || CAST(s.n AS TEXT), '',
       %s, CASE WHEN s.n %% 2 = 0 THEN 'L' ELSE 'P' END, v.code, '', NULL, NULL,
       s.n %% 10 + 1, '', 'demo', 'active', NULL, NULL, %s, %s
FROM _seq s JOIN _vil v ON v.i = s.n %% %s
"""
MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT s.n, CASE WHEN s.n %% 20 < 2 THEN 'PU' ELSE 'BPU' END,
       CASE WHEN s.n %% 20 < 2 THEN %s ELSE %s END, TRUE, TRUE, FALSE, FALSE, FALSE,
       CASE WHEN s.n %% 20 < 2 THEN 4000000 ELSE 1000000 END, %s, NULL, '', NULL, %s
FROM _seq s WHERE s.n %% 20 < 3
"""


def _database(url: str | None) -> tuple[str, str]:
    """(DATABASE_URL for the benchmark, label): never the caller's own database."""
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")
        return f"{server}/{DB}", "PostgreSQL"
    path = Path(tempfile.mkdtemp(prefix="bench_programs_")) / "bench.sqlite3"
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


def _generate(n: int) -> dict[str, int]:
    """N workers in Kutai Kartanegara; 10 % wage earners, 5 % self-paying BPU members."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.registry.models import Employer, Payer, Worker

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        employer = Employer.objects.create(
            npp="E0000001",
            name="PT Contoh",
            size_class="medium",
            jkk_risk_group=1,
            village_id="6402012001",
        )
        pu = Payer.objects.create(kind="employer", employer=employer, label="PT Contoh")
        own = Payer.objects.create(kind="program", label="Mandiri (kolektif)")
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE _seq (n BIGINT PRIMARY KEY)")
            cur.execute(f"INSERT INTO _seq {SERIES[connection.vendor]}", [n])
            cur.execute("CREATE TEMP TABLE _vil (i INTEGER PRIMARY KEY, code VARCHAR(10))")
            cur.execute(
                "SELECT code FROM reference_region WHERE level = 4 AND code LIKE '6402%%' "
                "ORDER BY code LIMIT 200"
            )
            codes = [row[0] for row in cur.fetchall()]
            cur.executemany("INSERT INTO _vil VALUES (%s, %s)", list(enumerate(codes)))
            birth = ops.adapt_datefield_value(date(1985, 1, 1))
            cur.execute(WORKERS_SQL, [birth, now, now, len(codes)])
            since = ops.adapt_datefield_value(date(2026, 1, 1))
            cur.execute(MEMBERSHIPS_SQL, [pu.pk, own.pk, since, now])
            for sql in ops.sequence_reset_sql(no_style(), [Worker]):
                cur.execute(sql)
            cur.execute("DROP TABLE _seq")
            cur.execute("DROP TABLE _vil")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"workers": n, "wage_earners": n // 10, "self_paying": n // 20}


def _programme(select: int) -> Any:
    from lindungi.accounts.services import user_create
    from lindungi.core.access import Role
    from lindungi.programs.models import Sponsor
    from lindungi.programs.services import ProgrammeInput, programme_create, programme_transition

    users = [
        user_create(username=f"bench{i}", password="x" * 12, role=Role.ADMIN, actor=None)
        for i in (1, 2)
    ]
    sponsor = Sponsor.objects.create(name="Pemkab Kukar", kind="apbd_regency", region_id="6402")
    data = ProgrammeInput(
        name="Bench",
        budget_source="apbd",
        fiscal_year=2027,
        budget=select * PER_WORKER,
        start_month=START,
        months=12,
        sponsor_id=sponsor.pk,
    )
    programme = programme_create(data=data, actor=users[0])
    programme_transition(programme_id=programme.pk, to="submitted", actor=users[0])
    programme_transition(programme_id=programme.pk, to="approved", actor=users[1])
    return programme, users[0]


def _timed(label: str, work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s", file=sys.stderr)
    return seconds, result


def _bill() -> Any:
    from lindungi.contributions.billing.services import billing_run_execute, billing_run_request

    run = billing_run_request(month=START, actor=None)
    return billing_run_execute(run_id=run.pk)


def _baseline(count: int, programme: Any) -> float:
    """Seconds for the ORM loop over the first `count` workers (rolled back)."""
    from django.db import transaction

    from lindungi.programs.models import Beneficiary, Candidate, EnrolmentBatch, SelectionRun
    from lindungi.registry.models import Membership, Worker

    end = END
    started = time.perf_counter()
    with transaction.atomic():
        run = SelectionRun.objects.create(programme=programme, quota=count)
        batch = EnrolmentBatch.objects.create(programme=programme, run=run, workers=0, cost=0)
        for worker in Worker.objects.filter(village__code__startswith="6402").order_by("id")[
            :count
        ]:
            overlapping = Membership.objects.filter(worker=worker, start__lt=end).exclude(
                end__lte=START
            )
            reason = ""
            if overlapping.filter(segment="PU").exists():
                reason = "wage_earner"
            elif overlapping.filter(jkk=True).exists():
                reason = "protected"
            elif Beneficiary.objects.filter(worker=worker, start__lt=end, end__gt=START).exists():
                reason = "sponsored"
            Candidate(run=run, worker=worker, reason=reason).save()
            if reason:
                continue
            membership = Membership(
                worker=worker,
                segment="BPU",
                payer_id=programme.payer_id,
                declared_wage=1_000_000,
                start=START,
                end=end,
                end_reason="program_ended",
            )
            membership.save()
            Beneficiary(
                programme=programme,
                worker=worker,
                membership=membership,
                batch=batch,
                start=START,
                end=end,
            ).save()
        transaction.set_rollback(True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2_000_000)
    parser.add_argument("--select", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=5_000)
    parser.add_argument("--no-bill", action="store_true", help="skip the billing run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url, label = _database(os.environ.get("DATABASE_URL"))
    started = time.perf_counter()
    _setup(url)
    data = _generate(args.workers)
    print(f"{label}: generated {data} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    from lindungi.programs.selection import programme_enrol, programme_select

    programme, actor = _programme(args.select)
    select_s, run = _timed(
        "select", lambda: programme_select(programme_id=programme.pk, actor=actor)
    )
    enrol_s, batch = _timed(
        "enrol", lambda: programme_enrol(programme_id=programme.pk, actor=actor)
    )
    bill_s, billing = (0.0, None) if args.no_bill else _timed("bill", _bill)
    base = _baseline(args.baseline, programme)
    projected = base * args.workers / args.baseline
    report = {
        "database": label,
        **data,
        "candidates": run.candidates,
        "selected": run.included,
        "reasons": run.counts,
        "enrolled": batch.workers,
        "select_seconds": round(select_s, 2),
        "enrol_seconds": round(enrol_s, 2),
        "select_enrol_seconds": round(select_s + enrol_s, 2),
        "target_seconds": 30,
        "bill_seconds": round(bill_s, 2),
        "billed_lines": billing.lines_created if billing else None,
        "billed_amount": billing.amount_billed if billing else None,
        "baseline_workers": args.baseline,
        "baseline_seconds": round(base, 2),
        "baseline_projected_seconds": round(projected, 1),
        "speedup": round(projected / (select_s + enrol_s), 1),
    }
    print(json.dumps(report, indent=2))
    if not args.keep:
        _drop(url)
    else:
        print(f"kept {url}", file=sys.stderr)


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
