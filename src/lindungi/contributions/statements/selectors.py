"""A payer's statement for a period, read from the append-only ledger.

Opening balance = the sum of the payer's entries posted before the period; every entry posted
in the period is a row with its running balance; closing = opening + the rows. Positive is
owed, negative is credit (docs/payments.md). Entries are placed by their posting time `at` in
local time (WIB), not by the contribution month of an invoice or the day a bank says it was
paid: a statement of account shows what was booked when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.models import LedgerEntry, LedgerKind
from lindungi.core import access
from lindungi.core.access import VIEW_BILLING, VIEW_PAYMENTS, Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.registry.models import Payer

StrOrPromise = str | Promise
MAX_MONTHS = 36
MAX_ROWS = 10_000
MSG_ORDER = _("Bulan akhir tidak boleh sebelum bulan awal.")
MSG_SPAN = _("Periode paling panjang %(months)s bulan.")
MSG_ROWS = _("Periode ini memuat lebih dari %(rows)s transaksi; persingkat periodenya.")


@dataclass(frozen=True)
class StatementRow:
    at: dt.datetime
    kind: str  # LedgerKind value
    reference: str  # invoice number or bank reference
    note: str
    debit: int  # adds to what is owed (charges, reversals, fines)
    credit: int  # reduces it (payments, negative adjustments)
    balance: int


@dataclass(frozen=True)
class Statement:
    payer_id: int
    payer_label: str
    payer_kind: str
    virtual_account: str
    from_month: dt.date
    to_month: dt.date
    opening: int
    charges: int
    payments: int  # money received, as a positive figure
    reversals: int
    fines: int
    closing: int
    rows: list[StatementRow] = field(default_factory=list)


def payer_get(*, actor: Actor, payer_id: int) -> Payer:
    """A payer whose money the actor may read: its employer or worker lives in the actor's
    regions (sponsor programmes have no region: national users only); NotFound otherwise."""
    access.require(actor, VIEW_BILLING)
    access.require(actor, VIEW_PAYMENTS)
    kind, _org = actor.organisation
    prefixes = actor.region_prefixes
    qs = Payer.objects.select_related("employer", "worker")
    if kind or not prefixes:
        qs = access.scope(actor, qs)
    else:
        near = access.region_q("employer__village_id", prefixes)
        qs = qs.filter(near | access.region_q("worker__village_id", prefixes))
    try:
        return qs.get(pk=payer_id)
    except (Payer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("payer") from exc


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _start_of(month: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=1), dt.time.min))


def _after(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def check_period(from_month: dt.date, to_month: dt.date) -> tuple[dt.date, dt.date]:
    """First days of both months; refuses a reversed or overlong period."""
    first, last = from_month.replace(day=1), to_month.replace(day=1)
    if last < first:
        raise ValidationError({"to_month": str(MSG_ORDER)})
    if months_between(first, last) > MAX_MONTHS:
        raise ValidationError({"to_month": str(MSG_SPAN % {"months": MAX_MONTHS})})
    return first, last


def payer_statement(
    *, actor: Actor, payer_id: int, from_month: dt.date, to_month: dt.date
) -> Statement:
    """Opening balance, every entry of the period with a running balance, totals per kind and
    the closing balance of one payer; three queries whatever the history's length."""
    first, last = check_period(from_month, to_month)
    payer = payer_get(actor=actor, payer_id=payer_id)
    start, end = _start_of(first), _start_of(_after(last))
    ledger = LedgerEntry.objects.filter(payer_id=payer.pk)
    opening = int(ledger.filter(at__lt=start).aggregate(s=Sum("amount"))["s"] or 0)
    entries = list(
        ledger.filter(Q(at__gte=start) & Q(at__lt=end))
        .select_related("invoice", "payment")
        .order_by("at", "pk")[: MAX_ROWS + 1]
    )
    if len(entries) > MAX_ROWS:
        raise ValidationError({"from_month": str(MSG_ROWS % {"rows": MAX_ROWS})})
    rows = _rows(entries, opening)
    by_kind = {kind: sum(e.amount for e in entries if e.kind == kind) for kind in LedgerKind}
    return Statement(
        payer_id=payer.pk,
        payer_label=payer.label,
        payer_kind=payer.kind,
        virtual_account=payer.virtual_account or "",
        from_month=first,
        to_month=last,
        opening=opening,
        charges=by_kind[LedgerKind.CHARGE],
        payments=-by_kind[LedgerKind.PAYMENT],
        reversals=by_kind[LedgerKind.REVERSAL],
        fines=by_kind[LedgerKind.FINE],
        closing=rows[-1].balance if rows else opening,
        rows=rows,
    )


def _rows(entries: list[LedgerEntry], opening: int) -> list[StatementRow]:
    rows: list[StatementRow] = []
    balance = opening
    for entry in entries:
        balance += entry.amount
        rows.append(
            StatementRow(
                at=entry.at,
                kind=entry.kind,
                reference=_reference(entry),
                note=entry.note,
                debit=max(entry.amount, 0),
                credit=max(-entry.amount, 0),
                balance=balance,
            )
        )
    return rows


def _reference(entry: LedgerEntry) -> str:
    if entry.invoice is not None:
        return entry.invoice.number
    if entry.payment is not None:
        return entry.payment.bank_reference
    return ""


KIND_LABELS: dict[str, StrOrPromise] = {
    LedgerKind.CHARGE: _("Tagihan"),
    LedgerKind.PAYMENT: _("Pembayaran"),
    LedgerKind.REVERSAL: _("Pembatalan pembayaran"),
    LedgerKind.FINE: _("Denda"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
