"""Payment writes: record one payment, match a queued one, reverse one, allocate credit.

Every service runs in one transaction with its audit event; allocation locks the payer rows
(in id order) so concurrent writers never allocate the same money or the same line twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Min, Sum
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.contributions.coverage.services import paid_through_refresh
from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    LedgerKind,
    PayerAccount,
    Payment,
    PaymentStatus,
)
from lindungi.contributions.payments import allocation, parsing
from lindungi.contributions.payments.allocation import Allocated
from lindungi.contributions.payments.fifo import Credit
from lindungi.contributions.payments.importing import payment_import
from lindungi.core import access, audit
from lindungi.core.access import RECORD_PAYMENT, Actor
from lindungi.core.errors import Conflict, NotFound, ValidationError
from lindungi.registry.models import Payer

__all__ = [
    "RECORD_PAYMENT",
    "payer_allocate_credit",
    "payers_allocate_credit",
    "payment_import",
    "payment_match",
    "payment_record",
    "payment_reverse",
]


def payment_record(
    *,
    virtual_account: str,
    amount: int,
    paid_on: date,
    bank_reference: str,
    actor: Actor | None,
) -> Payment:
    """Record money received once per bank reference (a repeat returns the first record and
    changes nothing); a known virtual account settles that payer's oldest open lines."""
    if actor is not None:
        access.require(actor, RECORD_PAYMENT)
    va, reference = _checked(virtual_account, amount, paid_on, bank_reference)
    with transaction.atomic():
        existing = Payment.objects.filter(bank_reference=reference).first()
        if existing is not None:
            return existing
        payer = Payer.objects.filter(virtual_account=va).first() if va else None
        region = payer_region(payer) if payer else _actor_region(actor)
        try:
            with transaction.atomic():  # a concurrent record of the same reference wins
                payment = Payment.objects.create(
                    payer=payer,
                    region_code=region,
                    virtual_account=va,
                    amount=amount,
                    paid_on=paid_on,
                    bank_reference=reference,
                    status=PaymentStatus.MATCHED if payer else PaymentStatus.UNMATCHED,
                    recorded_by=_user(actor),
                )
        except IntegrityError:
            return Payment.objects.get(bank_reference=reference)
        allocated = _post(payment) if payer else Allocated()
        audit.record(
            actor=actor,
            action="payment.record",
            obj=payment,
            region_code=region,
            after={**audit.snapshot(payment), "allocated": allocated.amount},
        )
    return payment


def payment_match(*, payment_id: int, payer_id: int, actor: Actor | None) -> Payment:
    """Assign a queued (unmatched) payment to a payer in the actor's scope; it then posts to
    the payer's ledger and settles its oldest open lines."""
    with transaction.atomic():
        payment = _payment_for_update(payment_id, actor)
        if payment.status != PaymentStatus.UNMATCHED:
            raise Conflict("Pembayaran sudah dikenali atau dibatalkan (not in the queue)")
        payer = Payer.objects.select_related("employer", "worker").filter(pk=payer_id).first()
        if payer is None:
            raise NotFound("payer")
        region = payer_region(payer)
        if actor is not None:
            access.require_region(actor, region, field="payer_id")
        before = audit.snapshot(payment)
        payment.payer, payment.status, payment.region_code = payer, PaymentStatus.MATCHED, region
        payment.save(update_fields=["payer", "status", "region_code"])
        allocated = _post(payment)
        _, after = audit.diff(before, audit.snapshot(payment))
        audit.record(
            actor=actor,
            action="payment.match",
            obj=payment,
            region_code=region,
            before=before,
            after={**after, "allocated": allocated.amount},
        )
    return payment


def payment_reverse(*, payment_id: int, reason: str, actor: Actor | None) -> Payment:
    """Reverse a payment without deleting anything: a REVERSAL ledger entry, negative
    allocations that reopen its lines, which the payer's other credit then settles."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Alasan wajib diisi (a reason is required)"})
    with transaction.atomic():
        payment = _payment_for_update(payment_id, actor)
        if payment.status == PaymentStatus.REVERSED:
            raise Conflict("Pembayaran sudah dibatalkan (already reversed)")
        before = audit.snapshot(payment)
        if payment.payer_id is not None:
            _unpost(payment, reason)
        payment.status = PaymentStatus.REVERSED
        payment.save(update_fields=["status"])
        if payment.payer_id is not None:
            allocation.allocate([payment.payer_id])
        audit.record(
            actor=actor,
            action="payment.reverse",
            obj=payment,
            region_code=payment.region_code,
            before=before,
            after={"status": payment.status},
            note=reason[:500],
        )
    return payment


def payer_allocate_credit(*, payer_id: int, actor: Actor | None) -> Allocated:
    """Spend a payer's unallocated money on its open lines, oldest first (after billing)."""
    return payers_allocate_credit(payer_ids=[payer_id], actor=actor)


def payers_allocate_credit(
    *, payer_ids: Iterable[int] | None = None, actor: Actor | None
) -> Allocated:
    """The same for many payers at once (default: every payer holding credit); one audit event."""
    if actor is not None:
        access.require(actor, RECORD_PAYMENT)
    with transaction.atomic():
        if payer_ids is None:
            payer_ids = PayerAccount.objects.filter(credit__gt=0).values_list("payer_id", flat=True)
        result = allocation.allocate(list(payer_ids))
        audit.record(
            actor=actor,
            action="payment.allocate_credit",
            object_type="contributions.payeraccount",
            after={
                "payers": result.payers,
                "allocations": result.allocations,
                "amount": result.amount,
                "credit_left": result.credit,
            },
        )
    return result


def payer_region(payer: Payer) -> str:
    """The village of the employer or self-paying worker; blank for sponsor programmes."""
    if payer.employer is not None:
        return str(payer.employer.village_id)
    if payer.worker is not None:
        return str(payer.worker.village_id)
    return ""


def _post(payment: Payment) -> Allocated:
    """Ledger entry and allocation of a newly matched payment (payer locked inside allocate)."""
    assert payment.payer_id is not None  # noqa: S101 (callers post matched payments only)
    allocation.lock_payers([payment.payer_id])
    LedgerEntry.objects.create(
        payer_id=payment.payer_id,
        kind=LedgerKind.PAYMENT,
        amount=-payment.amount,
        payment=payment,
    )
    credit = Credit(payment.pk, payment.paid_on, payment.amount)
    return allocation.allocate([payment.payer_id], fresh={payment.payer_id: [credit]})


def _unpost(payment: Payment, reason: str) -> None:
    """Take the payment's money back off the ledger and off every line it settled."""
    assert payment.payer_id is not None  # noqa: S101
    allocation.lock_payers([payment.payer_id])
    held = (
        Allocation.objects.filter(payment=payment)
        .values("line_id")
        .annotate(
            total=Sum("amount"),
            month=Min("line__invoice__month"),
            membership=Min("line__membership_id"),
        )
        .filter(total__gt=0)
        .order_by("line_id")
    )
    now = timezone.now()
    Allocation.objects.bulk_create(
        Allocation(payment=payment, line_id=h["line_id"], amount=-h["total"], allocated_at=now)
        for h in held
    )
    # Negative allocations can unpay a month at or before the stored one: recompute in full.
    paid_through_refresh(membership_ids={h["membership"] for h in held})
    posted = LedgerEntry.objects.filter(payment=payment, kind=LedgerKind.PAYMENT).first()
    LedgerEntry.objects.create(
        payer_id=payment.payer_id,
        kind=LedgerKind.REVERSAL,
        amount=payment.amount,
        payment=payment,
        reverses=posted,
        note=reason[:200],
    )
    earliest = min((h["month"] for h in held), default=None)
    if earliest is not None:
        allocation.reopen(payment.payer_id, earliest)


def _payment_for_update(payment_id: int, actor: Actor | None) -> Payment:
    qs = Payment.objects.select_for_update()
    if actor is None:
        payment = qs.filter(pk=payment_id).first()
        if payment is None:
            raise NotFound("payment")
        return payment
    return access.get(actor, RECORD_PAYMENT, qs, pk=payment_id)


def _checked(virtual_account: str, amount: int, paid_on: date, reference: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    va = ref = ""
    try:
        va = parsing.parse_virtual_account(virtual_account)
    except parsing.CellError as exc:
        errors["virtual_account"] = str(exc)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "Jumlah harus rupiah bulat lebih dari nol (whole rupiah above zero)"
    try:
        parsing.parse_paid_on(paid_on, timezone.localdate())
    except parsing.CellError as exc:
        errors["paid_on"] = str(exc)
    try:
        ref = parsing.parse_reference(reference)
    except parsing.CellError as exc:
        errors["bank_reference"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return va, ref


def _actor_region(actor: Actor | None) -> str:
    prefixes = actor.region_prefixes if actor is not None else ()
    return prefixes[0] if prefixes else ""


def _user(actor: Actor | None) -> User | None:
    return actor if isinstance(actor, User) else None
