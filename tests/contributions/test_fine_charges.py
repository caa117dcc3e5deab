"""Settled late fines written to the ledger: once per date, corrected by difference, scoped by
permission. Figures: PU 2 % per month late (PP 44/2015, REGULATIONS.md §1.5)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.db.models import Sum

from lindungi.cli import main
from lindungi.contributions.coverage.sample import Account, account, d
from lindungi.contributions.fine_charges import fines_charge, fines_charged
from lindungi.contributions.models import Allocation
from lindungi.contributions.models.payments import LedgerEntry, LedgerKind
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SEP, OCT = d("2025-09"), d("2025-10")


def employer() -> Account:
    return account(segment="PU", employer=True, start=d("2025-01-01"))


def fines_of(acct: Account) -> list[int]:
    return list(
        LedgerEntry.objects.filter(payer=acct.payer, kind=LedgerKind.FINE)
        .order_by("id")
        .values_list("amount", flat=True)
    )


def test_a_late_payment_is_charged_its_fine_once() -> None:
    acct = employer()
    # October 2025 due 15 November, paid 20 December: one month late, 2 % of 1,000,000.
    acct.pay_all(d("2025-12-20"), acct.bill(OCT, {"JHT": 1_000_000}, due=d("2025-11-15")))
    first = fines_charge(as_of=d("2026-01-31"), actor=None)
    assert (first.payers, first.amount) == (1, 20_000)
    again = fines_charge(as_of=d("2026-01-31"), actor=None)
    assert (again.payers, again.amount) == (0, 0)
    assert fines_of(acct) == [20_000]
    assert fines_charged(payer_ids=[acct.payer.pk]) == {acct.payer.pk: 20_000}
    event = AuditEvent.objects.get(action="fines.charge", after__payers=1)
    assert event.after == {
        "as_of": "2026-01-31",
        "payers": 1,
        "amount": 20_000,
    }


def test_fines_still_accruing_on_unpaid_contributions_are_not_charged() -> None:
    acct = employer()
    acct.bill(OCT, {"JHT": 1_000_000}, due=d("2025-11-15"))
    assert fines_charge(as_of=d("2026-01-31"), actor=None).amount == 0
    assert fines_of(acct) == []


def test_a_reversed_late_payment_is_corrected_by_a_negative_entry() -> None:
    acct = employer()
    lines = acct.bill(SEP, {"JHT": 500_000}, due=d("2025-10-15"))
    payment = acct.pay_all(d("2025-11-20"), lines)  # one month late: 10,000
    fines_charge(as_of=d("2025-12-01"), actor=None)
    # The bank takes the money back: the payment's own negative allocation (as a reversal).
    Allocation.objects.create(payment=payment, line=lines[0], amount=-500_000)
    result = fines_charge(as_of=d("2025-12-02"), actor=None)
    assert result.amount == -10_000
    assert fines_of(acct) == [10_000, -10_000]
    assert (
        Allocation.objects.filter(line__invoice__payer=acct.payer).aggregate(s=Sum("amount"))["s"]
        == 0
    )


@pytest.mark.parametrize("as_of", ["2025-11-30", "2099-01-01"])
def test_a_date_before_the_last_run_or_in_the_future_is_refused(as_of: str) -> None:
    acct = employer()
    acct.pay_all(d("2025-11-20"), acct.bill(SEP, {"JHT": 500_000}, due=d("2025-10-15")))
    fines_charge(as_of=d("2025-12-01"), actor=None)
    with pytest.raises(ValidationError) as err:
        fines_charge(as_of=d(as_of), actor=None)
    assert list(err.value.errors) == ["as_of"]
    assert fines_of(acct) == [10_000]


def test_only_billing_officers_charge_fines(compliance_officer_kaltim: Any) -> None:
    acct = employer()
    acct.pay_all(d("2025-11-20"), acct.bill(SEP, {"JHT": 500_000}, due=d("2025-10-15")))
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        fines_charge(as_of=d("2025-12-01"), actor=compliance_officer_kaltim)
    assert fines_of(acct) == []
    assert AuditEvent.objects.count() == events


def test_a_branch_officer_may(branch_officer_kukar: Any) -> None:
    acct = employer()
    acct.pay_all(d("2025-11-20"), acct.bill(SEP, {"JHT": 500_000}, due=d("2025-10-15")))
    assert fines_charge(as_of=d("2025-12-01"), actor=branch_officer_kukar).amount == 10_000


def test_the_command_prints_what_it_charged() -> None:
    acct = employer()
    acct.pay_all(d("2025-11-20"), acct.bill(SEP, {"JHT": 500_000}, due=d("2025-10-15")))
    result = CliRunner().invoke(main, ["fines", "charge", "--as-of", "2025-12-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"as_of": "2025-12-01", "payers": 1, "amount": 10_000}
    again = CliRunner().invoke(main, ["fines", "charge", "--as-of", "2025-11-01"])
    assert again.exit_code == 1
    assert "2025-12-01" in again.output
