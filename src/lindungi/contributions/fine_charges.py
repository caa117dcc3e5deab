"""Late fines onto the payers' ledgers.

A fine is settled in amount once the contribution it is due on has been paid: months late are
counted to the day of payment (`fines.late_fine`). `fines_charge` writes those settled fines, and
only those, as FINE entries; fines still accruing on unpaid contributions stay a figure of
`arrears` until they are paid. Each run writes, per payer, the difference between the fines
settled by `as_of` and the fines already charged, so a repeat writes nothing and a reversed late
payment is corrected by a negative entry, never by rewriting one. Readings: docs/coverage.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.contributions.fines import arrears
from lindungi.contributions.models.payments import LedgerEntry, LedgerKind
from lindungi.contributions.payments import allocation
from lindungi.core import access, audit
from lindungi.core.access import RUN_BILLING, Actor
from lindungi.core.errors import ValidationError
from lindungi.core.models import AuditEvent

ACTION = "fines.charge"
# Any constant serialises fine runs on PostgreSQL; SQLite's IMMEDIATE transactions already do.
ADVISORY_LOCK = 7_314_001


@dataclass(frozen=True)
class FinesCharged:
    as_of: date
    payers: int  # payers with an entry written
    amount: int  # net rupiah written (corrections are negative)


def fines_charge(*, as_of: date, actor: Actor | None) -> FinesCharged:
    """Charge every payer the late fines settled by `as_of` and not charged yet, one entry per
    payer; idempotent for a date, and never earlier than the last run's date."""
    if actor is not None:
        access.require(actor, RUN_BILLING)
    with transaction.atomic():
        _serialise()
        _check_date(as_of)
        diffs = _differences(as_of)
        allocation.lock_payers(sorted(diffs))
        note = _("Denda keterlambatan s.d. %(date)s") % {"date": as_of.isoformat()}
        LedgerEntry.objects.bulk_create(
            LedgerEntry(payer_id=payer, kind=LedgerKind.FINE, amount=amount, note=note)
            for payer, amount in sorted(diffs.items())
        )
        result = FinesCharged(as_of=as_of, payers=len(diffs), amount=sum(diffs.values()))
        after = {**asdict(result), "as_of": as_of.isoformat()}
        audit.record(
            actor=actor, action=ACTION, object_type="contributions.ledgerentry", after=after
        )
    return result


def fines_charged(*, payer_ids: list[int]) -> dict[int, int]:
    """Net fines on each payer's ledger (for arrears screens and statements)."""
    rows = (
        LedgerEntry.objects.filter(kind=LedgerKind.FINE, payer_id__in=payer_ids)
        .values("payer_id")
        .annotate(total=Sum("amount"))
        .values_list("payer_id", "total")
    )
    return {int(payer): int(total or 0) for payer, total in rows}


def _differences(as_of: date) -> dict[int, int]:
    settled = {a.payer_id: a.fine_paid_late for a in arrears(actor=None, as_of=as_of)}
    charged = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.FINE)
        .values("payer_id")
        .annotate(total=Sum("amount"))
        .values_list("payer_id", "total")
    )
    payers = settled.keys() | charged.keys()
    diffs = {p: settled.get(p, 0) - int(charged.get(p) or 0) for p in payers}
    return {p: amount for p, amount in diffs.items() if amount}


def _check_date(as_of: date) -> None:
    today = timezone.localdate()
    if as_of > today:
        message = _("Tanggal %(date)s belum terjadi; denda hanya sampai hari ini (%(today)s).")
        raise ValidationError({"as_of": [message % {"date": as_of, "today": today}]})
    last = (
        AuditEvent.objects.filter(action=ACTION).order_by("-id").values_list("after", flat=True)
    ).first()
    if last and as_of.isoformat() < str(last.get("as_of", "")):
        message = _("Denda sudah dibebankan s.d. %(last)s; tanggal tidak boleh mundur.")
        raise ValidationError({"as_of": [message % {"last": last["as_of"]}]})


def _serialise() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
