"""Two imports of overlapping bank files at the same time: every reference recorded once, no
line allocated beyond its amount, no money allocated twice, ledger balances exact."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.models import Count, Sum

from lindungi.contributions.models.billing import InvoiceLine
from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    PayerAccount,
    Payment,
    PaymentImport,
)
from lindungi.contributions.payments import selectors
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.contributions.payments.services import payment_import
from lindungi.core.models import AuditEvent
from lindungi.reference.models import Region

PAYERS = 120
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
TRIGGER_MIGRATIONS = (
    "lindungi.core.migrations.0002_audit_append_only",
    "lindungi.contributions.migrations.0002_payments",
)


def _sqlite_triggers(*, present: bool) -> None:
    """SQLite flushes with DELETE, which the append-only triggers refuse: lift them for it."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGER_MIGRATIONS:
            migration = importlib.import_module(name)
            for sql in migration.SQLITE if present else migration.SQLITE_REVERSE:
                if "IF NOT EXISTS" not in sql:
                    sql = sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
                cursor.execute(sql)


@pytest.fixture
def flushable_db(transactional_db: None, django_db_blocker: Any) -> Iterator[None]:
    _sqlite_triggers(present=True)
    if not Region.objects.filter(code="6402012001").exists():
        from lindungi.reference.services import reference_load

        reference_load(actor=None)
    yield
    _sqlite_triggers(present=False)


@pytest.fixture(scope="module", autouse=True)
def _triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _sqlite_triggers(present=True)


def _file(billed: Billed, refs: Sequence[int]) -> bytes:
    """Payer i pays 16,800 with reference i, and 20,000 more with reference 1000 + i."""
    lines = ["virtual_account,amount,date,reference"]
    for i in refs:
        payer = billed.payer_ids[i % PAYERS]
        amount = 16_800 if i < 1000 else 20_000
        lines.append(f"{virtual_account(payer)},{amount},2026-11-05,REF-{i:05d}")
    return "\n".join(lines).encode()


def _import(data: bytes, name: str, barrier: threading.Barrier, results: dict[str, Any]) -> None:
    try:
        barrier.wait(timeout=30)
        results[name] = _with_sqlite_retry(data, name)
    except Exception as exc:  # reported by the test
        results[name] = exc
    finally:
        connection.close()


def _with_sqlite_retry(data: bytes, name: str) -> PaymentImport:
    """The in-memory test database is SQLite's shared cache, where a second writer fails at once
    ("table is locked") instead of waiting as on a file with busy_timeout: wait here instead.
    PostgreSQL needs no retry: the second import waits on the first's rows and payers."""
    for _ in range(200):
        try:
            return payment_import(data=data, file_name=name, actor=None)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.05)
    raise TimeoutError(name)


def test_overlapping_imports_at_the_same_time(flushable_db: None) -> None:
    billed = billed_payers(count=PAYERS, months=MONTHS)
    both = [*range(0, PAYERS), *range(1000, 1000 + PAYERS)]
    first, second = both[: PAYERS + 60], both[60:]  # 180 references in common
    files = {"a.csv": _file(billed, first), "b.csv": _file(billed, second)}
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}
    threads = [
        threading.Thread(target=_import, args=(data, name, barrier, results))
        for name, data in files.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, PaymentImport) for r in results.values()), results
    created = sorted(r.payments_created for r in results.values())
    assert sum(created) == 2 * PAYERS
    assert sum(r.duplicates for r in results.values()) == len(first) + len(second) - 2 * PAYERS
    _assert_books_balance(billed)


def _assert_books_balance(billed: Billed) -> None:
    assert Payment.objects.count() == 2 * PAYERS
    assert not Payment.objects.values("bank_reference").annotate(n=Count("id")).filter(n__gt=1)
    assert LedgerEntry.objects.filter(kind="payment").count() == 2 * PAYERS
    over = (
        InvoiceLine.objects.annotate(paid=Sum("allocations__amount"))
        .filter(paid__gt=10_000)
        .count()
    )
    assert over == 0
    per_line = Allocation.objects.values("line_id").annotate(s=Sum("amount"))
    lines = dict(InvoiceLine.objects.values_list("id", "amount"))
    assert all(r["s"] <= lines[r["line_id"]] for r in per_line)
    per_payment = Allocation.objects.values("payment_id").annotate(s=Sum("amount"))
    amounts = dict(Payment.objects.values_list("id", "amount"))
    assert all(r["s"] <= amounts[r["payment_id"]] for r in per_payment)
    # Each payer paid 36,800 against 50,400 billed: 13,600 still owed, no credit, all of it
    # allocated (Sep and Oct in full, Nov JKK 3,200).
    for payer in billed.payer_ids:
        assert selectors.payer_balance(payer_id=payer) == 13_600
        assert selectors.payer_credit(payer_id=payer) == 0
    assert Allocation.objects.aggregate(s=Sum("amount"))["s"] == PAYERS * 36_800
    assert PayerAccount.objects.filter(open_from=date(2026, 11, 1)).count() == PAYERS
    assert AuditEvent.objects.filter(action="payment.import").count() == 2
