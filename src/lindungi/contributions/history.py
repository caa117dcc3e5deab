"""A worker's contributions month by month, and their protection per programme on a date.

Read within the actor's scope: the worker through `access.get`, only the memberships the
actor may see, and money figures only for holders of `contributions.view_billing`. Two
aggregate queries (lines, allocations) over the worker's memberships; nothing per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Min, Sum

from lindungi.contributions.coverage.rules import Assessment, Reason, Status, reason_text
from lindungi.contributions.coverage.selectors import PROGRAMMES, CoverageStatus, coverage_on
from lindungi.contributions.models import Allocation, InvoiceLine
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.registry.models import Membership, Worker, WorkerStatus

MONTHS_SHOWN = 24  # per membership, newest first


@dataclass
class MonthRow:
    """One contribution month of one membership: billed, settled, still open."""

    membership_id: int
    segment: str
    payer_label: str
    month: date
    due_date: date | None
    billed: int = 0
    allocated: int = 0
    last_paid_on: date | None = None
    programmes: dict[str, int] = field(default_factory=dict)  # billed per programme

    @property
    def outstanding(self) -> int:
        return max(self.billed - self.allocated, 0)

    @property
    def state(self) -> str:
        """paid, partial or unpaid (a month billed net zero or less counts as paid)."""
        if self.billed <= 0 or self.allocated >= self.billed:
            return "paid"
        return "partial" if self.allocated > 0 else "unpaid"


def worker_contribution_history(
    *, actor: Actor, worker_id: int, months: int = MONTHS_SHOWN
) -> list[MonthRow]:
    """Billed lines and their allocations per membership and month, newest month first."""
    access.require(actor, access.VIEW_BILLING)
    worker = access.get(actor, access.VIEW_MEMBERSHIP, Worker.objects.all(), pk=worker_id)
    memberships = {
        m.pk: m
        for m in access.scope(actor, Membership.objects.filter(worker=worker)).select_related(
            "payer"
        )
    }
    if not memberships:
        return []
    rows = _billed(memberships, months)
    _add_allocations(rows)
    return sorted(rows.values(), key=lambda r: (r.month, r.membership_id), reverse=True)


def _billed(memberships: dict[int, Membership], months: int) -> dict[tuple[int, date], MonthRow]:
    lines = (
        InvoiceLine.objects.filter(membership_id__in=list(memberships))
        .values("membership_id", "month", "programme")
        .annotate(amount=Sum("amount"), due=Min("invoice__due_date"))
        .order_by("-month")
    )
    rows: dict[tuple[int, date], MonthRow] = {}
    shown: dict[int, set[date]] = defaultdict(set)
    for line in lines:
        key = (line["membership_id"], line["month"])
        seen = shown[key[0]]
        if key[1] not in seen and len(seen) >= months:
            continue
        seen.add(key[1])
        membership = memberships[key[0]]
        row = rows.setdefault(
            key,
            MonthRow(key[0], membership.segment, membership.payer.label, key[1], line["due"]),
        )
        row.billed += int(line["amount"])
        row.programmes[line["programme"]] = row.programmes.get(line["programme"], 0) + int(
            line["amount"]
        )
        if line["due"] is not None and (row.due_date is None or line["due"] < row.due_date):
            row.due_date = line["due"]
    return rows


def _add_allocations(rows: dict[tuple[int, date], MonthRow]) -> None:
    if not rows:
        return
    allocated = (
        Allocation.objects.filter(
            line__membership_id__in={m for m, _ in rows},
            line__month__gte=min(month for _, month in rows),
        )
        .values("line__membership_id", "line__month")
        .annotate(total=Sum("amount"), last=Max("payment__paid_on"))
    )
    for item in allocated:
        row = rows.get((item["line__membership_id"], item["line__month"]))
        if row is not None:
            row.allocated = int(item["total"] or 0)
            row.last_paid_on = item["last"] if row.allocated > 0 else None


def worker_coverage(*, actor: Actor, worker_id: int, on: date) -> list[CoverageStatus]:
    """The worker's status in every programme on `on` (covered, in grace, lapsed, not a
    member), each with its reason and paid-through month.

    Programmes that no visible membership carries are "not a member" without assessing them
    (one query instead of five assessments); a merged record is left to `coverage_on`, which
    follows it to the survivor.
    """
    worker = access.get(actor, access.VIEW_MEMBERSHIP, Worker.objects.all(), pk=worker_id)
    held = _programmes_held(actor, worker)
    return [
        coverage_on(worker_id=worker_id, on=on, programme=programme, actor=actor)
        if programme in held or worker.status == WorkerStatus.MERGED
        else _not_a_member(on, programme)
        for programme in PROGRAMMES
    ]


def _programmes_held(actor: Actor, worker: Worker) -> set[str]:
    flags = access.scope(actor, Membership.objects.filter(worker=worker)).values_list(
        "jkk", "jkm", "jht", "jp", "jkp"
    )
    names = ("JKK", "JKM", "JHT", "JP", "JKP")
    return {name for row in flags for name, flag in zip(names, row, strict=True) if flag}


def _not_a_member(on: date, programme: str) -> CoverageStatus:
    found = Assessment(Status.NOT_A_MEMBER, Reason.NO_MEMBERSHIP)
    text = reason_text(found, term=None, on=on, programme=programme)
    return CoverageStatus(found.status, text, found.reason, on, programme, None)
