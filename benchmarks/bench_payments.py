"""Benchmark of the bank statement import against an ORM loop, on SQLite or PostgreSQL.

    /work/venv/bin/python benchmarks/bench_payments.py                     # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        /work/venv/bin/python benchmarks/bench_payments.py                 # database bench_payments

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`bench_payments` on the server of DATABASE_URL, dropped and created), loads the reference data,
writes --lines / 2 self-paying payers billed Rp16,800 (JKK + JKM) for Sep, Oct and Nov 2026
set-based (payments.sample), and a semicolon CSV of --lines payment rows (two per payer: one
month, two months, partial, overpaid; 1.5 % unknown virtual accounts, 0.5 % bad amounts).
It times: the import; the same file again (nothing new); and a BASELINE on --baseline rows of a
second, identical set of payers, recording each row through the ORM (one transaction per row:
look up the reference and the payer, save the payment and its ledger entry, load the payer's
open lines with their allocated sums, save an allocation per line), extrapolated to --lines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from _common import Stopwatch, choose_database, machine, rate, setup_django

MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
AMOUNTS = ["16.800"] * 6 + ["33.600"] * 2 + ["10.000", "20.000"]  # first payment, by payer % 10


def _rows(payer_ids: list[int], prefix: str) -> Iterator[tuple[str, str, str, str]]:
    """Two payments per payer: (virtual account, amount, date, reference)."""
    from lindungi.contributions.payments.sample import virtual_account

    n = 0
    for index, payer in enumerate(payer_ids):
        for part, amount in (("A", AMOUNTS[index % 10]), ("B", "16.800")):
            n += 1
            va = virtual_account(payer) if n % 67 else f"89{n:012d}"  # unknown: queued
            amount = amount if n % 200 else "16.800,50"  # not whole rupiah: reported
            yield va, amount, f"{5 + n % 20:02d}/11/2026", f"{prefix}{index:07d}{part}"


def _write_csv(path: Path, payer_ids: list[int], prefix: str) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("No VA;Jumlah;Tanggal;Referensi\n")
        for row in _rows(payer_ids, prefix):
            out.write(";".join(row) + "\n")
            count += 1
    return count


def _orm_record(va: str, amount_text: str, day: str, reference: str) -> None:
    """What a straightforward per-row implementation does, through the ORM."""
    from django.db import transaction
    from django.db.models import F, Sum
    from django.db.models.functions import Coalesce

    from lindungi.contributions.models import Allocation, InvoiceLine, LedgerEntry, Payment
    from lindungi.contributions.payments.parsing import parse_amount, parse_paid_on
    from lindungi.registry.models import Payer

    amount = parse_amount(amount_text)
    paid_on = parse_paid_on(day, date(2026, 11, 30))
    with transaction.atomic():
        if Payment.objects.filter(bank_reference=reference).exists():
            return
        payer = Payer.objects.filter(virtual_account=va).first()
        status = "matched" if payer else "unmatched"
        payment = Payment.objects.create(
            payer=payer,
            virtual_account=va,
            amount=amount,
            paid_on=paid_on,
            bank_reference=reference,
            status=status,
        )
        if payer is None:
            return
        LedgerEntry.objects.create(payer=payer, kind="payment", amount=-amount, payment=payment)
        open_lines = (
            InvoiceLine.objects.filter(invoice__payer=payer)
            .annotate(paid=Coalesce(Sum("allocations__amount"), 0))
            .filter(paid__lt=F("amount"))
            .order_by("month", "invoice_id", "id")
        )
        left = amount
        for line in open_lines:
            take = min(left, line.amount - line.paid)
            Allocation.objects.create(payment=payment, line=line, amount=take)
            left -= take
            if left == 0:
                break


def _analyze() -> None:
    """Statistics as a live database has them (autovacuum lags a bulk load by minutes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _baseline(rows: int) -> tuple[float, int, float]:
    from lindungi.contributions.payments.parsing import CellError
    from lindungi.contributions.payments.sample import billed_payers

    billed = billed_payers(count=(rows + 1) // 2, months=MONTHS)
    _analyze()
    done = 0
    python, server = time.process_time(), _server_cpu()
    with Stopwatch() as sw:
        for va, amount, day, reference in _rows(billed.payer_ids, "ORM"):
            if done == rows:
                break
            with contextlib.suppress(CellError):
                _orm_record(va, amount, day, reference)
            done += 1
    return sw.seconds, done, time.process_time() - python + _server_cpu() - server


def _import(path: Path) -> tuple[float, dict[str, Any]]:
    from lindungi.contributions.payments.importing import import_counts
    from lindungi.contributions.payments.services import payment_import

    python, server = time.process_time(), _server_cpu()
    with Stopwatch() as sw:
        imp = payment_import(file_path=path, actor=None)
    cpu = {
        "cpu_python": round(time.process_time() - python, 1),
        "cpu_server": round(_server_cpu() - server, 1),
    }
    return sw.seconds, {**import_counts(imp), "seconds": round(sw.seconds, 2), **cpu}


def _server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine); 0 on SQLite, whose
    work is in this process. With other load on the machine, wall time exceeds CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _checks() -> dict[str, int]:
    """Books must balance: no line over-allocated, no payment over-spent."""
    from django.db.models import F, Sum

    from lindungi.contributions.models import Allocation, InvoiceLine, LedgerEntry, Payment

    lines = InvoiceLine.objects.annotate(paid=Sum("allocations__amount"))
    payments = Payment.objects.annotate(spent=Sum("allocations__amount"))
    return {
        "lines_over_allocated": lines.filter(paid__gt=F("amount")).count(),
        "payments_over_spent": payments.filter(spent__gt=F("amount")).count(),
        "ledger_sum": int(LedgerEntry.objects.aggregate(s=Sum("amount"))["s"] or 0),
        "allocated_sum": int(Allocation.objects.aggregate(s=Sum("amount"))["s"] or 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=500_000, help="payment rows in the file")
    parser.add_argument("--baseline", type=int, default=10_000, help="rows through the ORM")
    parser.add_argument("--sqlite-file", help="SQLite file to use instead of a temporary one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    label = choose_database("bench_payments", fresh=True, sqlite_file=args.sqlite_file)
    setup_django()
    from django.db import connection

    from lindungi.contributions.payments.sample import billed_payers

    say = (lambda *_: None) if args.json else print
    say(f"{label}; {machine()}")
    with Stopwatch() as sw:
        billed = billed_payers(count=args.lines // 2, months=MONTHS)
    _analyze()
    say(f"setup: {len(billed.payer_ids):,} payers x 3 months x 2 lines ({sw.seconds:.1f} s)")
    folder = Path(tempfile.mkdtemp(prefix="bench_payments_"))
    path = folder / "payments.csv"
    rows = _write_csv(path, billed.payer_ids, "BNK")
    seconds, counts = _import(path)
    say(f"import:   {rows:,} rows in {seconds:.2f} s ({rate(rows, seconds)}) {counts}")
    again, counts_again = _import(path)
    say(f"re-import: {again:.2f} s {counts_again}")
    shutil.rmtree(folder, ignore_errors=True)
    checks = _checks()
    say(f"checks: {checks}")
    base_seconds, base_rows, base_cpu = _baseline(args.baseline)  # its own payers, analysed
    extrapolated = base_seconds * rows / max(1, base_rows)
    say(
        f"BASELINE (ORM loop, {base_rows:,} rows measured, extrapolated to {rows:,}):"
        f" {base_seconds:.2f} s -> {extrapolated:,.0f} s (CPU {base_cpu:.1f} s measured)"
    )
    ratio = extrapolated / seconds
    import_cpu = counts["cpu_python"] + counts["cpu_server"]
    cpu_ratio = base_cpu * rows / max(1, base_rows) / max(import_cpu, 0.1)
    say(f"ratio: {ratio:,.0f}x wall, {cpu_ratio:,.0f}x CPU (target >= 50x); import target < 60 s")
    if args.json:
        figures = {
            "database": connection.vendor,
            "rows": rows,
            "import_seconds": round(seconds, 2),
            "reimport_seconds": round(again, 2),
            "import": counts,
            "reimport": counts_again,
            "checks": checks,
            "baseline_rows": base_rows,
            "baseline_seconds": round(base_seconds, 2),
            "baseline_extrapolated_seconds": round(extrapolated),
            "baseline_cpu_seconds": round(base_cpu, 1),
            "ratio": round(ratio, 1),
            "cpu_ratio": round(cpu_ratio, 1),
        }
        print(json.dumps(figures, indent=2))
    if connection.vendor == "sqlite" and not args.sqlite_file:  # our temporary directory
        database = Path(connection.settings_dict["NAME"])
        connection.close()
        shutil.rmtree(database.parent, ignore_errors=True)
    return 0 if seconds < 60 and ratio >= 50 and not checks["lines_over_allocated"] else 1


if __name__ == "__main__":
    sys.exit(main())
