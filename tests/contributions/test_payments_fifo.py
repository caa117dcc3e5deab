"""fifo.settle: oldest line first, oldest money first, netted adjustment keys. Pure."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.contributions.payments.fifo import Credit, Held, Line, settle

SEP, OCT, NOV = "2026-09-01", "2026-10-01", "2026-11-01"


def _line(
    line_id: int, month: str, programme: str, amount: int, allocated: int = 0, invoice: int = 0
) -> Line:
    return Line(
        id=line_id,
        invoice_id=invoice or int(month[5:7]),
        invoice_month=month,
        membership_id=7,
        programme=programme,
        month=month,
        amount=amount,
        allocated=allocated,
    )


BILLED = [
    _line(1, SEP, "JKK", 10_000),
    _line(2, SEP, "JKM", 6_800),
    _line(3, OCT, "JKK", 10_000),
    _line(4, OCT, "JKM", 6_800),
    _line(5, NOV, "JKK", 10_000),
    _line(6, NOV, "JKM", 6_800),
]


@pytest.mark.parametrize(
    ("credits", "allocations", "credit", "open_from"),
    [
        ([(1, 16_800)], [(1, 1, 10_000), (1, 2, 6_800)], 0, OCT),
        ([(1, 12_000)], [(1, 1, 10_000), (1, 2, 2_000)], 0, SEP),
        (
            [(2, 5_000), (1, 10_000)],  # payment 1 is older (paid first), so it is spent first
            [(1, 1, 10_000), (2, 2, 5_000)],
            0,
            SEP,
        ),
        (
            [(1, 60_000)],
            [(1, i, a) for i, a in zip(range(1, 7), [10_000, 6_800] * 3, strict=True)],
            9_600,
            None,
        ),
        ([], [], 0, SEP),
    ],
)
def test_oldest_lines_and_oldest_money_first(
    credits: list[tuple[int, int]],
    allocations: list[tuple[int, int, int]],
    credit: int,
    open_from: str | None,
) -> None:
    pool = [Credit(pid, date(2026, 11, pid), amount) for pid, amount in credits]
    outcome = settle(BILLED, pool, {})
    assert outcome.allocations == allocations
    assert (outcome.credit, outcome.open_from) == (credit, open_from)


def test_partly_paid_lines_continue_and_invoice_then_line_order_within_a_month() -> None:
    lines = [
        _line(9, SEP, "JKK", 2_000, invoice=20),  # an adjustment invoice for the same month
        _line(1, SEP, "JKK", 10_000, allocated=10_000, invoice=3),
        _line(2, SEP, "JKM", 6_800, allocated=1_000, invoice=3),
        _line(3, OCT, "JKK", 10_000, invoice=4),
    ]
    outcome = settle(lines, [Credit(5, date(2026, 11, 1), 8_000)], {})
    assert outcome.allocations == [(5, 2, 5_800), (5, 9, 2_000), (5, 3, 200)]
    assert outcome.open_from == OCT


def test_negative_adjustment_caps_the_key_and_gives_back_the_excess() -> None:
    lines = [
        _line(1, SEP, "JKK", 10_000, allocated=10_000),
        _line(2, SEP, "JKM", 6_800),
        _line(8, SEP, "JKK", -4_000, invoice=30),
    ]
    held = {1: [Held(payment_id=11, paid_on=date(2026, 10, 2), amount=10_000)]}
    outcome = settle(lines, [], held)
    assert outcome.allocations == [(11, 1, -4_000), (11, 2, 4_000)]
    assert (outcome.credit, outcome.open_from) == (0, SEP)


def test_give_back_takes_from_the_newest_payment_first() -> None:
    lines = [_line(1, SEP, "JKK", 10_000, allocated=10_000), _line(8, SEP, "JKK", -10_000)]
    held = {
        1: [
            Held(payment_id=11, paid_on=date(2026, 10, 2), amount=6_000),
            Held(payment_id=12, paid_on=date(2026, 10, 9), amount=4_000),
        ]
    }
    outcome = settle(lines, [], held)
    assert outcome.allocations == [(12, 1, -4_000), (11, 1, -6_000)]
    assert (outcome.credit, outcome.open_from) == (10_000, None)


def test_capped_key_is_not_open() -> None:
    lines = [_line(1, SEP, "JKK", 10_000, allocated=6_000), _line(8, SEP, "JKK", -4_000)]
    outcome = settle(lines, [Credit(1, date(2026, 11, 1), 5_000)], {})
    assert outcome.allocations == []
    assert (outcome.credit, outcome.open_from) == (5_000, None)
