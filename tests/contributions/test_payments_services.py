"""payment_record / payment_match / payment_reverse / payer_allocate_credit: exact allocations,
ledger balances, scope, permissions and audit events."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.db.models import Sum

from lindungi.contributions.models.billing import BillingRun, Invoice, InvoiceLine, RunStatus
from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    PayerAccount,
    Payment,
)
from lindungi.contributions.payments import selectors, services
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.core import access
from lindungi.core.access import Role
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SEP, OCT, NOV, DEC = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
PAID = date(2026, 11, 5)
RECORD, VIEW = "contributions.record_payment", "contributions.view_payments"
GRANTS: dict[str, set[str]] = {
    Role.ADMIN: {RECORD, VIEW},
    Role.BRANCH_OFFICER: {RECORD, VIEW},
    Role.COMPLIANCE_OFFICER: {VIEW},
    Role.REGIONAL_PLANNER: {VIEW},
}


@pytest.fixture(autouse=True)
def _payment_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The grants the lead adds to ROLE_PERMISSIONS (a no-op once they are there)."""
    granted = {r: p | GRANTS.get(r, set()) for r, p in access.ROLE_PERMISSIONS.items()}
    monkeypatch.setattr(access, "ROLE_PERMISSIONS", granted)


@pytest.fixture
def billed() -> Billed:
    """Two self-paying BPU payers in Kutai Kartanegara, billed 16,800 for Sep, Oct, Nov."""
    return billed_payers(count=2, months=[SEP, OCT, NOV])


def _record(payer_id: int, amount: int, ref: str, actor: Any, paid_on: date = PAID) -> Payment:
    return services.payment_record(
        virtual_account=virtual_account(payer_id),
        amount=amount,
        paid_on=paid_on,
        bank_reference=ref,
        actor=actor,
    )


def _allocated(payer_id: int) -> dict[tuple[str, str], int]:
    """Net allocation per (month, programme) of a payer's lines, zero sums left out."""
    rows = (
        Allocation.objects.filter(line__invoice__payer_id=payer_id)
        .values("line__month", "line__programme")
        .annotate(total=Sum("amount"))
    )
    return {
        (f"{r['line__month']:%Y-%m}", r["line__programme"]): r["total"] for r in rows if r["total"]
    }


def _bill_month(
    payer_id: int, month: date, lines: dict[str, int], *, kind: str = "regular"
) -> None:
    """One more invoice for a payer, as a (re-)run of billing would add it."""
    run = BillingRun.objects.create(month=month, status=RunStatus.DONE)
    total = sum(lines.values())
    invoice = Invoice.objects.create(
        payer_id=payer_id,
        month=month,
        run=run,
        number=f"T-{month:%Y%m}-{payer_id}-{run.pk}",
        kind=kind,
        due_date=month.replace(day=15),
        total=total,
    )
    membership = InvoiceLine.objects.filter(invoice__payer_id=payer_id).first()
    assert membership is not None
    for programme, amount in lines.items():
        InvoiceLine.objects.create(
            invoice=invoice,
            membership_id=membership.membership_id,
            month=month,
            programme=programme,
            employer_share=0,
            worker_share=amount,
            amount=amount,
            is_adjustment=kind == "adjustment",
        )
    LedgerEntry.objects.create(payer_id=payer_id, kind="charge", amount=total, invoice=invoice)


@pytest.mark.parametrize(
    ("amount", "allocated", "balance", "credit"),
    [
        (16_800, {("2026-09", "JKK"): 10_000, ("2026-09", "JKM"): 6_800}, 33_600, 0),
        (12_000, {("2026-09", "JKK"): 10_000, ("2026-09", "JKM"): 2_000}, 38_400, 0),
        (
            33_600,
            {
                **{("2026-09", "JKK"): 10_000, ("2026-09", "JKM"): 6_800},
                **{("2026-10", "JKK"): 10_000, ("2026-10", "JKM"): 6_800},
            },
            16_800,
            0,
        ),
        (
            60_000,
            {
                (f"2026-{m}", p): a
                for m in ("09", "10", "11")
                for p, a in (("JKK", 10_000), ("JKM", 6_800))
            },
            -9_600,
            9_600,
        ),
    ],
)
def test_record_settles_oldest_lines_first(
    billed: Billed,
    branch_officer_kukar: Any,
    amount: int,
    allocated: dict[tuple[str, str], int],
    balance: int,
    credit: int,
) -> None:
    payer = billed.payer_ids[0]
    payment = _record(payer, amount, "BNI-0001", branch_officer_kukar)
    assert (payment.status, payment.payer_id, payment.region_code) == (
        "matched",
        payer,
        "6402012001",
    )
    assert _allocated(payer) == allocated
    assert selectors.payer_balance(payer_id=payer) == balance
    assert selectors.payer_credit(payer_id=payer) == credit
    assert list(LedgerEntry.objects.filter(payment=payment).values_list("kind", "amount")) == [
        ("payment", -amount)
    ]
    assert _allocated(billed.payer_ids[1]) == {}
    assert (
        AuditEvent.objects.filter(action="payment.record", object_id=str(payment.pk)).count() == 1
    )


def test_second_payment_continues_where_the_first_stopped(billed: Billed, admin: Any) -> None:
    payer = billed.payer_ids[0]
    _record(payer, 12_000, "R1", admin)
    _record(payer, 10_000, "R2", admin)
    assert _allocated(payer) == {
        ("2026-09", "JKK"): 10_000,
        ("2026-09", "JKM"): 6_800,
        ("2026-10", "JKK"): 5_200,
    }
    assert selectors.payer_balance(payer_id=payer) == 28_400


def test_same_reference_twice_changes_nothing(billed: Billed, admin: Any) -> None:
    payer = billed.payer_ids[0]
    first = _record(payer, 16_800, "BRI-77", admin)
    again = _record(payer, 99_999, "BRI-77", admin)
    assert again.pk == first.pk
    assert again.amount == 16_800
    assert Payment.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert Allocation.objects.count() == 2
    assert AuditEvent.objects.filter(action="payment.record").count() == 1


def test_credit_is_spent_on_the_next_bill(billed: Billed, admin: Any) -> None:
    payer = billed.payer_ids[0]
    _record(payer, 60_000, "R1", admin)
    _bill_month(payer, DEC, {"JKK": 10_000, "JKM": 6_800})
    assert selectors.payer_balance(payer_id=payer) == 7_200
    result = services.payer_allocate_credit(payer_id=payer, actor=admin)
    assert (result.allocations, result.amount, result.credit) == (1, 9_600, 0)
    assert _allocated(payer)[("2026-12", "JKK")] == 9_600
    assert ("2026-12", "JKM") not in _allocated(payer)
    assert selectors.payer_credit(payer_id=payer) == 0
    again = services.payers_allocate_credit(actor=admin)
    assert (again.payers, again.allocations) == (0, 0)


def test_a_later_payment_finds_a_bill_issued_after_the_account_was_settled(
    billed: Billed, admin: Any
) -> None:
    payer = billed.payer_ids[0]
    _record(payer, 50_400, "R1", admin)
    assert PayerAccount.objects.get(payer_id=payer).open_from is None
    _bill_month(payer, DEC, {"JKK": 10_000, "JKM": 6_800})
    _record(payer, 16_800, "R2", admin)
    assert _allocated(payer)[("2026-12", "JKM")] == 6_800
    assert selectors.payer_balance(payer_id=payer) == 0


def test_unmatched_payment_waits_then_an_officer_matches_it(
    billed: Billed, branch_officer_kukar: Any, branch_officer_kubu_raya: Any
) -> None:
    payment = services.payment_record(
        virtual_account="8800 0000 9999 99",
        amount=16_800,
        paid_on=PAID,
        bank_reference="MDR-1",
        actor=branch_officer_kukar,
    )
    assert (payment.status, payment.payer_id, payment.virtual_account) == (
        "unmatched",
        None,
        "88000000999999",
    )
    assert payment.region_code == "6402"
    assert LedgerEntry.objects.filter(payment=payment).count() == 0
    assert [p.pk for p in selectors.unmatched_queue(actor=branch_officer_kukar)] == [payment.pk]
    assert selectors.unmatched_queue(actor=branch_officer_kubu_raya) == []
    with pytest.raises(NotFound):
        services.payment_match(
            payment_id=payment.pk, payer_id=billed.payer_ids[1], actor=branch_officer_kubu_raya
        )
    matched = services.payment_match(
        payment_id=payment.pk, payer_id=billed.payer_ids[1], actor=branch_officer_kukar
    )
    assert (matched.status, matched.payer_id, matched.region_code) == (
        "matched",
        billed.payer_ids[1],
        "6402012001",
    )
    assert _allocated(billed.payer_ids[1]) == {
        ("2026-09", "JKK"): 10_000,
        ("2026-09", "JKM"): 6_800,
    }
    assert selectors.payer_balance(payer_id=billed.payer_ids[1]) == 33_600
    assert AuditEvent.objects.filter(action="payment.match").count() == 1
    with pytest.raises(Conflict):
        services.payment_match(
            payment_id=payment.pk, payer_id=billed.payer_ids[0], actor=branch_officer_kukar
        )


def test_matching_to_a_payer_outside_the_region_is_refused(billed: Billed, make_user: Any) -> None:
    officer = make_user("cabang_kubar", Role.BRANCH_OFFICER, "6407")
    payment = _record(0, 16_800, "X-1", officer)
    with pytest.raises(ValidationError) as exc:
        services.payment_match(payment_id=payment.pk, payer_id=billed.payer_ids[0], actor=officer)
    assert list(exc.value.errors) == ["payer_id"]
    payment.refresh_from_db()
    assert (payment.status, payment.payer_id) == ("unmatched", None)
    assert AuditEvent.objects.filter(action="payment.match").count() == 0


def test_reverse_takes_the_money_back_and_other_credit_refills(billed: Billed, admin: Any) -> None:
    payer = billed.payer_ids[0]
    first = _record(payer, 16_800, "R1", admin)
    _record(payer, 60_000, "R2", admin, paid_on=date(2026, 11, 6))
    assert selectors.payer_credit(payer_id=payer) == 26_400
    reversed_ = services.payment_reverse(payment_id=first.pk, reason="Salah transfer", actor=admin)
    assert reversed_.status == "reversed"
    entries = LedgerEntry.objects.filter(payment=first).order_by("pk")
    assert list(entries.values_list("kind", "amount")) == [
        ("payment", -16_800),
        ("reversal", 16_800),
    ]
    assert entries[1].reverses_id == entries[0].pk
    assert list(
        Allocation.objects.filter(payment=first, amount__lt=0).values_list("amount", flat=True)
    ) == [-10_000, -6_800]
    assert Allocation.objects.filter(payment=first).aggregate(s=Sum("amount"))["s"] == 0
    assert _allocated(payer) == {
        (f"2026-{m}", p): a
        for m in ("09", "10", "11")
        for p, a in (("JKK", 10_000), ("JKM", 6_800))
    }
    assert selectors.payer_balance(payer_id=payer) == -9_600
    assert selectors.payer_credit(payer_id=payer) == 9_600
    assert AuditEvent.objects.get(action="payment.reverse").note == "Salah transfer"
    with pytest.raises(Conflict):
        services.payment_reverse(payment_id=first.pk, reason="lagi", actor=admin)


def test_reverse_an_unmatched_payment_leaves_the_ledger_alone(admin: Any) -> None:
    payment = _record(0, 5_000, "U-1", admin)
    services.payment_reverse(payment_id=payment.pk, reason="Dikembalikan ke pengirim", actor=admin)
    payment.refresh_from_db()
    assert (payment.status, payment.payer_id) == ("reversed", None)
    assert LedgerEntry.objects.count() == 0


def test_reverse_needs_a_reason(billed: Billed, admin: Any) -> None:
    payment = _record(billed.payer_ids[0], 16_800, "R1", admin)
    with pytest.raises(ValidationError):
        services.payment_reverse(payment_id=payment.pk, reason="  ", actor=admin)
    assert LedgerEntry.objects.filter(kind="reversal").count() == 0


def test_a_negative_adjustment_gives_back_what_is_no_longer_owed(
    billed: Billed, admin: Any
) -> None:
    payer = billed.payer_ids[0]
    _record(payer, 10_000, "R1", admin)
    assert _allocated(payer) == {("2026-09", "JKK"): 10_000}
    _bill_month(payer, SEP, {"JKK": -4_000}, kind="adjustment")
    services.payer_allocate_credit(payer_id=payer, actor=admin)
    assert _allocated(payer) == {("2026-09", "JKK"): 6_000, ("2026-09", "JKM"): 4_000}
    assert selectors.payer_balance(payer_id=payer) == 36_400
    assert selectors.payer_credit(payer_id=payer) == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"amount": 0}, ["amount"]),
        ({"amount": -16_800}, ["amount"]),
        ({"paid_on": date(2099, 1, 1)}, ["paid_on"]),
        ({"bank_reference": " "}, ["bank_reference"]),
        ({"virtual_account": "88-ABC"}, ["virtual_account"]),
        ({"amount": 0, "bank_reference": ""}, ["amount", "bank_reference"]),
    ],
)
def test_bad_input_is_refused_by_field(
    admin: Any, fields: dict[str, Any], errors: list[str]
) -> None:
    values: dict[str, Any] = {
        "virtual_account": "88000000000001",
        "amount": 16_800,
        "paid_on": PAID,
        "bank_reference": "R1",
    }
    with pytest.raises(ValidationError) as exc:
        services.payment_record(**{**values, **fields}, actor=admin)
    assert sorted(exc.value.errors) == errors
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("persona", ["village_officer_sungai_raya", "dprd_kaltim", "planner_kukar"])
def test_denied_roles_change_nothing(billed: Billed, persona: str, request: Any) -> None:
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _record(billed.payer_ids[0], 16_800, "R1", actor)
    assert Payment.objects.count() == 0
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    assert AuditEvent.objects.filter(action__startswith="payment.").count() == 0


def test_views_are_scoped(
    billed: Billed, admin: Any, compliance_officer_kaltim: Any, branch_officer_kubu_raya: Any
) -> None:
    payment = _record(billed.payer_ids[0], 16_800, "R1", admin)
    assert selectors.payment_get(actor=compliance_officer_kaltim, payment_id=payment.pk) == payment
    with pytest.raises(NotFound):
        selectors.payment_get(actor=branch_officer_kubu_raya, payment_id=payment.pk)
    assert selectors.payment_list(actor=branch_officer_kubu_raya) == []
    assert [
        a.amount for a in selectors.payment_allocations(actor=admin, payment_id=payment.pk)
    ] == [
        10_000,
        6_800,
    ]
    assert selectors.queue_totals(actor=admin) == {"count": 0, "amount": 0}


@pytest.mark.parametrize("change", ["update", "delete"])
def test_ledger_and_allocations_are_append_only(billed: Billed, admin: Any, change: str) -> None:
    _record(billed.payer_ids[0], 16_800, "R1", admin)
    for model in (LedgerEntry, Allocation):
        qs = model.objects.all()
        action = partial(qs.update, amount=1) if change == "update" else qs.delete
        with pytest.raises(DatabaseError), transaction.atomic():
            action()
    assert selectors.payer_balance(payer_id=billed.payer_ids[0]) == 33_600
    assert Allocation.objects.count() == 2


def test_append_only_triggers_come_back_after_a_table_rebuild() -> None:
    from django.db import connection

    from lindungi.contributions.payments.triggers import append_only_triggers
    from lindungi.core import dbrules

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its triggers through ALTER TABLE")
    dbrules.register(append_only_triggers)  # what ContributionsConfig.ready() is to do
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER contributions_ledgerentry_no_update")
    assert dbrules.ensure_sqlite_triggers(connection) == ["contributions_ledgerentry_no_update"]
    assert dbrules.missing_sqlite_triggers(connection) == []
