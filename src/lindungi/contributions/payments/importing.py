"""Bank statement import: parsed rows → staging table → one INSERT … ON CONFLICT DO NOTHING →
ledger entries for the new matched payments in one statement → allocation per payer."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.contributions.models.payments import PaymentImport
from lindungi.contributions.payments import allocation, bulk
from lindungi.contributions.payments.fifo import Credit
from lindungi.contributions.payments.parsing import Parsed, parse_file
from lindungi.core import access, audit, checkpoints
from lindungi.core.access import RECORD_PAYMENT, Actor
from lindungi.core.errors import ValidationError

MAX_PROBLEMS = 10_000  # the count is always complete; the listed rows stop here
STAGE = "tmp_pay_rows"
SORT_MEMORY = "256MB"
# The reference order makes concurrent imports meet their common rows in the same order, so
# one waits for the other instead of deadlocking. `WHERE true` keeps SQLite's parser from
# reading ON CONFLICT as a join constraint.
INSERT_SQL = f"""
INSERT INTO contributions_payment
       (payer_id, region_code, virtual_account, amount, paid_on, bank_reference, status,
        source_import_id, recorded_by_id, recorded_at)
SELECT p.id, COALESCE(e.village_code, w.village_code, CASE WHEN p.id IS NULL THEN %s ELSE '' END),
       s.virtual_account, s.amount, s.paid_on, s.reference,
       CASE WHEN p.id IS NULL THEN 'unmatched' ELSE 'matched' END, %s, %s, %s
  FROM {STAGE} s
  LEFT JOIN registry_payer p ON p.virtual_account = s.virtual_account
  LEFT JOIN registry_employer e ON e.id = p.employer_id
  LEFT JOIN registry_worker w ON w.id = p.worker_id
 WHERE true
 ORDER BY s.reference
    ON CONFLICT (bank_reference) DO NOTHING
"""  # noqa: S608 (constant table name)
LEDGER_SQL = """
INSERT INTO contributions_ledgerentry (payer_id, at, kind, amount, payment_id, note)
SELECT payer_id, %s, 'payment', -amount, id, ''
  FROM contributions_payment WHERE source_import_id = %s AND payer_id IS NOT NULL
"""
CREATED_SQL = """
SELECT id, payer_id, CAST(paid_on AS TEXT), amount FROM contributions_payment
 WHERE source_import_id = %s
"""


@dataclass(frozen=True)
class _Created:
    total: int
    matched: int
    fresh: dict[int, list[Credit]]


def payment_import(
    *,
    file_path: str | Path | None = None,
    data: bytes | None = None,
    file_name: str = "",
    actor: Actor | None,
) -> PaymentImport:
    """Import a bank statement once per reference: new rows recorded, matched rows settle the
    oldest open lines, bad rows listed by row, column and value; all or nothing."""
    started = time.perf_counter()
    if actor is not None:
        access.require(actor, RECORD_PAYMENT)
    if data is None:
        if file_path is None:
            raise ValidationError({"file": "Berkas wajib diisi (a file is required)"})
        data = Path(file_path).read_bytes()
        file_name = file_name or Path(file_path).name
    parsed = parse_file(data, file_name, today=timezone.localdate())
    with checkpoints.deferred(), bulk.sqlite_cache(), transaction.atomic():
        imp = _write(parsed, data, file_name, actor)
        imp.seconds = round(time.perf_counter() - started, 3)
        imp.save(update_fields=["seconds"])
    return imp


def _write(parsed: Parsed, data: bytes, file_name: str, actor: Actor | None) -> PaymentImport:
    region = _region_of(actor)
    imp = PaymentImport.objects.create(
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        region_code=region,
        imported_by=actor if isinstance(actor, User) else None,
        rows_read=parsed.rows_read,
        invalid=parsed.invalid,
        problems=[p.as_dict() for p in parsed.problems[:MAX_PROBLEMS]],
    )
    created = _insert(parsed, imp, region)
    allocated = allocation.allocate(created.fresh, fresh=created.fresh)
    imp.payments_created = created.total
    imp.matched = created.matched
    imp.unmatched = created.total - created.matched
    imp.duplicates = len(parsed.rows) - created.total + parsed.repeated
    imp.allocations = allocated.allocations
    imp.save(
        update_fields=["payments_created", "matched", "unmatched", "duplicates", "allocations"]
    )
    audit.record(
        actor=actor,
        action="payment.import",
        obj=imp,
        region_code=region,
        after={
            **{k: v for k, v in import_counts(imp).items() if k != "seconds"},
            "amount_allocated": allocated.amount,
            "sha256": imp.sha256,
        },
        note=imp.file_name,
    )
    return imp


def _insert(parsed: Parsed, imp: PaymentImport, region: str) -> _Created:
    bulk.temp_table(
        STAGE,
        "reference varchar(64), virtual_account varchar(20), amount bigint, paid_on date",
    )
    bulk.insert(
        STAGE,
        ("reference", "virtual_account", "amount", "paid_on"),
        ((r.reference, r.virtual_account, r.amount, r.paid_on) for r in parsed.rows),
    )
    user_id = getattr(imp.imported_by, "pk", None)
    now = timezone.now()
    if bulk.is_postgres():
        bulk.execute(f"ANALYZE {STAGE}")  # the planner's row count for the joins below
        # Sorting the file by reference in memory, not in temporary files (this transaction).
        bulk.fetch("SELECT set_config('work_mem', %s, true)", [SORT_MEMORY])
    bulk.execute(INSERT_SQL, [region, imp.pk, user_id, now])
    bulk.execute(LEDGER_SQL, [now, imp.pk])
    fresh: dict[int, list[Credit]] = defaultdict(list)
    total = 0
    for payment_id, payer_id, paid_on, amount in bulk.fetch(CREATED_SQL, [imp.pk]):
        total += 1
        if payer_id is not None:
            fresh[payer_id].append(Credit(payment_id, bulk.to_date(paid_on), amount))
    matched = sum(len(c) for c in fresh.values())
    return _Created(total=total, matched=matched, fresh=dict(fresh))


def _region_of(actor: Actor | None) -> str:
    prefixes = actor.region_prefixes if actor is not None else ()
    return prefixes[0] if prefixes else ""


def import_counts(imp: PaymentImport) -> dict[str, int | float]:
    """The numbers of the result report, as the CLI and the audit event show them."""
    return {
        "rows_read": imp.rows_read,
        "created": imp.payments_created,
        "duplicates": imp.duplicates,
        "matched": imp.matched,
        "unmatched": imp.unmatched,
        "invalid": imp.invalid,
        "allocations": imp.allocations,
        "seconds": imp.seconds,
    }
