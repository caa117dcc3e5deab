"""paid_through_refresh: the last month of an unbroken run of fully paid months, recomputed for
the given memberships only; and its place after allocation (payments) and billing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lindungi.contributions.coverage.sample import Account, account, d
from lindungi.contributions.coverage.services import (
    paid_through_refresh,
    paid_through_refresh_for_run,
)
from lindungi.contributions.models import Allocation, InvoiceLine, PaidThrough
from lindungi.contributions.payments.services import payment_record, payment_reverse

pytestmark = pytest.mark.django_db
SEP, OCT, NOV, DEC = d("2026-09"), d("2026-10"), d("2026-11"), d("2026-12")
BPU = {"JKK": 10_000, "JKM": 6_800}
PAID = d("2026-11-05")


def paid_through(acct: Account) -> date | None:
    return (
        PaidThrough.objects.filter(membership=acct.membership)
        .values_list("month", flat=True)
        .first()
    )


def billed(*months: date) -> tuple[Account, dict[date, list[InvoiceLine]]]:
    acct = account(segment="BPU")
    return acct, {m: acct.bill(m, BPU, due=m.replace(day=15)) for m in months}


def pay_months(acct: Account, lines: dict[date, list[InvoiceLine]], *months: date) -> None:
    for month in months:
        acct.pay_all(PAID, lines[month])


Scenario = Callable[[Account, dict[date, list[InvoiceLine]]], None]


def _partial(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, SEP, OCT)
    acct.pay(PAID, [(lines[NOV][0], 10_000), (lines[NOV][1], 6_799)])


def _gap_first(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, OCT, NOV)


def _adjusted_up(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, SEP, OCT, NOV)
    acct.bill(OCT, {"JKK": 2_000}, due=d("2026-11-15"), adjustment=True)


def _adjusted_up_paid(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    _adjusted_up(acct, lines)
    acct.pay_all(PAID, acct.lines[-1:])


def _adjusted_down(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, SEP, OCT)
    acct.pay(PAID, [(lines[NOV][0], 8_000), (lines[NOV][1], 6_800)])
    acct.bill(NOV, {"JKK": -2_000}, due=d("2026-12-15"), adjustment=True)


def _reversed(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, SEP, OCT, NOV)
    payment = Allocation.objects.filter(line=lines[SEP][0]).get().payment
    Allocation.objects.bulk_create(
        Allocation(payment=payment, line=line, amount=-line.amount) for line in lines[SEP]
    )


def _cancelled_month(acct: Account, lines: dict[date, list[InvoiceLine]]) -> None:
    pay_months(acct, lines, SEP, OCT, NOV)
    acct.bill(OCT, {"JKK": -10_000, "JKM": -6_800}, due=d("2026-11-15"), adjustment=True)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        (lambda a, ls: None, None),  # nothing paid
        (lambda a, ls: pay_months(a, ls, SEP), SEP),
        (lambda a, ls: pay_months(a, ls, SEP, OCT, NOV), NOV),
        (_partial, OCT),  # one rupiah short in November
        (_gap_first, None),  # the first billed month is unpaid
        (_adjusted_up, SEP),  # an unpaid adjustment reopens October
        (_adjusted_up_paid, NOV),
        (_adjusted_down, NOV),  # a negative adjustment completes November
        (_reversed, None),  # a reversal (negative allocations) reopens September
        (_cancelled_month, SEP),  # a month whose lines net to zero is not a paid month
    ],
)
def test_paid_through(scenario: Scenario, expected: date | None) -> None:
    acct, lines = billed(SEP, OCT, NOV)
    scenario(acct, lines)
    paid_through_refresh(membership_ids=[acct.membership.pk])
    assert paid_through(acct) == expected


def test_an_unbilled_month_breaks_the_run() -> None:
    acct, lines = billed(SEP, NOV)  # October never billed
    pay_months(acct, lines, SEP, NOV)
    paid_through_refresh(membership_ids=[acct.membership.pk])
    assert paid_through(acct) == SEP


def test_moves_back_and_forth_and_is_idempotent() -> None:
    acct, lines = billed(SEP, OCT)
    pay_months(acct, lines, SEP, OCT)
    assert paid_through_refresh(membership_ids=[acct.membership.pk]) == 1
    assert paid_through_refresh(membership_ids=[acct.membership.pk]) == 0  # nothing changed
    payment = Allocation.objects.filter(line=lines[SEP][0]).get().payment
    Allocation.objects.create(payment=payment, line=lines[SEP][0], amount=-10_000)
    assert paid_through_refresh(membership_ids=[acct.membership.pk]) == 1
    assert paid_through(acct) is None  # the row stays, with no month
    assert PaidThrough.objects.filter(membership=acct.membership).exists()


def test_extend_only_reads_the_months_after_the_stored_one() -> None:
    acct, lines = billed(SEP, OCT, NOV)
    pay_months(acct, lines, SEP, OCT)
    paid_through_refresh(membership_ids=[acct.membership.pk], extend_only=True)  # no row yet
    assert paid_through(acct) == OCT
    # A reversal of September that nobody refreshed in full: extending trusts the stored month,
    payment = Allocation.objects.filter(line=lines[SEP][0]).get().payment
    Allocation.objects.create(payment=payment, line=lines[SEP][0], amount=-10_000)
    pay_months(acct, lines, NOV)
    paid_through_refresh(membership_ids=[acct.membership.pk], extend_only=True)
    assert paid_through(acct) == NOV
    # which is why reversals (and billing) refresh in full.
    paid_through_refresh(membership_ids=[acct.membership.pk])
    assert paid_through(acct) is None


@pytest.mark.parametrize(
    ("months", "paid", "expected"),
    [
        ((SEP, NOV), (SEP, NOV), SEP),  # October never billed: the run stops
        ((SEP, OCT, NOV), (SEP, NOV), SEP),  # October unpaid
        ((SEP, OCT, NOV), (SEP, OCT, NOV), NOV),
    ],
)
def test_extend_only_keeps_the_run_unbroken(
    months: tuple[date, ...], paid: tuple[date, ...], expected: date
) -> None:
    acct, lines = billed(*months)
    pay_months(acct, lines, SEP)
    paid_through_refresh(membership_ids=[acct.membership.pk])
    pay_months(acct, lines, *paid[1:])
    paid_through_refresh(membership_ids=[acct.membership.pk], extend_only=True)
    assert paid_through(acct) == expected


def test_only_the_given_memberships_are_recomputed() -> None:
    mine, my_lines = billed(SEP)
    other, other_lines = billed(SEP)
    pay_months(mine, my_lines, SEP)
    pay_months(other, other_lines, SEP)
    stale = date(2020, 1, 1)
    PaidThrough.objects.create(membership=other.membership, month=stale)
    assert paid_through_refresh(membership_ids=[mine.membership.pk, mine.membership.pk]) == 1
    assert (paid_through(mine), paid_through(other)) == (SEP, stale)
    assert paid_through_refresh(membership_ids=[]) == 0
    paid_through_refresh()  # None: every membership (a repair)
    assert paid_through(other) == SEP


def test_unknown_or_unbilled_memberships_write_nothing() -> None:
    acct = account(segment="BPU")
    assert paid_through_refresh(membership_ids=[acct.membership.pk, 10**9]) == 0
    assert not PaidThrough.objects.filter(membership=acct.membership).exists()


def test_after_a_billing_run_only_affected_memberships() -> None:
    acct, lines = billed(SEP, OCT)
    pay_months(acct, lines, SEP, OCT)
    paid_through_refresh(membership_ids=[acct.membership.pk])
    later, later_lines = billed(SEP)  # paid, never refreshed: not this run's business
    pay_months(later, later_lines, SEP)
    adjustment = acct.bill(SEP, {"JKK": 500}, due=d("2026-12-15"), adjustment=True)
    assert paid_through_refresh_for_run(run_id=adjustment[0].invoice.run_id) == 1
    assert (paid_through(acct), paid_through(later)) == (None, None)


# --- with the payments code ---------------------------------------------------------------


def _record(acct: Account, amount: int, reference: str) -> None:
    payment_record(
        virtual_account=f"88{acct.payer.pk:012d}",
        amount=amount,
        paid_on=PAID,
        bank_reference=reference,
        actor=None,
    )


def _with_virtual_account(acct: Account) -> None:
    acct.payer.virtual_account = f"88{acct.payer.pk:012d}"
    acct.payer.save(update_fields=["virtual_account"])


def test_recording_a_payment_moves_paid_through() -> None:
    acct, _ = billed(SEP, OCT, NOV)
    _with_virtual_account(acct)
    _record(acct, 33_600, "COV-1")  # September and October, oldest first
    assert paid_through(acct) == OCT
    _record(acct, 16_800, "COV-2")
    assert paid_through(acct) == NOV


def test_refresh_after_allocation_matches_what_was_paid() -> None:
    """What the hook does, called by hand: the allocation's memberships, after it."""
    acct, _ = billed(SEP, OCT, NOV)
    _with_virtual_account(acct)
    _record(acct, 40_000, "COV-3")  # Sep, Oct in full; 6,400 on November's JKK
    paid_through_refresh(membership_ids=[acct.membership.pk])
    assert paid_through(acct) == OCT
    _record(acct, 10_400, "COV-4")  # 3,600 more for JKK, 6,800 for JKM
    paid_through_refresh(membership_ids=[acct.membership.pk])
    assert paid_through(acct) == NOV


def test_reversing_a_payment_moves_paid_through_back() -> None:
    acct, _ = billed(SEP, OCT, NOV)
    _with_virtual_account(acct)
    _record(acct, 16_800, "COV-R1")
    second = payment_record(
        virtual_account=f"88{acct.payer.pk:012d}",
        amount=16_800,
        paid_on=PAID,
        bank_reference="COV-R2",
        actor=None,
    )
    assert paid_through(acct) == OCT
    payment_reverse(payment_id=second.pk, reason="bounced", actor=None)
    assert paid_through(acct) == SEP
