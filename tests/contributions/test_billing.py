"""The monthly billing run: invoices, lines, ledger, idempotency, adjustments, audit, access.

Figures (REGULATIONS.md §1): PU wage Rp5,000,000, risk group I: JKK 12,000; JKM 15,000;
JHT 185,000 + 100,000; JP 100,000 + 50,000 (462,000). BPU income Rp1,000,000 JKK + JKM 16,800.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import Sum

from lindungi.contributions.billing import engine
from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.models import (
    BillingRun,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    PaidThrough,
    RunStatus,
)
from lindungi.contributions.models.payments import PayerAccount
from lindungi.contributions.payments.services import payment_record
from lindungi.contributions.rules import ContributionInputError
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.reference.models import Region
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)
FULL_PU = {
    "JKK": (12_000, 0),
    "JKM": (15_000, 0),
    "JHT": (185_000, 100_000),
    "JP": (100_000, 50_000),
}


@pytest.fixture
def village() -> str:
    return Region.objects.filter(level=4, code__startswith="6402").values_list("code", flat=True)[0]


@pytest.fixture
def make(village: str) -> Any:
    """make(segment, wage, payer=None, **fields) → Membership, with its worker and payer."""
    counter = iter(range(1, 10_000))

    def membership(
        segment: str, wage: int, payer: Payer | None = None, **fields: Any
    ) -> Membership:
        n = next(counter)
        worker = Worker.objects.create(
            full_name=f"Pekerja {n}",
            name_search=f"pekerja {n}",
            birth_date=date(1990, 1, 1),
            sex="P",
            village_id=village,
        )
        if payer is None:
            payer = Payer.objects.create(kind="self", worker=worker, label=worker.full_name)
        pu = segment == "PU"
        defaults = {"jht": pu, "jp": pu, "start": date(2026, 1, 1)}
        return Membership.objects.create(
            worker=worker,
            segment=segment,
            payer=payer,
            declared_wage=wage,
            **{**defaults, **fields},
        )

    return membership


@pytest.fixture
def employer(village: str) -> Payer:
    firm = Employer.objects.create(
        npp="00000001",
        name="PT Uji",
        kbli="47111",
        size_class="medium",
        jkk_risk_group=1,
        village_id=village,
    )
    return Payer.objects.create(kind="employer", employer=firm, label=firm.name)


def bill(month: date = NOV, actor: Any = None) -> BillingRun:
    return billing_run_execute(run_id=billing_run_request(month=month, actor=actor).pk)


def lines_of(invoice: Invoice) -> dict[tuple[int, str], tuple[int, int]]:
    return {
        (line.membership_id, line.programme): (line.employer_share, line.worker_share)
        for line in invoice.lines.all()
    }


def test_first_run_bills_every_payer_once(make: Any, employer: Payer, village: str) -> None:
    a, b = make("PU", 5_000_000, employer), make("PU", 5_000_000, employer)
    c = make("BPU", 1_000_000)
    run = bill()
    assert (run.status, run.invoices_created, run.lines_created, run.amount_billed) == (
        RunStatus.DONE,
        2,
        10,
        2 * 462_000 + 16_800,
    )
    firm = Invoice.objects.get(payer=employer)
    assert firm.number == f"INV-202611-{employer.pk}-{run.pk}"
    assert (firm.kind, firm.total, firm.due_date, firm.region_code) == (
        "regular",
        924_000,
        date(2026, 12, 15),
        village,
    )
    assert lines_of(firm) == {(m.pk, p): v for m in (a, b) for p, v in FULL_PU.items()}
    own = Invoice.objects.get(payer=c.payer)
    assert (own.total, own.due_date) == (16_800, date(2026, 11, 15))
    assert lines_of(own) == {(c.pk, "JKK"): (0, 10_000), (c.pk, "JKM"): (0, 6_800)}


def test_invoice_totals_and_ledger_charges(make: Any, employer: Payer) -> None:
    make("PU", 5_000_000, employer)
    make("BPU", 1_234_567, jht=True)
    run = bill()
    for invoice in Invoice.objects.filter(run=run):
        assert invoice.total == invoice.lines.aggregate(s=Sum("amount"))["s"]
        charge = LedgerEntry.objects.get(invoice=invoice)
        assert (charge.kind, charge.amount, charge.payer_id) == (
            "charge",
            invoice.total,
            invoice.payer_id,
        )


def test_virtual_accounts_assigned_where_missing(make: Any, employer: Payer) -> None:
    own = make("BPU", 1_000_000).payer
    Payer.objects.filter(pk=employer.pk).update(virtual_account="8812345")
    bill()
    own.refresh_from_db()
    employer.refresh_from_db()
    assert own.virtual_account == f"88{own.pk:012d}"
    assert len(own.virtual_account) == 14
    assert employer.virtual_account == "8812345"


def test_run_records_rule_rows_and_one_audit_event(make: Any, employer: Payer) -> None:
    make("PU", 5_000_000, employer)
    run = bill()
    used = {(r["table"], r["key"]): r["regulation"] for r in run.rule_rows}
    assert used[("pu_jkk_rate", "I")] == "PP 44/2015 Pasal 16"
    assert ("jp_wage_cap", "") in used
    assert ("due_day_pu", "") in used
    assert ("jkp_rate", "") not in used  # JKP is not billed
    assert all(set(r) == {"id", "table", "key", "regulation"} for r in run.rule_rows)
    event = AuditEvent.objects.get(action="billing.run")
    assert event.object_id == str(run.pk)
    assert event.after is not None
    assert (event.after["invoices"], event.after["lines"]) == (1, 4)


def test_second_run_adds_nothing(make: Any, employer: Payer) -> None:
    make("PU", 5_000_000, employer)
    make("BPU", 1_000_000)
    bill()
    counts = (Invoice.objects.count(), InvoiceLine.objects.count(), LedgerEntry.objects.count())
    again = bill()
    assert (again.invoices_created, again.lines_created, again.amount_billed) == (0, 0, 0)
    assert counts == (
        Invoice.objects.count(),
        InvoiceLine.objects.count(),
        LedgerEntry.objects.count(),
    )
    assert AuditEvent.objects.filter(action="billing.run").count() == 2


def test_late_changes_become_an_adjustment_invoice(make: Any, employer: Payer) -> None:
    raised, ended = make("PU", 5_000_000, employer), make("PU", 5_000_000, employer)
    first = bill()
    issued = Invoice.objects.get(run=first)
    Membership.objects.filter(pk=raised.pk).update(declared_wage=6_000_000)  # corrected wage
    Membership.objects.filter(pk=ended.pk).update(end=NOV, end_reason="resigned")  # backdated
    late = make("PU", 5_000_000, employer, start=date(2026, 10, 1))  # backdated start
    run = bill()
    adjustment = Invoice.objects.get(run=run)
    assert (adjustment.kind, run.adjustment_lines) == ("adjustment", 12)
    assert lines_of(adjustment) == {
        (raised.pk, "JKK"): (2_400, 0),
        (raised.pk, "JKM"): (3_000, 0),
        (raised.pk, "JHT"): (37_000, 20_000),
        (raised.pk, "JP"): (20_000, 10_000),
        **{(ended.pk, p): (-er, -wk) for p, (er, wk) in FULL_PU.items()},
        **{(late.pk, p): v for p, v in FULL_PU.items()},
    }
    assert adjustment.total == 92_400 - 462_000 + 462_000
    assert all(line.is_adjustment for line in adjustment.lines.all())
    issued_again = Invoice.objects.get(pk=issued.pk)
    assert (issued_again.total, issued_again.lines.count()) == (issued.total, 8)
    assert bill().lines_created == 0


def test_a_membership_moved_to_another_payer(make: Any, employer: Payer, village: str) -> None:
    moved = make("PU", 5_000_000, employer)
    bill()
    firm = Employer.objects.create(
        npp="00000002",
        name="PT Baru",
        kbli="47111",
        size_class="small",
        jkk_risk_group=1,
        village_id=village,
    )
    other = Payer.objects.create(kind="employer", employer=firm, label=firm.name)
    Membership.objects.filter(pk=moved.pk).update(payer=other)
    run = bill()
    old, new = (
        Invoice.objects.get(run=run, payer=employer),
        Invoice.objects.get(run=run, payer=other),
    )
    assert (old.kind, old.total, new.kind, new.total) == (
        "adjustment",
        -462_000,
        "regular",
        462_000,
    )


def test_what_is_not_billed(make: Any, employer: Payer) -> None:
    """JKP is government-funded; PMI pays once, not monthly; an income outside the bracket
    cannot be computed and is counted as skipped; a membership that starts next month."""
    jkp = make("PU", 5_000_000, employer, jkp=True)
    make("PMI", 5_000_000)
    make("BPU", 1_000_000, start=date(2026, 12, 1))
    odd = make("BPU", 1_000_000)
    Membership.objects.filter(pk=odd.pk).update(declared_wage=25_000_000)
    run = bill()
    assert set(InvoiceLine.objects.values_list("membership_id", "programme")) == {
        (jkp.pk, p) for p in FULL_PU
    }
    assert run.memberships_skipped == 1
    Membership.objects.filter(pk=odd.pk).update(declared_wage=1_000_000)
    assert bill().lines_created == 2


def test_pp49_month_discounts_defers_jp_and_falls_due_on_day_30(make: Any, employer: Payer) -> None:
    pu = make("PU", 5_000_000, employer, start=date(2020, 1, 1))
    bill(date(2020, 9, 1))
    invoice = Invoice.objects.get()
    assert invoice.due_date == date(2020, 10, 30)
    assert lines_of(invoice) == {
        (pu.pk, "JKK"): (120, 0),
        (pu.pk, "JKM"): (150, 0),
        (pu.pk, "JHT"): (185_000, 100_000),
        (pu.pk, "JP"): (1_000, 500),
    }


def test_a_crash_leaves_no_partial_invoice(make: Any, employer: Payer, monkeypatch: Any) -> None:
    make("PU", 5_000_000, employer)

    def crash(self: Any, first: bool) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine.Billing, "_finish", crash)
    run = billing_run_request(month=NOV, actor=None)
    with pytest.raises(RuntimeError):
        billing_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "disk full")
    assert not Invoice.objects.exists()
    assert not InvoiceLine.objects.exists()
    assert not AuditEvent.objects.filter(action="billing.run").exists()


@pytest.mark.parametrize(
    ("month", "field"),
    [(date(2026, 11, 2), "month"), (date(2027, 6, 1), "month"), (date(2010, 1, 1), "month")],
)
def test_request_rejects_a_month(month: date, field: str) -> None:
    with pytest.raises((ValidationError, ContributionInputError)) as exc:
        billing_run_request(month=month, actor=None)
    assert field in exc.value.errors
    assert not BillingRun.objects.exists()


def test_a_queued_run_is_not_queued_twice() -> None:
    assert billing_run_request(month=NOV, actor=None) == billing_run_request(month=NOV, actor=None)


@pytest.mark.parametrize("persona", ["admin", "branch_officer_kukar"])
def test_who_may_run_billing(persona: str, request: Any, make: Any, employer: Payer) -> None:
    make("PU", 5_000_000, employer)
    actor = request.getfixturevalue(persona)
    run = bill(actor=actor)
    assert run.requested_by == actor
    assert AuditEvent.objects.get(action="billing.run").actor == actor


@pytest.mark.parametrize(
    "persona",
    ["compliance_officer_kaltim", "planner_kukar", "village_officer_sungai_raya", "dprd_kaltim"],
)
def test_others_may_not(persona: str, request: Any) -> None:
    with pytest.raises(PermissionDenied):
        billing_run_request(month=NOV, actor=request.getfixturevalue(persona))
    assert not BillingRun.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="billing").exists()


def test_credit_held_before_the_run_pays_the_new_lines(make: Any) -> None:
    """A self-paying worker who paid ahead is paid through the billed month after the run."""
    own = make("BPU", 1_000_000).payer
    Payer.objects.filter(pk=own.pk).update(virtual_account="8800000000077")
    payment_record(
        virtual_account="8800000000077",
        amount=20_000,
        paid_on=date(2026, 11, 2),
        bank_reference="PREPAID-1",
        actor=None,
    )
    assert PayerAccount.objects.get(payer=own).credit == 20_000
    run = bill()
    assert PayerAccount.objects.get(payer=own).credit == 3_200
    membership = Membership.objects.get(payer=own)
    assert PaidThrough.objects.get(membership=membership).month == NOV
    event = AuditEvent.objects.get(action="billing.run", object_id=str(run.pk))
    assert (event.after["credit_payers"], event.after["credit_allocated"]) == (1, 16_800)
