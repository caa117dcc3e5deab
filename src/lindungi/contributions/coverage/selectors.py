"""Is this worker protected on that date, and until when? Read within the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from lindungi.contributions.coverage.rules import (
    RANK,
    TABLES,
    Assessment,
    PaymentRules,
    Reason,
    RuleValue,
    Status,
    Term,
    assess,
    reason_text,
)
from lindungi.contributions.models import InvoiceLine, PaidThrough
from lindungi.contributions.rules import Programme, RuleRef
from lindungi.core import access, pii
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.reference.models import RuleRow
from lindungi.registry.models import EndReason, Membership, Worker, WorkerStatus

PROGRAMMES = tuple(p.value for p in Programme if p is not Programme.JKK_JKM)
MSG_PROGRAMME = _("Program %(value)s tidak dikenal; pilih dari: %(choices)s.")
MSG_NIK = _("NIK harus 16 angka.")
MAX_MERGES = 10  # a merged record points at the survivor; chains are short


@dataclass(frozen=True)
class CoverageStatus:
    """The answer for one worker, programme and date."""

    status: Status
    reason: str  # a sentence naming the rule and the regulation
    reason_code: Reason
    on: date
    programme: str
    paid_through: date | None  # PaidThrough.month of the membership reported
    membership_id: int | None = None
    segment: str | None = None
    payer_kind: str | None = None
    unpaid_months: int = 0
    overdue_months: int = 0
    first_unpaid: date | None = None
    first_due: date | None = None
    rules: tuple[RuleRef, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the CLI and the API."""
        return {
            "status": self.status.value,
            "reason": self.reason,
            "reason_code": self.reason_code.value,
            "on": self.on.isoformat(),
            "programme": self.programme,
            "paid_through": _month(self.paid_through),
            "membership_id": self.membership_id,
            "segment": self.segment,
            "payer_kind": self.payer_kind,
            "unpaid_months": self.unpaid_months,
            "overdue_months": self.overdue_months,
            "first_unpaid": _month(self.first_unpaid),
            "first_due": self.first_due.isoformat() if self.first_due else None,
            "rules": [
                {"id": r.id, "table": r.table, "regulation": r.regulation, "status": r.status}
                for r in self.rules
            ],
        }


def payment_rules() -> PaymentRules:
    """Every row of the due-day, late-fine and lapse tables, as plain values (one query)."""
    rows = RuleRow.objects.filter(table__in=TABLES).order_by("table", "valid_from")
    return PaymentRules(
        tuple(
            RuleValue(
                ref=RuleRef(row.pk, row.table, row.key, row.regulation, row.status),
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                value=row.value,
                month_offset=int(row.params.get("month_offset", 0)),
            )
            for row in rows
        )
    )


def coverage_on(
    *, worker_id: int, on: date, programme: str = "JKK", actor: Actor | None
) -> CoverageStatus:
    """The worker's protection in `programme` on `on`: the best status among the memberships
    the actor may see. `actor=None` is the operator at the console (no scope)."""
    programme = _programme(programme)
    worker = _worker(worker_id, actor)
    memberships = Membership.objects.filter(worker=worker, **{programme.lower(): True})
    if actor is not None:
        memberships = access.scope(actor, memberships)
    return _best(list(memberships.select_related("payer")), on, programme, payment_rules())


def coverage_for_nik(
    *, nik: str, on: date, programme: str = "JKK", actor: Actor | None
) -> CoverageStatus:
    """The same, for the worker with this NIK (found through the keyed blind index)."""
    digits = nik.strip()
    if len(digits) != 16 or not digits.isdigit():
        raise ValidationError({"nik": str(MSG_NIK)})
    worker_id = (
        Worker.objects.filter(nik_index=pii.blind_index(digits, field="nik"))
        .values_list("pk", flat=True)
        .first()
    )
    if worker_id is None:
        raise NotFound("worker")
    return coverage_on(worker_id=worker_id, on=on, programme=programme, actor=actor)


def _programme(value: str) -> str:
    found = value.strip().upper()
    if found not in PROGRAMMES:
        choices = ", ".join(PROGRAMMES)
        raise ValidationError(
            {"programme": str(MSG_PROGRAMME % {"value": value, "choices": choices})}
        )
    return found


def _worker(worker_id: int, actor: Actor | None) -> Worker:
    """The worker in scope, following merges to the surviving record."""
    qs = Worker.objects.all()
    if actor is None:
        worker = qs.filter(pk=worker_id).first()
        if worker is None:
            raise NotFound("worker")
    else:
        worker = access.get(actor, access.VIEW_MEMBERSHIP, qs, pk=worker_id)
    for _hop in range(MAX_MERGES):
        if worker.status != WorkerStatus.MERGED or worker.merged_into_id is None:
            break
        worker = Worker.objects.get(pk=worker.merged_into_id)
    return worker


def _best(
    memberships: list[Membership], on: date, programme: str, rules: PaymentRules
) -> CoverageStatus:
    """Assess each membership; report the best status (newest start on a tie)."""
    if not memberships:
        found = Assessment(Status.NOT_A_MEMBER, Reason.NO_MEMBERSHIP)
        text = reason_text(found, term=None, on=on, programme=programme)
        return CoverageStatus(found.status, text, found.reason, on, programme, None)
    terms = _terms(memberships)
    ranked = sorted(
        ((assess(term=terms[m.pk], on=on, rules=rules), m) for m in memberships),
        key=lambda pair: (RANK[pair[0].status], -pair[1].start.toordinal(), -pair[1].pk),
    )
    found, membership = ranked[0]
    term = terms[membership.pk]
    end_reason = EndReason(membership.end_reason).label if membership.end_reason else ""
    text = reason_text(found, term=term, on=on, programme=programme, end_reason=end_reason)
    return CoverageStatus(
        status=found.status,
        reason=text,
        reason_code=found.reason,
        on=on,
        programme=programme,
        paid_through=term.paid_through,
        membership_id=membership.pk,
        segment=membership.segment,
        payer_kind=membership.payer.kind,
        unpaid_months=found.unpaid_months,
        overdue_months=found.overdue_months,
        first_unpaid=found.first_unpaid,
        first_due=found.first_due,
        rules=found.rules,
    )


def _terms(memberships: list[Membership]) -> dict[int, Term]:
    ids = [m.pk for m in memberships]
    paid = dict(
        PaidThrough.objects.filter(membership_id__in=ids).values_list("membership_id", "month")
    )
    first = dict(
        InvoiceLine.objects.filter(membership_id__in=ids)
        .values("membership_id")
        .annotate(first=Min("month"))
        .values_list("membership_id", "first")
    )
    return {
        m.pk: Term(m.segment, m.start, m.end, paid.get(m.pk), first.get(m.pk)) for m in memberships
    }


def _month(month: date | None) -> str | None:
    return month.strftime("%Y-%m") if month else None
