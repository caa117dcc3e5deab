"""Synthetic billed payers, set-based, for payment tests and benchmarks.

`billed_payers(count=N, months=[…])` writes N self-paying BPU workers, each with a payer (virtual
account "88" + 12-digit id), a membership, and per month one invoice with one line per
programme and its CHARGE ledger entry, as the billing run leaves them. Nothing here is a
business rule: it only fills tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from lindungi.contributions.models.billing import BillingRun, Invoice, InvoiceLine, RunStatus
from lindungi.contributions.models.payments import LedgerEntry
from lindungi.contributions.payments import bulk
from lindungi.core import checkpoints
from lindungi.registry.models import Membership, Payer, Worker

BPU_LINES: tuple[tuple[str, int], ...] = (("JKK", 10_000), ("JKM", 6_800))  # income Rp1,000,000
VILLAGE = "6402012001"  # a village of Kutai Kartanegara


@dataclass(frozen=True)
class Billed:
    payer_ids: list[int]
    invoice_total: int  # per payer and month

    def virtual_account(self, payer_id: int) -> str:
        return virtual_account(payer_id)


def virtual_account(payer_id: int) -> str:
    return f"88{payer_id:012d}"


def billed_payers(
    *,
    count: int,
    months: Sequence[date],
    lines: Sequence[tuple[str, int]] = BPU_LINES,
    village: str = VILLAGE,
) -> Billed:
    """Write `count` billed self-paying payers in one transaction; returns their ids."""
    with checkpoints.deferred(), bulk.sqlite_cache(), transaction.atomic():
        first = {m: _next_id(m) for m in (Worker, Payer, Membership, Invoice, InvoiceLine)}
        ids = list(range(first[Payer], first[Payer] + count))
        workers = range(first[Worker], first[Worker] + count)
        members = range(first[Membership], first[Membership] + count)
        _people(workers, ids, members, months[0] if months else date(2026, 1, 1), village)
        runs = [_run(month) for month in months]
        total = sum(amount for _, amount in lines)
        invoice_id = first[Invoice]
        line_id = first[InvoiceLine]
        for month, run in zip(months, runs, strict=True):
            _bill(ids, members, month, run, lines, total, invoice_id, line_id, village)
            invoice_id += count
            line_id += count * len(lines)
        _reset_sequences()
    return Billed(payer_ids=ids, invoice_total=total)


def _people(workers: range, payers: list[int], members: range, start: date, village: str) -> None:
    now = timezone.now()
    n = len(payers)
    _copy(
        Worker,
        {
            "id": workers,
            "full_name": (f"Peserta Contoh {i}" for i in workers),
            "name_search": (f"peserta contoh {i}" for i in workers),
            "birth_date": itertools.repeat(date(1990, 1, 1)),
            "sex": itertools.repeat("L"),
            "village_id": itertools.repeat(village),
            "source": itertools.repeat("demo"),
            "registered_at": itertools.repeat(now),
            "updated_at": itertools.repeat(now),
        },
        n,
    )
    _copy(
        Payer,
        {
            "id": payers,
            "kind": itertools.repeat("self"),
            "worker_id": workers,
            "label": (f"Peserta Contoh {i}" for i in workers),
            "virtual_account": (virtual_account(p) for p in payers),
            "created_at": itertools.repeat(now),
        },
        n,
    )
    _copy(
        Membership,
        {
            "id": members,
            "worker_id": workers,
            "segment": itertools.repeat("BPU"),
            "payer_id": payers,
            "declared_wage": itertools.repeat(1_000_000),
            "start": itertools.repeat(start),
            "created_at": itertools.repeat(now),
        },
        n,
    )


def _run(month: date) -> BillingRun:
    now = timezone.now()
    return BillingRun.objects.create(
        month=month, status=RunStatus.DONE, started_at=now, finished_at=now
    )


def _bill(
    payers: list[int],
    members: range,
    month: date,
    run: BillingRun,
    lines: Sequence[tuple[str, int]],
    total: int,
    first_invoice: int,
    first_line: int,
    village: str,
) -> None:
    n = len(payers)
    now = timezone.now()
    invoices = range(first_invoice, first_invoice + n)
    _copy(
        Invoice,
        {
            "id": invoices,
            "payer_id": payers,
            "region_code": itertools.repeat(village),
            "month": itertools.repeat(month),
            "run_id": itertools.repeat(run.pk),
            "number": (f"SMP-{month:%Y%m}-{p}" for p in payers),
            "kind": itertools.repeat("regular"),
            "issued_at": itertools.repeat(now),
            "due_date": itertools.repeat(month + timedelta(days=14)),
            "total": itertools.repeat(total),
        },
        n,
    )
    per = len(lines)
    _copy(
        InvoiceLine,
        {
            "id": range(first_line, first_line + n * per),
            "invoice_id": _each(invoices, per),
            "membership_id": _each(members, per),
            "month": itertools.repeat(month),
            "programme": itertools.cycle([p for p, _ in lines]),
            "employer_share": itertools.repeat(0),
            "worker_share": itertools.cycle([a for _, a in lines]),
            "amount": itertools.cycle([a for _, a in lines]),
            "is_adjustment": itertools.repeat(False),
        },
        n * per,
    )
    _copy(
        LedgerEntry,
        {
            "payer_id": payers,
            "at": itertools.repeat(now),
            "kind": itertools.repeat("charge"),
            "amount": itertools.repeat(total),
            "invoice_id": invoices,
        },
        n,
        skip_id=True,
    )


def _each(values: Iterable[int], times: int) -> Iterator[int]:
    return (v for v in values for _ in range(times))


def _copy(
    model: type[models.Model], values: dict[str, Iterable[Any]], n: int, *, skip_id: bool = False
) -> None:
    """Every concrete column; a field not given takes its default."""
    columns: list[str] = []
    iterables: list[Iterable[Any]] = []
    for field in model._meta.concrete_fields:
        if skip_id and field.primary_key:
            continue
        columns.append(str(field.column))
        if field.attname in values:
            iterables.append(values[field.attname])
        else:
            default = field.get_default() if field.has_default() else None
            iterables.append(itertools.repeat(default, n))
    quoted = [connection.ops.quote_name(c) for c in columns]
    bulk.insert(model._meta.db_table, quoted, itertools.islice(zip(*iterables, strict=False), n))


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


def _reset_sequences() -> None:
    models_ = [Worker, Payer, Membership, Invoice, InvoiceLine]
    for statement in connection.ops.sequence_reset_sql(no_style(), models_):
        bulk.execute(statement)
