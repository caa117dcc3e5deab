"""Benchmark of the monthly billing run against an ORM loop, on SQLite or PostgreSQL.

    /work/venv/bin/python benchmarks/bench_billing.py                      # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        /work/venv/bin/python benchmarks/bench_billing.py                  # database bench_billing

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`bench_billing` on the server of DATABASE_URL, dropped and created), loads the reference data,
generates N active memberships set-based in SQL (70 % PU over N/20 employers, 27 % BPU paying
themselves, 3 % JAKON with known wages), then times: the month's billing run; a re-run with
nothing changed; a run after --changes wage corrections; and a BASELINE that loops over the
first --baseline memberships through the ORM, calling `rates.calculate` and saving an invoice
per payer and a line per programme (rolled back), extrapolated linearly to N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

MONTH = date(2026, 11, 1)
SERIES = {
    "postgresql": "SELECT generate_series(1, %s) AS n",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
    "SELECT n FROM s",
}


def _database(url: str | None) -> tuple[str, str]:
    """(DATABASE_URL for the benchmark, label): never the caller's own database."""
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_billing WITH (FORCE)")
            conn.execute("CREATE DATABASE bench_billing")
        return f"{server}/bench_billing", "PostgreSQL"
    path = Path(tempfile.mkdtemp(prefix="bench_billing_")) / "bench.sqlite3"
    return f"sqlite:///{path}", "SQLite"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lindungi.reference.services import reference_load

    call_command("migrate", interactive=False, verbosity=0)
    reference_load(actor=None)


def _generate(n: int) -> dict[str, int]:
    """N workers, each with one active membership; ids are explicit, sequences reset after."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from lindungi.registry.models import Employer, Membership, Payer, Worker

    pu, bpu = n * 70 // 100, n * 27 // 100
    employers = max(1, n // 20)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    starts = [ops.adapt_datefield_value(d) for d in STARTS]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE _seq (n BIGINT PRIMARY KEY)")
        cur.execute(f"INSERT INTO _seq {SERIES[connection.vendor]}", [n])
        cur.execute("CREATE TEMP TABLE _vil (i INTEGER PRIMARY KEY, code VARCHAR(10))")
        cur.execute("SELECT code FROM reference_region WHERE level = 4 ORDER BY code LIMIT 200")
        codes = [row[0] for row in cur.fetchall()]
        cur.executemany("INSERT INTO _vil VALUES (%s, %s)", list(enumerate(codes)))
        villages = len(codes)
        cur.execute(EMPLOYERS_SQL, [now, now, villages, employers])
        birth = ops.adapt_datefield_value(date(1990, 1, 1))
        cur.execute(WORKERS_SQL, [birth, now, now, villages])
        cur.execute(PAYERS_SQL, [now, employers])
        cur.execute(SELF_PAYERS_SQL, [employers - pu, now, pu, pu + bpu])
        cur.execute(MEMBERSHIPS_SQL, [employers - pu, employers, *starts, now, pu, pu + bpu])
        for sql in ops.sequence_reset_sql(no_style(), [Worker, Employer, Payer, Membership]):
            cur.execute(sql)
        cur.execute("DROP TABLE _seq")
        cur.execute("DROP TABLE _vil")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"memberships": n, "pu": pu, "bpu": bpu, "jakon": n - pu - bpu, "employers": employers}


STARTS = (date(2019, 3, 1), date(2023, 7, 15), date(2026, 11, 20), date(2025, 1, 1))
EMPLOYERS_SQL = """
INSERT INTO registry_employer (id, npp, nib, name, kbli, size_class, jkk_risk_group,
    village_code, address_line, contact_name, contact_phone, contact_email, active,
    registered_at, updated_at)
SELECT s.n, 'E' || CAST(s.n AS TEXT), NULL, 'PT Contoh ' || CAST(s.n AS TEXT),
       CASE WHEN s.n %% 10 = 0 THEN '14111' ELSE '47111' END, 'medium', s.n %% 5 + 1,
       v.code, '', '', '', '', TRUE, %s, %s
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
SELECT s.n, 'employer', s.n, NULL, 'PT Contoh ' || CAST(s.n AS TEXT), NULL, %s
FROM _seq s WHERE s.n <= %s
"""
SELF_PAYERS_SQL = """
INSERT INTO registry_payer (id, kind, employer_id, worker_id, label, virtual_account, created_at)
SELECT s.n + %s, 'self', NULL, s.n, 'Pekerja ' || CAST(s.n AS TEXT), NULL, %s
FROM _seq s WHERE s.n > %s AND s.n <= %s
"""
MEMBERSHIPS_SQL = """
INSERT INTO registry_membership (id, worker_id, segment, payer_id, jkk, jkm, jht, jp, jkp,
    declared_wage, start, "end", end_reason, kpj, created_at)
SELECT x.n, x.n, x.segment,
       CASE WHEN x.segment = 'BPU' THEN x.n + %s ELSE (x.n - 1) %% %s + 1 END,
       TRUE, TRUE, x.segment = 'PU' OR x.n %% 3 = 0, x.segment = 'PU' AND x.n %% 4 <> 0,
       x.segment = 'PU',
       CASE x.segment WHEN 'PU' THEN 3000000 + x.n * 7919 %% 12000000
                      WHEN 'BPU' THEN 1000000 + x.n * 104729 %% 9000000
                      ELSE 4000000 + x.n %% 1000 * 1000 END,
       CASE x.n %% 4 WHEN 0 THEN %s WHEN 1 THEN %s WHEN 2 THEN %s ELSE %s END,
       NULL, '', NULL, %s
FROM (SELECT n, CASE WHEN n <= %s THEN 'PU' WHEN n <= %s THEN 'BPU' ELSE 'JAKON' END
      AS segment FROM _seq) x
"""


def _cpu() -> float:
    """CPU seconds of this process plus, for a local PostgreSQL, its backend serving us."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # server on another machine: client CPU only
            pass
    return used


def _bill(label: str) -> dict[str, Any]:
    from lindungi.contributions.billing.services import billing_run_execute, billing_run_request

    started, cpu = time.perf_counter(), _cpu()
    run = billing_run_request(month=MONTH, actor=None)
    run = billing_run_execute(run_id=run.pk)
    seconds = time.perf_counter() - started
    result = {
        "step": label,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(_cpu() - cpu, 2),
        "invoices": run.invoices_created,
        "lines": run.lines_created,
        "adjustment_lines": run.adjustment_lines,
        "amount_billed": run.amount_billed,
    }
    print(json.dumps(result), file=sys.stderr)
    return result


def _correct_wages(count: int) -> None:
    """Late changes: `count` PU wages corrected upwards by a direct UPDATE."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE registry_membership SET declared_wage = declared_wage + 100000 "
            "WHERE id IN (SELECT id FROM registry_membership WHERE segment = 'PU' "
            "ORDER BY id LIMIT %s)",
            [count],
        )


def _baseline(count: int) -> float:
    """Seconds for the ORM loop over the first `count` memberships (rolled back)."""
    from django.db import transaction
    from django.utils import timezone

    from lindungi.contributions.models import BillingRun, Invoice, InvoiceLine
    from lindungi.contributions.rates import calculate
    from lindungi.registry.models import Membership

    started = time.perf_counter()
    with transaction.atomic():
        run = BillingRun.objects.create(month=MONTH, status="running", claimed_by="baseline")
        invoices: dict[int, Invoice] = {}
        qs = Membership.objects.select_related("payer__employer").order_by("id")[:count]
        for m in qs:
            breakdown = calculate(**_inputs(m))
            invoice = invoices.get(m.payer_id)
            if invoice is None:
                invoice = Invoice.objects.create(
                    payer=m.payer,
                    month=MONTH,
                    run=run,
                    kind="regular",
                    total=0,
                    number=f"BASE-{m.payer_id}-{run.pk}",
                    due_date=date(2026, 12, 15),
                    issued_at=timezone.now(),
                )
                invoices[m.payer_id] = invoice
            for due in breakdown.dues:
                if due.billed:
                    InvoiceLine(
                        invoice=invoice,
                        membership=m,
                        month=MONTH,
                        programme=due.programme,
                        employer_share=due.employer_share,
                        worker_share=due.worker_share,
                        amount=due.billed,
                    ).save()
            invoice.total += breakdown.total
        for invoice in invoices.values():
            invoice.save(update_fields=["total"])
        transaction.set_rollback(True)
    return time.perf_counter() - started


def _inputs(m: Any) -> dict[str, Any]:
    offered = {"PU": {"JKK", "JKM", "JHT", "JP"}, "BPU": {"JKK", "JKM", "JHT"}}
    programmes = [p for p in m.programmes if p in offered.get(m.segment, {"JKK", "JKM"})]
    kwargs: dict[str, Any] = {"segment": m.segment, "month": MONTH, "programmes": programmes}
    if m.segment == "BPU":
        return {**kwargs, "income": m.declared_wage}
    if m.segment == "PU":
        employer = m.payer.employer
        kwargs.update(risk_group=employer.jkk_risk_group, kbli=employer.kbli)
    return {**kwargs, "wage": m.declared_wage}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memberships", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url, label = _database(os.environ.get("DATABASE_URL"))
    started = time.perf_counter()
    _setup(url)
    data = _generate(args.memberships)
    print(f"{label}: generated {data} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    first, again = _bill("bill"), _bill("re-run")
    _correct_wages(args.changes)
    late = _bill(f"after {args.changes} wage corrections")
    base = _baseline(args.baseline)
    projected = base * args.memberships / args.baseline
    report = {
        "database": label,
        **data,
        "bill_seconds": first["seconds"],
        "bill_cpu_seconds": first["cpu_seconds"],
        "rerun_seconds": again["seconds"],
        "rerun_cpu_seconds": again["cpu_seconds"],
        "rerun_added": again["invoices"] + again["lines"],
        "adjust_seconds": late["seconds"],
        "adjust_lines": late["lines"],
        "invoices": first["invoices"],
        "lines": first["lines"],
        "baseline_memberships": args.baseline,
        "baseline_seconds": round(base, 2),
        "baseline_projected_seconds": round(projected, 1),
        "speedup": round(projected / first["seconds"], 1),
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
        conn.execute("DROP DATABASE IF EXISTS bench_billing WITH (FORCE)")


if __name__ == "__main__":
    main()
