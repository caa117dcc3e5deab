"""Which payment settles which invoice line: oldest line first, oldest money first. Pure.

A line is open while its allocations sum to less than its amount. Adjustment lines carry
differences for the same membership, programme and month (a "key"); where a key has a negative
line, the key's lines together are owed only their net sum, so allocations to the key are capped
there, and an allocation above the net is given back to the payments (newest first) as credit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import NamedTuple

Month = str  # ISO date of the 1st ("2026-09-01"), which sorts as the date does
Key = tuple[int, str, Month]  # membership, programme, contribution month


class Line(NamedTuple):
    """One invoice line as allocation sees it (a tuple: millions are built per import)."""

    id: int
    invoice_id: int
    invoice_month: Month
    membership_id: int
    programme: str
    month: Month
    amount: int
    allocated: int  # net sum of its allocations so far

    @property
    def key(self) -> Key:
        return (self.membership_id, self.programme, self.month)


ORDER = attrgetter("month", "invoice_id", "id")  # oldest month, then invoice, then line


@dataclass(slots=True)
class Credit:
    """Money of one payment not yet allocated; paid_on then id decide which is spent first."""

    payment_id: int
    paid_on: date
    remaining: int

    @property
    def order(self) -> tuple[date, int]:
        return (self.paid_on, self.payment_id)


@dataclass(frozen=True, slots=True)
class Held:
    """What one payment holds of one line (net, positive)."""

    payment_id: int
    paid_on: date
    amount: int


@dataclass
class Outcome:
    allocations: list[tuple[int, int, int]] = field(default_factory=list)  # payment, line, amount
    credit: int = 0  # left unallocated after settling
    open_from: Month | None = None  # earliest invoice month that still has an open line


def settle(
    lines: Sequence[Line], credits: Iterable[Credit], held: Mapping[int, Sequence[Held]]
) -> Outcome:
    """Allocate one payer's credit to its open lines; `held` is needed for netted keys only."""
    outcome = Outcome()
    pool = {c.payment_id: Credit(c.payment_id, c.paid_on, c.remaining) for c in credits}
    allocated = {line.id: line.allocated for line in lines}
    caps = _caps(lines)
    for netted, cap in caps.items():
        if cap < 0:
            _give_back(netted, -cap, lines, held, pool, allocated, outcome)
            caps[netted] = 0
    queue = sorted((c for c in pool.values() if c.remaining > 0), key=lambda c: c.order)
    spent = 0
    for line in sorted((x for x in lines if x.amount > 0), key=ORDER):
        due = line.amount - allocated[line.id]
        key = line.key if caps else None  # keys matter only where some are netted
        if key is not None and key in caps:
            due = min(due, caps[key])
        while due > 0 and spent < len(queue):
            credit = queue[spent]
            take = min(due, credit.remaining)
            outcome.allocations.append((credit.payment_id, line.id, take))
            credit.remaining -= take
            due -= take
            if key is not None and key in caps:
                caps[key] -= take
            if credit.remaining == 0:
                spent += 1
        if due > 0 and (outcome.open_from is None or line.invoice_month < outcome.open_from):
            outcome.open_from = line.invoice_month
    outcome.credit = sum(c.remaining for c in pool.values())
    return outcome


def _caps(lines: Sequence[Line]) -> dict[Key, int]:
    """Room left per key that has a negative line: net amount less net allocations."""
    netted = {line.key for line in lines if line.amount < 0}
    if not netted:
        return {}
    caps: dict[Key, int] = defaultdict(int)
    for line in lines:
        if line.key in netted:
            caps[line.key] += line.amount - line.allocated
    return dict(caps)


def _give_back(
    key: Key,
    excess: int,
    lines: Sequence[Line],
    held: Mapping[int, Sequence[Held]],
    pool: dict[int, Credit],
    allocated: dict[int, int],
    outcome: Outcome,
) -> None:
    """Undo `excess` of the key's allocations, newest line and newest payment first."""
    for line in sorted((x for x in lines if x.key == key and x.amount > 0), key=ORDER)[::-1]:
        for hold in sorted(held.get(line.id, ()), key=lambda h: (h.paid_on, h.payment_id))[::-1]:
            take = min(excess, hold.amount)
            if take <= 0:
                return
            outcome.allocations.append((hold.payment_id, line.id, -take))
            credit = pool.setdefault(hold.payment_id, Credit(hold.payment_id, hold.paid_on, 0))
            credit.remaining += take
            allocated[line.id] -= take
            excess -= take
