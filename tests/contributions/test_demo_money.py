"""The demo's money: real runs, a real statement import and fines; a second pass adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from lindungi.contributions.demo import UNMATCHED, demo_money
from lindungi.contributions.models import BillingRun, Invoice, Payment, RunStatus
from lindungi.contributions.models.payments import LedgerEntry, PaymentStatus
from lindungi.registry.demo.service import demo_generate

pytestmark = pytest.mark.django_db
MONTHS = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
TODAY = date(2026, 11, 25)


def test_demo_money_bills_pays_and_is_idempotent() -> None:
    demo_generate(workers=600, seed=5)
    first = demo_money(months=MONTHS, seed=5, today=TODAY)
    assert first.runs == 3
    assert BillingRun.objects.filter(status=RunStatus.DONE).count() == 3
    assert first.invoices == Invoice.objects.count() > 0
    assert first.unmatched == UNMATCHED
    assert Payment.objects.filter(payer__isnull=True).count() == UNMATCHED
    # Most invoices are paid, and not all of them: arrears and fines have something to show.
    assert 0 < first.payments_created - UNMATCHED < first.invoices
    ledger = LedgerEntry.objects.count()
    second = demo_money(months=MONTHS, seed=5, today=TODAY)
    assert (second.runs, second.payments_created, second.unmatched, second.fines) == (0, 0, 0, 0)
    assert LedgerEntry.objects.count() == ledger
    received = Payment.objects.filter(status=PaymentStatus.MATCHED).aggregate(s=Sum("amount"))
    assert received["s"] > 0
