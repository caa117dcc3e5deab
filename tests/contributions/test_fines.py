"""Late fines (pure, from the rule tables) and arrears per payer as of a date (database).

PU: 2 % per month of delay on the contribution due (PP 44/2015), 0.5 % and day 30 for the
contribution months 2020-08..2021-01 (PP 49/2020 Pasal 23); BPU: no fine (REGULATIONS.md §1)."""

from __future__ import annotations

from typing import Any

import pytest

from lindungi.contributions.coverage.rules import PaymentRules
from lindungi.contributions.coverage.sample import Account, account, d, rules_from_file
from lindungi.contributions.fines import Arrears, arrears, late_fine, months_late
from lindungi.contributions.models import Allocation
from lindungi.core.errors import PermissionDenied

RULES = rules_from_file()


@pytest.mark.parametrize(
    ("due", "paid", "months"),
    [
        ("2026-11-15", "2026-11-14", 0),
        ("2026-11-15", "2026-11-15", 0),  # on the due date: on time
        ("2026-11-15", "2026-11-16", 1),  # any delay is a month begun
        ("2026-11-15", "2026-12-20", 1),
        ("2026-11-15", "2026-12-31", 1),
        ("2026-11-15", "2027-01-01", 2),
        ("2026-11-15", "2027-01-16", 2),
        ("2026-11-15", "2027-11-16", 12),
        ("2020-10-30", "2020-11-10", 1),
    ],
)
def test_months_late(due: str, paid: str, months: int) -> None:
    assert months_late(due_date=d(due), paid_on=d(paid)) == months


@pytest.mark.parametrize(
    ("amount", "month", "due", "paid", "segment", "fine"),
    [
        (1_000_000, "2026-10", "2026-11-15", "2026-12-20", "PU", 20_000),  # 2 % x 1
        (1_000_000, "2026-10", "2026-11-15", "2027-01-16", "PU", 40_000),  # 2 % x 2
        (1_000_000, "2026-10", "2026-11-15", "2026-11-15", "PU", 0),
        (1_000_000, "2020-09", "2020-10-30", "2020-11-10", "PU", 5_000),  # PP 49/2020: 0.5 %
        (1_000_000, "2021-01", "2021-02-28", "2021-03-01", "PU", 5_000),
        (1_000_000, "2021-02", "2021-03-15", "2021-03-16", "PU", 20_000),  # 2 % again
        (1_000_000, "2020-07", "2020-08-15", "2020-08-16", "PU", 20_000),
        (462_025, "2026-10", "2026-11-15", "2026-12-01", "PU", 9_241),  # 9,240.5 half up
        (100_100, "2020-09", "2020-10-30", "2020-11-01", "PU", 501),  # 500.5 half up
        (16_800, "2026-11", "2026-11-15", "2027-03-01", "BPU", 0),  # no fine for BPU
        (1_000_000, "2026-10", "2026-11-15", "2026-12-20", "PMI", 0),
        (1_000_000, "2026-10", "2026-11-15", "2026-12-20", "JAKON", 0),
        (0, "2026-10", "2026-11-15", "2026-12-20", "PU", 0),
    ],
)
def test_late_fine(amount: int, month: str, due: str, paid: str, segment: str, fine: int) -> None:
    found = late_fine(
        amount=amount,
        due_date=d(due),
        paid_on=d(paid),
        month=d(month),
        rates=RULES,
        segment=segment,
    )
    assert found == fine


def test_late_fine_without_a_rule_is_zero() -> None:
    assert (
        late_fine(
            amount=1_000_000,
            due_date=d("2026-11-15"),
            paid_on=d("2026-12-20"),
            month=d("2026-10"),
            rates=PaymentRules(()),
        )
        == 0
    )


# --- arrears ------------------------------------------------------------------------------

OCT, NOV, DEC = d("2026-10"), d("2026-11"), d("2026-12")


def employer() -> Account:
    return account(segment="PU", employer=True)


def one(rows: list[Arrears], payer_id: int) -> dict[str, Any]:
    found = [r for r in rows if r.payer_id == payer_id]
    assert len(found) <= 1
    if not found:
        return {}
    r = found[0]
    return {
        "unpaid": r.unpaid,
        "months_unpaid": r.months_unpaid,
        "months_overdue": r.months_overdue,
        "oldest_due": r.oldest_due,
        "fine_unpaid": r.fine_unpaid,
        "fine_paid_late": r.fine_paid_late,
        "fine": r.fine,
    }


def row(
    unpaid: int, months: int, overdue: int, due: str | None, fu: int, fl: int
) -> dict[str, Any]:
    return {
        "unpaid": unpaid,
        "months_unpaid": months,
        "months_overdue": overdue,
        "oldest_due": d(due) if due else None,
        "fine_unpaid": fu,
        "fine_paid_late": fl,
        "fine": fu + fl,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-11-15", {}),  # due that day: not yet in arrears
        ("2026-11-16", row(1_000_000, 1, 1, "2026-11-15", 20_000, 0)),
        ("2026-12-20", row(1_000_000, 1, 1, "2026-11-15", 20_000, 0)),
        ("2027-01-16", row(1_000_000, 1, 2, "2026-11-15", 40_000, 0)),
    ],
)
def test_unpaid_pu_contribution_accrues_2_percent_a_month(
    as_of: str, expected: dict[str, Any]
) -> None:
    acct = employer()
    acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15"))
    assert one(arrears(actor=None, as_of=d(as_of)), acct.payer.pk) == expected


@pytest.mark.django_db
def test_two_months_unpaid_and_a_partial_payment() -> None:
    acct = employer()
    oct_line, *_ = acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15"))
    acct.bill(NOV, {"JHT": 1_000_000}, due=d("2026-12-15"))
    acct.pay(d("2026-11-10"), [(oct_line, 600_000)])  # on time, but only part
    # Oct: 400,000 x 2 % x 2 (Nov→Jan) = 16,000; Nov: 1,000,000 x 2 % x 1 = 20,000.
    found = one(arrears(actor=None, as_of=d("2027-01-05")), acct.payer.pk)
    assert found == row(1_400_000, 2, 2, "2026-11-15", 36_000, 0)


@pytest.mark.django_db
def test_paid_late_leaves_the_fine_only() -> None:
    acct = employer()
    acct.pay_all(d("2026-12-20"), acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15")))
    assert one(arrears(actor=None, as_of=d("2027-01-31")), acct.payer.pk) == row(
        0, 0, 0, None, 0, 20_000
    )
    # Before the payment was made it was unpaid, with the fine accrued to that day.
    assert one(arrears(actor=None, as_of=d("2026-12-19")), acct.payer.pk) == row(
        1_000_000, 1, 1, "2026-11-15", 20_000, 0
    )


@pytest.mark.django_db
def test_pp_49_2020_month_half_a_percent_and_day_30() -> None:
    acct = employer()
    acct.bill(d("2020-09"), {"JHT": 1_000_000}, due=d("2020-10-30"))
    assert one(arrears(actor=None, as_of=d("2020-10-30")), acct.payer.pk) == {}
    assert one(arrears(actor=None, as_of=d("2020-11-10")), acct.payer.pk) == row(
        1_000_000, 1, 1, "2020-10-30", 5_000, 0
    )


@pytest.mark.django_db
def test_bpu_arrears_carry_no_fine() -> None:
    acct = account(segment="BPU")
    acct.bill(NOV, {"JKK": 10_000, "JKM": 6_800}, due=d("2026-11-15"))
    assert one(arrears(actor=None, as_of=d("2027-02-20")), acct.payer.pk) == row(
        16_800, 1, 3, "2026-11-15", 0, 0
    )


@pytest.mark.django_db
def test_negative_adjustment_nets_the_key() -> None:
    acct = employer()
    regular, *_ = acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15"))
    acct.bill(OCT, {"JHT": -200_000}, due=d("2026-12-15"), adjustment=True)
    assert one(arrears(actor=None, as_of=d("2026-12-20")), acct.payer.pk) == row(
        800_000, 1, 1, "2026-11-15", 16_000, 0
    )
    acct.pay(d("2026-11-14"), [(regular, 800_000)])
    assert one(arrears(actor=None, as_of=d("2026-12-20")), acct.payer.pk) == {}


@pytest.mark.django_db
def test_positive_adjustment_falls_due_on_its_own_date() -> None:
    acct = employer()
    acct.pay_all(d("2026-11-10"), acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15")))
    acct.bill(OCT, {"JHT": 100_000}, due=d("2026-12-15"), adjustment=True)
    assert one(arrears(actor=None, as_of=d("2026-12-15")), acct.payer.pk) == {}
    assert one(arrears(actor=None, as_of=d("2026-12-20")), acct.payer.pk) == row(
        100_000, 1, 1, "2026-12-15", 2_000, 0
    )


@pytest.mark.django_db
def test_reversed_payment_reopens_the_arrears() -> None:
    acct = employer()
    line, *_ = acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15"))
    payment = acct.pay(d("2026-11-10"), [(line, 1_000_000)])
    Allocation.objects.create(payment=payment, line=line, amount=-1_000_000)
    assert one(arrears(actor=None, as_of=d("2026-12-20")), acct.payer.pk) == row(
        1_000_000, 1, 1, "2026-11-15", 20_000, 0
    )


@pytest.mark.django_db
def test_order_filters_and_limit() -> None:
    small, large = employer(), employer()
    small.bill(OCT, {"JHT": 100_000}, due=d("2026-11-15"))
    large.bill(OCT, {"JHT": 900_000}, due=d("2026-11-15"))
    rows = arrears(actor=None, as_of=d("2026-12-20"))
    ids = [r.payer_id for r in rows]
    assert ids.index(large.payer.pk) < ids.index(small.payer.pk)
    assert [r.payer_id for r in arrears(actor=None, as_of=d("2026-12-20"), limit=1)] == [ids[0]]
    only = arrears(actor=None, as_of=d("2026-12-20"), payer_id=small.payer.pk)
    assert [(r.payer_id, r.unpaid, r.fine, r.payer_kind) for r in only] == [
        (small.payer.pk, 100_000, 2_000, "employer")
    ]
    assert arrears(actor=None, as_of=d("2026-12-20"), region="61.12") == []
    in_kukar = arrears(actor=None, as_of=d("2026-12-20"), region="64.02.01")
    assert {small.payer.pk, large.payer.pk} <= {r.payer_id for r in in_kukar}


@pytest.mark.django_db
def test_scope_and_permission(
    branch_officer_kukar: Any, branch_officer_kubu_raya: Any, dprd_kaltim: Any
) -> None:
    acct = employer()
    acct.bill(OCT, {"JHT": 1_000_000}, due=d("2026-11-15"))
    seen = arrears(actor=branch_officer_kukar, as_of=d("2026-12-20"))
    assert [r.payer_id for r in seen] == [acct.payer.pk]
    assert arrears(actor=branch_officer_kubu_raya, as_of=d("2026-12-20")) == []
    with pytest.raises(PermissionDenied):
        arrears(actor=dprd_kaltim, as_of=d("2026-12-20"))
