"""Pure rules: allocation by hand, pledge status, receipt numbers, rupiah in words, suppression."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.donations import rules

YEAR_2027 = tuple((date(2027, m, 1), 16_800) for m in range(1, 13))


def _workers(n: int) -> list[rules.Beneficiary]:
    return [rules.Beneficiary(w, YEAR_2027) for w in range(1, n + 1)]


def test_one_million_and_half_a_million_over_eight_workers() -> None:
    """Rp1,000,000 then Rp500,000 at Rp16,800 a worker-month (Rp201,600 a worker-year)."""
    pieces = rules.allocate(donations=[(1, 1_000_000), (2, 500_000)], beneficiaries=_workers(8))
    by_donation = {
        d: (
            sum(p.amount for p in pieces if p.donation == d),
            sum(p.months for p in pieces if p.donation == d),
        )
        for d in (1, 2)
    }
    # 1,000,000 // 16,800 = 59 months (991,200) and 8,800 towards the 60th, which the second
    # donation completes (8,000): it counts 1 + 29 = 30 months, and 4,800 is left towards the
    # 90th. 89 months in all = 1,500,000 // 16,800; 1,500,000 - 89 x 16,800 = 4,800.
    assert by_donation == {1: (1_000_000, 59), 2: (500_000, 30)}
    last = [p for p in pieces if p.worker == 8]
    assert [(p.donation, p.amount, p.months, p.first, p.last) for p in last] == [
        (2, 88_800, 5, date(2027, 1, 1), date(2027, 5, 1))
    ]
    assert 1_500_000 - 89 * 16_800 == 4_800


@pytest.mark.parametrize(
    ("donations", "workers", "months"),
    [
        ([(1, 16_799)], 1, {1: 0}),  # a rupiah short of one month
        ([(1, 16_800)], 1, {1: 1}),
        ([(1, 8_400), (2, 8_400)], 1, {1: 0, 2: 1}),  # the one paying the last rupiah counts it
        ([(1, 201_600), (2, 201_600)], 1, {1: 12}),  # the second has nobody left to pay for
        ([(1, 0), (2, -5), (3, 16_800)], 1, {3: 1}),  # reversed (net 0) donations pay nothing
    ],
)
def test_months_are_counted_for_the_donation_that_completes_them(
    donations: list[tuple[int, int]], workers: int, months: dict[int, int]
) -> None:
    pieces = rules.allocate(donations=donations, beneficiaries=_workers(workers))
    assert {p.donation: p.months for p in pieces} == months


@pytest.mark.parametrize(
    ("current", "amount", "received", "status"),
    [
        ("open", 100, 99, "open"),
        ("open", 100, 100, "fulfilled"),
        ("fulfilled", 100, 40, "open"),
        ("cancelled", 100, 100, "cancelled"),
    ],
)
def test_pledge_status(current: str, amount: int, received: int, status: str) -> None:
    assert rules.pledge_status(current=current, amount=amount, received=received) == status


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (11, "sebelas rupiah"),
        (16_800, "enam belas ribu delapan ratus rupiah"),
        (100_000, "seratus ribu rupiah"),
        (1_000, "seribu rupiah"),
        (1_500_000, "satu juta lima ratus ribu rupiah"),
        (201_600, "dua ratus satu ribu enam ratus rupiah"),
        (2_000_000_000, "dua miliar rupiah"),
        (1_111_111, "satu juta seratus sebelas ribu seratus sebelas rupiah"),
        (-5_000, "minus lima ribu rupiah"),
    ],
)
def test_terbilang(amount: int, words: str) -> None:
    assert rules.terbilang(amount) == words


def test_receipt_number() -> None:
    assert rules.receipt_number(pool_id=3, year=2027, seq=7) == "00007/GNL-3/2027"


def test_budget_is_the_money_received_but_never_zero() -> None:
    assert [rules.budget_for(r) for r in (0, -10, 1, 1_500_000)] == [1, 1, 1, 1_500_000]
