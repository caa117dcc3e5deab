"""Money in and out of a pool: record a donation (with its receipt), reverse one.

Both lock the pool row, write an append-only donation row, move the pledge it names between
open and fulfilled, and set the programme's budget to the pool's net receipts (services.fund),
all in one transaction with the audit event. A bank reference is recorded once per pool: the
same donation sent again returns the first record and changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core import audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.donations import rules, selectors
from lindungi.donations.models import Donation, Pledge, PledgeStatus, Pool
from lindungi.donations.receipts import receipt_issue
from lindungi.donations.services import donor_of, fund, locked_pool, user_of


def _pledge_of(pool: Pool, donor_id: int, pledge_id: int | None) -> Pledge | None:
    if pledge_id is None:
        return None
    pledge = Pledge.objects.filter(pk=pledge_id, pool=pool, donor_id=donor_id).first()
    if pledge is None or pledge.status == PledgeStatus.CANCELLED:
        raise ValidationError(
            {"pledge_id": _("Janji tidak ditemukan, bukan milik donatur ini, atau dibatalkan.")}
        )
    return pledge


def _same(existing: Donation, donor_id: int, amount: int, received_on: date, channel: str) -> bool:
    return (existing.donor_id, existing.amount, existing.received_on, existing.channel) == (
        donor_id,
        amount,
        received_on,
        channel,
    )


def _taken(reference: str) -> Conflict:
    message = _("Referensi %(ref)s sudah tercatat untuk donasi lain.") % {"ref": reference}
    return Conflict(message, field="reference")


def _settle(pledge_id: int | None) -> None:
    """Move the pledge between open and fulfilled after its donations changed."""
    if pledge_id is None:
        return
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    received = Donation.objects.filter(pledge=pledge).aggregate(s=Sum("amount"))["s"] or 0
    status = rules.pledge_status(current=pledge.status, amount=pledge.amount, received=received)
    if status != pledge.status:
        pledge.status = status
        pledge.save(update_fields=["status"])


@transaction.atomic
def donation_record(
    *,
    pool_id: int,
    donor_id: int,
    amount: int,
    received_on: date,
    channel: str,
    reference: str,
    actor: Actor,
    pledge_id: int | None = None,
) -> Donation:
    """Record money received into a pool once per reference, issue its numbered receipt, and
    raise the programme's budget by it."""
    pool = locked_pool(actor, pool_id)
    reference = reference.strip()
    errors = rules.check_donation(
        amount=amount,
        received_on=received_on,
        channel=channel,
        reference=reference,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    donor = donor_of(pool, donor_id)
    pledge = _pledge_of(pool, donor_id, pledge_id)
    existing = Donation.objects.filter(pool=pool, reference=reference).first()
    if existing is not None:
        if existing.amount > 0 and _same(existing, donor_id, amount, received_on, channel):
            return existing  # the same donation sent again: nothing new
        raise _taken(reference)
    donation = Donation.objects.create(
        pool=pool,
        donor=donor,
        pledge=pledge,
        amount=amount,
        received_on=received_on,
        channel=channel,
        reference=reference,
        recorded_by=user_of(actor),
    )
    receipt = receipt_issue(donation=donation, pool=pool, donor=donor)
    _settle(pledge_id)
    budget = fund(pool, actor, note=f"donation {donation.pk}")
    audit.record(
        actor=actor,
        action="donation.record",
        obj=donation,
        region_code=pool.programme.region_id,
        after={**audit.snapshot(donation), "receipt": receipt.number, "budget": budget},
    )
    return donation


@transaction.atomic
def donation_reverse(
    *, donation_id: int, reason: str, actor: Actor, reference: str = ""
) -> Donation:
    """Cancel a donation (a bounced transfer, a mistake) with a negative row and a reason; the
    original and its receipt stay. The programme's budget falls by the amount."""
    original = selectors.donation_get(actor=actor, donation_id=donation_id, manage=True)
    pool = locked_pool(actor, original.pool_id)
    if original.amount < 0:
        raise Conflict(_("Baris pembatalan tidak dapat dibatalkan lagi."), field="donation_id")
    if Donation.objects.filter(reverses=original).exists():
        raise Conflict(_("Donasi ini sudah dibatalkan."), field="donation_id")
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan pembatalan wajib diisi.")})
    reference = (reference.strip() or f"{original.reference}/BATAL")[:64]
    try:
        with transaction.atomic():
            reversal = Donation.objects.create(
                pool=pool,
                donor_id=original.donor_id,
                pledge_id=original.pledge_id,
                amount=-original.amount,
                received_on=timezone.localdate(),
                channel=original.channel,
                reference=reference,
                reverses=original,
                reason=reason.strip()[:200],
                recorded_by=user_of(actor),
            )
    except IntegrityError as exc:
        raise _taken(reference) from exc
    _settle(original.pledge_id)
    budget = fund(pool, actor, note=f"reversal {reversal.pk}")
    audit.record(
        actor=actor,
        action="donation.reverse",
        obj=reversal,
        region_code=pool.programme.region_id,
        after={**audit.snapshot(reversal), "budget": budget},
        note=reversal.reason,
    )
    return reversal
