"""Payment reads: balances are sums of the ledger; lists are scoped to the acting user."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    PayerAccount,
    Payment,
    PaymentImport,
    PaymentStatus,
)
from lindungi.core import access
from lindungi.core.access import VIEW_PAYMENTS, Actor, OrgKind
from lindungi.registry.models import Payer

PAGE = 100


def payer_balance(*, payer_id: int) -> int:
    """What the payer owes (positive) or holds as credit (negative): the sum of its ledger."""
    total = LedgerEntry.objects.filter(payer_id=payer_id).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def payer_credit(*, payer_id: int) -> int:
    """Money received from the payer and not yet allocated to any line."""
    account = PayerAccount.objects.filter(payer_id=payer_id).values_list("credit", flat=True)
    return int(next(iter(account), 0))


def line_allocated(*, line_ids: list[int]) -> dict[int, int]:
    """Net allocations per invoice line (lines without any are left out)."""
    rows = (
        Allocation.objects.filter(line_id__in=line_ids)
        .values("line_id")
        .annotate(total=Sum("amount"))
        .values_list("line_id", "total")
    )
    return {line_id: int(total) for line_id, total in rows}


def payment_list(
    *,
    actor: Actor,
    status: str | None = None,
    payer_id: int | None = None,
    import_id: int | None = None,
    before_id: int | None = None,
    limit: int = PAGE,
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> list[Payment]:
    """Payments the actor may see, newest first, one page (keyset on id)."""
    access.require(actor, VIEW_PAYMENTS)
    qs = access.scope(actor, Payment.objects.all())
    if status:
        qs = qs.filter(status=status)
    if payer_id is not None:
        qs = qs.filter(payer_id=payer_id)
    if import_id is not None:
        qs = qs.filter(source_import_id=import_id)
    if paid_from is not None:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to is not None:
        qs = qs.filter(paid_on__lte=paid_to)
    if before_id is not None:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.select_related("payer").order_by("-pk")[: max(1, min(limit, 500))])


def unmatched_queue(
    *, actor: Actor, before_id: int | None = None, limit: int = PAGE
) -> list[Payment]:
    """Payments waiting for an officer to name the payer, newest first."""
    return payment_list(
        actor=actor, status=PaymentStatus.UNMATCHED, before_id=before_id, limit=limit
    )


def payment_get(*, actor: Actor, payment_id: int) -> Payment:
    """One payment in the actor's scope; NotFound whether missing or out of scope."""
    return access.get(actor, VIEW_PAYMENTS, Payment.objects.select_related("payer"), pk=payment_id)


def payment_allocations(*, actor: Actor, payment_id: int) -> QuerySet[Allocation]:
    """Where one payment's money went, line by line, in the order it was allocated."""
    payment = payment_get(actor=actor, payment_id=payment_id)
    return payment.allocations.select_related("line", "line__invoice").order_by("pk")


def import_get(*, actor: Actor, import_id: int) -> PaymentImport:
    """One import's result report (counts and problems) in the actor's scope."""
    return access.get(actor, VIEW_PAYMENTS, PaymentImport.objects.all(), pk=import_id)


def import_list(*, actor: Actor, limit: int = PAGE) -> list[PaymentImport]:
    """Recent imports the actor may see, newest first."""
    access.require(actor, VIEW_PAYMENTS)
    qs = access.scope(actor, PaymentImport.objects.all()).order_by("-imported_at", "-pk")
    return list(qs.defer("problems")[: max(1, min(limit, 500))])


def ledger_entries(*, actor: Actor, payer_id: int, limit: int = PAGE) -> list[LedgerEntry]:
    """A payer's ledger entries as the actor may see them, newest first."""
    access.require(actor, VIEW_PAYMENTS)
    qs = access.scope(actor, LedgerEntry.objects.filter(payer_id=payer_id))
    return list(qs.order_by("-at", "-pk")[: max(1, min(limit, 500))])


def queue_totals(*, actor: Actor) -> dict[str, int]:
    """How many payments and rupiah wait in the actor's unmatched queue."""
    access.require(actor, VIEW_PAYMENTS)
    qs = access.scope(actor, Payment.objects.filter(status=PaymentStatus.UNMATCHED))
    totals = qs.aggregate(count=Count("id"), amount=Coalesce(Sum("amount"), 0))
    return {"count": int(totals["count"]), "amount": int(totals["amount"])}


PAYER_MATCHES = 20


def payer_id_for_virtual_account(*, virtual_account: str) -> int | None:
    """The payer a virtual account belongs to (lists are scoped by the payment, not here)."""
    found = Payer.objects.filter(virtual_account=virtual_account).values_list("pk", flat=True)
    return next(iter(found), None)


def payer_search(*, actor: Actor, text: str, limit: int = PAYER_MATCHES) -> list[Payer]:
    """Payers an officer may assign a payment to, found by virtual account, NPP or name.

    A payer lies where its employer or self-paying worker lives; sponsor programmes (no
    village) are visible to national users only, as their invoices are.
    """
    access.require(actor, VIEW_PAYMENTS)
    text = text.strip()
    if len(text) < 3:
        return []
    qs = _payers_in_scope(actor).select_related("employer", "worker")
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) >= 10 and digits == text.replace(" ", "").replace(".", ""):
        qs = qs.filter(virtual_account=digits)
    else:
        qs = qs.filter(Q(employer__npp=text.upper()) | Q(label__icontains=text))
    return list(qs.order_by("label", "pk")[: max(1, min(limit, 100))])


def _payers_in_scope(actor: Actor) -> QuerySet[Payer]:
    qs = Payer.objects.all()
    kind, org_id = actor.organisation
    if kind:
        if kind != OrgKind.EMPLOYER or org_id is None:
            return qs.none()
        qs = qs.filter(employer_id=org_id)
    prefixes = actor.region_prefixes
    if prefixes:
        qs = qs.filter(
            access.region_q("employer__village_id", prefixes)
            | access.region_q("worker__village_id", prefixes)
        )
    return qs
