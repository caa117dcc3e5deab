"""Allocate payers' credit to their open lines: payers locked in id order, state read in chunks,
settled in Python per payer (fifo.settle), written back set-based.

Each payer's PayerAccount remembers how far allocation has got (open_from, invoices_through,
rescan_from), so only invoices that can still hold an open line are read, not the whole history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from lindungi.contributions.coverage.services import paid_through_refresh
from lindungi.contributions.payments import bulk
from lindungi.contributions.payments.fifo import Credit, Held, Key, Line, Outcome, settle
from lindungi.contributions.payments.sql import (
    ACCOUNTS_SQL,
    ACCOUNTS_TEMP,
    HELD_SQL,
    KEY_LINES_SQL,
    UPSERT_SQL,
    credit_sql,
    lines_sql,
)
from lindungi.core.bulk import in_list

CHUNK = 5000
# Invoices issued this long before the state was saved are read again: one committed late by a
# concurrent billing run (a lower id, invisible then) is still found.
RESCAN = timedelta(days=1)


@dataclass
class Allocated:
    """What one allocation pass did."""

    payers: int = 0
    allocations: int = 0
    amount: int = 0  # net rupiah moved onto lines
    credit: int = 0  # left as credit with these payers


@dataclass(frozen=True)
class _Account:
    open_from: date | None
    invoices_through: int
    credit: int


def lock_payers(payer_ids: Sequence[int]) -> None:
    """SELECT … FOR UPDATE in id order; on SQLite the IMMEDIATE transaction already serialises."""
    if not bulk.is_postgres() or not payer_ids:
        return
    bulk.fetch(
        "SELECT id FROM registry_payer WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
        [sorted(payer_ids)],
    )


def allocate(
    payer_ids: Iterable[int], *, fresh: Mapping[int, Sequence[Credit]] | None = None
) -> Allocated:
    """Lock the payers and spend their credit (and `fresh`, not yet allocated) on open lines."""
    ordered = sorted(set(payer_ids))
    total = Allocated()
    with bulk.lookup_plans():
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            lock_payers(chunk)
            _allocate_chunk(chunk, fresh or {}, total)
    return total


def _allocate_chunk(
    chunk: list[int], fresh: Mapping[int, Sequence[Credit]], total: Allocated
) -> None:
    accounts = _accounts(chunk)
    lines, netted = _lines(chunk)
    held = _held(lines, netted)
    # A payer without an account row has had no payment allocated yet: only `fresh` money.
    credits = _credits([p for p in chunk if p in accounts and accounts[p].credit > 0], fresh)
    now = timezone.now()
    stamp = bulk.db_value(now)
    allocations: list[tuple[int, int, int, Any]] = []
    states: list[tuple[Any, ...]] = []
    for payer in chunk:
        outcome = settle(lines.get(payer, []), [*fresh.get(payer, ()), *credits[payer]], held)
        allocations.extend((*a, stamp) for a in outcome.allocations)
        states.append(_state(payer, accounts.get(payer), lines.get(payer, []), outcome, now))
        total.allocations += len(outcome.allocations)
        total.amount += sum(a[2] for a in outcome.allocations)
        total.credit += outcome.credit
    total.payers += len(chunk)
    bulk.insert(
        "contributions_allocation",
        ("payment_id", "line_id", "amount", "allocated_at"),
        allocations,
        ready=True,
    )
    _save_states(states)
    # Allocation only adds money to open lines, so each touched membership's stored month stays
    # paid and only the months after it need reading (docs/coverage.md, "extend_only").
    touched = {a[1] for a in allocations}
    paid_through_refresh(
        membership_ids={
            line.membership_id
            for payer_lines in lines.values()
            for line in payer_lines
            if line.id in touched
        },
        extend_only=True,
    )


def _accounts(chunk: list[int]) -> dict[int, _Account]:
    where, params = in_list(chunk)
    rows = bulk.fetch(ACCOUNTS_SQL.format(payers=where), params)
    return {r[0]: _Account(bulk.to_date_or_none(r[1]), int(r[2]), int(r[3])) for r in rows}


def _lines(chunk: list[int]) -> tuple[dict[int, list[Line]], set[tuple[int, Key]]]:
    """Lines of invoices that may be open; keys with a negative line completed from history."""
    by_payer: dict[int, list[Line]] = defaultdict(list)
    netted: set[tuple[int, Key]] = set()
    make = Line._make
    for row in bulk.fetch(*lines_sql(chunk)):
        line = make(row[:8])
        by_payer[row[8]].append(line)
        if line.amount < 0:
            netted.add((row[8], line.key))
    for payer, (membership, programme, month) in sorted(netted):
        known = {line.id for line in by_payer[payer]}
        params = [payer, membership, programme, bulk.to_date(month)]
        for row in bulk.fetch(KEY_LINES_SQL, params):
            if row[0] not in known:
                by_payer[payer].append(make(row[:8]))
    return by_payer, netted


def _held(lines: dict[int, list[Line]], netted: set[tuple[int, Key]]) -> dict[int, list[Held]]:
    """Per line of a netted key, what each payment holds of it (none elsewhere: not needed)."""
    ids = [
        line.id
        for payer, key in sorted(netted)
        for line in lines[payer]
        if line.key == key and line.allocated > 0
    ]
    held: dict[int, list[Held]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        where, params = in_list(ids[start : start + CHUNK])
        for line_id, payment_id, paid_on, amount in bulk.fetch(
            HELD_SQL.format(lines=where), params
        ):
            held[line_id].append(Held(payment_id, bulk.to_date(paid_on), int(amount)))
    return held


def _credits(payers: list[int], fresh: Mapping[int, Sequence[Credit]]) -> dict[int, list[Credit]]:
    """Unallocated money of earlier payments, for payers that have (or may have) credit."""
    found: dict[int, list[Credit]] = defaultdict(list)
    if not payers:
        return found
    fresh_ids = {c.payment_id for payer in payers for c in fresh.get(payer, ())}
    for payment_id, payer, paid_on, remaining in bulk.fetch(*credit_sql(payers)):
        if payment_id not in fresh_ids:
            found[payer].append(Credit(payment_id, bulk.to_date(paid_on), int(remaining)))
    return found


def _state(
    payer: int, account: _Account | None, lines: list[Line], outcome: Outcome, now: datetime
) -> tuple[Any, ...]:
    seen = max((line.invoice_id for line in lines), default=0)
    through = max(seen, account.invoices_through if account else 0)
    open_from = bulk.to_date(outcome.open_from) if outcome.open_from else None
    return (payer, open_from, through, now - RESCAN, outcome.credit, now)


def _save_states(states: list[tuple[Any, ...]]) -> None:
    bulk.temp_table(
        ACCOUNTS_TEMP,
        "payer_id bigint, open_from date, invoices_through bigint, rescan_from timestamp"
        + (" with time zone" if bulk.is_postgres() else "")
        + ", credit bigint, updated_at timestamp"
        + (" with time zone" if bulk.is_postgres() else ""),
    )
    bulk.insert(
        ACCOUNTS_TEMP,
        ("payer_id", "open_from", "invoices_through", "rescan_from", "credit", "updated_at"),
        states,
    )
    bulk.execute(UPSERT_SQL)


def reopen(payer_id: int, month: date) -> None:
    """Lines of invoices from `month` on may be open again (after a reversal)."""
    bulk.execute(
        "UPDATE contributions_payeraccount SET open_from = %s"
        " WHERE payer_id = %s AND (open_from IS NULL OR open_from > %s)",
        [month, payer_id, month],
    )
