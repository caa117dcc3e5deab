"""Demo money for the demo registry: real billing runs, a bank statement through the real
import, and settled fines, so that every contributions screen has something to show.

Everything goes through the services, so the demo exercises exactly what an office would do;
each step is idempotent (billing by month, payments by bank reference, fines by date), so a
second `lindungi demo` adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.fine_charges import fines_charge
from lindungi.contributions.models import BillingRun, Invoice, RunStatus
from lindungi.contributions.payments.services import payment_import

ON_TIME, LATE, UNPAID = 0.78, 0.12, 0.10  # share of invoices by how they are paid
UNMATCHED = 12  # statement rows whose virtual account is known to no payer


@dataclass(frozen=True)
class DemoMoney:
    runs: int
    invoices: int
    statement_rows: int
    payments_created: int
    unmatched: int
    fines: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def demo_money(*, months: list[date], seed: int, today: date) -> DemoMoney:
    """Bill `months` in order, pay most invoices (some late, some never), charge fines."""
    runs = sum(_bill(month) for month in months)
    rows = _statement(months, random.Random(seed), today)  # noqa: S311 - demo data, not secrets
    imported = payment_import(data=_csv(rows), file_name="demo-mutasi-bank.csv", actor=None)
    fines = fines_charge(as_of=today, actor=None)
    return DemoMoney(
        runs=runs,
        invoices=Invoice.objects.filter(month__in=months).count(),
        statement_rows=len(rows),
        payments_created=imported.payments_created,
        unmatched=imported.unmatched,
        fines=fines.amount,
    )


def _bill(month: date) -> int:
    if BillingRun.objects.filter(month=month, status=RunStatus.DONE).exists():
        return 0
    billing_run_execute(run_id=billing_run_request(month=month, actor=None).pk)
    return 1


def _statement(months: list[date], rng: random.Random, today: date) -> list[tuple[str, ...]]:
    owed = (
        Invoice.objects.filter(month__in=months)
        .values("payer_id", "payer__virtual_account", "month", "due_date")
        .annotate(total=Sum("total"))
        .order_by("month", "payer_id")
    )
    rows: list[tuple[str, ...]] = []
    for o in owed:
        draw = rng.random()
        if draw >= ON_TIME + LATE or o["total"] <= 0 or not o["payer__virtual_account"]:
            continue
        due: date = o["due_date"]
        paid = due - timedelta(days=rng.randint(0, 10))
        if draw >= ON_TIME:
            paid = due + timedelta(days=rng.randint(5, 45))
        paid = min(paid, today)
        reference = f"DEMO-{o['month']:%Y%m}-{o['payer_id']}"
        rows.append(
            (str(o["payer__virtual_account"]), str(o["total"]), f"{paid:%d/%m/%Y}", reference)
        )
    for n in range(UNMATCHED):
        amount = rng.choice([16_800, 33_600, 462_000])
        rows.append((f"8899{n:010d}", str(amount), f"{today:%d/%m/%Y}", f"DEMO-UNMATCHED-{n}"))
    return rows


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    lines = ["No VA;Jumlah;Tanggal;Referensi", *(";".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()
