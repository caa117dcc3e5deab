"""Refill places freed by death, exit, a BPJS rejection or a worker becoming a wage earner.

`refill_preview` says what `programme_refill` would do on a date, writing nothing: which
beneficiaries end (and from which month), which follow a merged worker to the survivor, and
how many of the latest selection run's queue ("quota" candidates, in the run's rank order,
eligibility checked again now) are enrolled for the remaining months within the money left.
`programme_refill` does exactly that under the programme's lock, set-based, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict
from lindungi.programs import refill_queue as queue
from lindungi.programs import rules, selectors, services
from lindungi.programs.models import (
    BatchKind,
    Beneficiary,
    BeneficiaryEnd,
    EnrolmentBatch,
    Programme,
    ProgrammeStatus,
    RefillRun,
)
from lindungi.programs.returns import CHUNK, end_month, user_of
from lindungi.registry.models import EndReason, Membership, Worker, WorkerStatus

SHOWN = 50  # queue entries a preview names
MEMBERSHIP_END: dict[str, str] = {
    BeneficiaryEnd.DIED: EndReason.DIED,
    BeneficiaryEnd.EXITED: EndReason.RESIGNED,
    BeneficiaryEnd.WAGE_EARNER: EndReason.BECAME_WAGE_EARNER,
}


@dataclass(frozen=True)
class Freed:
    """A running beneficiary whose place frees from `new_end` on."""

    beneficiary_id: int
    membership_id: int
    worker_id: int
    full_name: str
    reason: str  # BeneficiaryEnd
    event: date
    start: date
    old_end: date
    new_end: date


@dataclass(frozen=True)
class Moved:
    """A merged worker's beneficiary: the survivor now holds the membership, and the place."""

    beneficiary_id: int
    worker_id: int
    survivor_id: int


@dataclass
class RefillPlan:
    programme: Programme
    as_of: date
    start: date  # first month of the refilled beneficiaries
    months: int
    freed: list[Freed] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    open_places: int = 0  # freed earlier or now, not yet refilled
    per_worker: int = 0  # what one refilled beneficiary costs for the remaining months
    budget_left: int = 0  # budget minus committed once the freed places end
    queue: dict[str, int] = field(default_factory=dict)  # queue by current reason ("" eligible)
    refill: int = 0
    shown: list[Worker] = field(default_factory=list)  # the first of those to be enrolled

    @property
    def affordable(self) -> int:
        return rules.affordable(max(self.budget_left, 0), self.per_worker)

    @property
    def cost(self) -> int:
        return self.refill * self.per_worker

    def freed_counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for f in self.freed:
            found[f.reason] = found.get(f.reason, 0) + 1
        return found


def refill_preview(*, programme_id: int, actor: Actor, as_of: date) -> RefillPlan:
    """What a refill on `as_of` would end, move and enrol; writes nothing."""
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.ENROL_BENEFICIARIES
    )
    plan = _plan(programme, as_of)
    if plan.refill:
        ids = queue.next_ids(programme, plan.start, min(plan.refill, SHOWN))
        workers = Worker.objects.select_related("village").in_bulk(ids)
        plan.shown = [workers[pk] for pk in ids]
    return plan


@transaction.atomic
def programme_refill(*, programme_id: int, actor: Actor, as_of: date) -> RefillRun:
    """End the freed places and enrol the next eligible of the queue within budget; atomic."""
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.ENROL_BENEFICIARIES
    )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != ProgrammeStatus.ACTIVE:
        raise Conflict(_("Hanya program yang berjalan yang dapat diisi ulang."), field="status")
    plan = _plan(programme, as_of)
    if not (plan.freed or plan.moved or plan.refill):
        raise Conflict(_("Tidak ada tempat yang lowong atau dapat diisi; tidak ada yang diubah."))
    _move(plan.moved)
    _end(plan.freed)
    batch = _enrol(plan, actor) if plan.refill else None
    run = RefillRun.objects.create(
        programme=programme,
        as_of=as_of,
        created_by=user_of(actor),
        freed=plan.freed_counts(),
        moved=len(plan.moved),
        open_places=plan.open_places,
        refilled=plan.refill,
        start=plan.start,
        cost=plan.cost,
        batch=batch,
    )
    audit.record(
        actor=actor,
        action="programme.refill",
        obj=programme,
        region_code=programme.region_id,
        after={
            "refill": run.pk,
            "as_of": as_of.isoformat(),
            "freed": run.freed,
            "moved": run.moved,
            "refilled": run.refilled,
            "cost": run.cost,
            "batch": batch.pk if batch else None,
        },
    )
    return run


# --- the plan ---------------------------------------------------------------------------------


def _plan(programme: Programme, as_of: date) -> RefillPlan:
    period_end = rules.add_months(programme.start_month, programme.months)
    start = max(programme.start_month, rules.add_months(as_of.replace(day=1), 1))
    plan = RefillPlan(programme, as_of, start, max(selectors.months_between(start, period_end), 0))
    plan.moved, plan.freed = _left(programme, as_of)
    plan.freed += _wage_earners(programme, as_of, {f.beneficiary_id for f in plan.freed})
    ended = Beneficiary.objects.filter(programme=programme).exclude(end_reason="").count()
    refilled = Beneficiary.objects.filter(
        programme=programme,
        batch_id__in=EnrolmentBatch.objects.filter(programme=programme, kind=BatchKind.REFILL),
    ).count()
    plan.open_places = max(ended + len(plan.freed) - refilled, 0)
    if plan.months == 0 or plan.open_places == 0:
        return plan
    per_worker = services.cost_per_worker(programme)
    plan.per_worker = sum(selectors.month_amounts(programme, start))
    plan.budget_left = programme.budget - _committed_after(programme, per_worker, plan.freed)
    plan.queue = queue.counts(programme, start)
    places = min(plan.open_places, plan.affordable, plan.queue.get("", 0))
    if programme.quota is not None:
        running = Beneficiary.objects.filter(programme=programme, end_reason="").count()
        places = min(places, programme.quota - (running - len(plan.freed)))
    plan.refill = max(places, 0)
    return plan


def _left(programme: Programme, as_of: date) -> tuple[list[Moved], list[Freed]]:
    """Running beneficiaries whose worker died, left, or was merged into another record."""
    gone = [WorkerStatus.DECEASED, WorkerStatus.ENDED, WorkerStatus.MERGED]
    rows = (
        Beneficiary.objects.filter(programme=programme, end_reason="")
        .filter(Q(worker__status__in=gone) | ~Q(membership__worker_id=F("worker_id")))
        .values_list(
            "pk",
            "membership_id",
            "worker_id",
            "membership__worker_id",
            "worker__full_name",
            "worker__status",
            "worker__ended_on",
            "start",
            "end",
        )
        .order_by("pk")
    )
    found = list(rows)
    survivors = {row[3] for row in found if row[3] != row[2]}
    taken = set(  # survivors already in the programme keep their own place
        Beneficiary.objects.filter(programme=programme, worker_id__in=survivors).values_list(
            "worker_id", flat=True
        )
    )
    moved, freed = [], []
    for pk, mid, worker, holder, name, status, ended_on, start, end in found:
        if holder != worker and holder not in taken:
            moved.append(Moved(pk, worker, holder))
            taken.add(holder)
            continue
        if status == WorkerStatus.ACTIVE:
            continue  # membership moved to someone already in the programme: left as it is
        event = ended_on or as_of
        if event > as_of:
            continue
        reason = BeneficiaryEnd.DIED if status == WorkerStatus.DECEASED else BeneficiaryEnd.EXITED
        new_end = end_month(event, start, end)
        if new_end < end:
            freed.append(Freed(pk, mid, worker, name, reason, event, start, end, new_end))
    return moved, freed


def _wage_earners(programme: Programme, as_of: date, skip: set[int]) -> list[Freed]:
    """Running beneficiaries with a PU membership begun by `as_of` and still open then."""
    if not programme.exclude_wage_earners:
        return []
    pu = (
        Membership.objects.filter(
            worker_id=OuterRef("worker_id"),
            segment="PU",
            start__lte=as_of,
            start__lt=OuterRef("end"),
        )
        .filter(Q(end__isnull=True) | Q(end__gt=as_of))
        .order_by("start")
        .values("start")[:1]
    )
    rows = (
        Beneficiary.objects.filter(
            programme=programme, end_reason="", worker__status=WorkerStatus.ACTIVE
        )
        .annotate(pu_start=Subquery(pu))
        .filter(pu_start__isnull=False)
        .values_list(
            "pk", "membership_id", "worker_id", "worker__full_name", "pu_start", "start", "end"
        )
        .order_by("pk")
    )
    freed = []
    for pk, mid, worker, name, event, start, end in rows:
        new_end = end_month(event, start, end)
        if pk not in skip and new_end < end:
            freed.append(
                Freed(pk, mid, worker, name, BeneficiaryEnd.WAGE_EARNER, event, start, end, new_end)
            )
    return freed


def _committed_after(programme: Programme, per_worker: int, freed: list[Freed]) -> int:
    """What the beneficiaries' months cost once the freed ones end."""
    committed = selectors.sponsored(programme, per_worker).committed
    schedules: dict[date, tuple[int, ...]] = {}
    for f in freed:
        if f.start not in schedules:
            schedules[f.start] = selectors.month_amounts(programme, f.start)
        months = schedules[f.start]
        kept = selectors.months_between(f.start, f.new_end)
        committed -= sum(months[kept : selectors.months_between(f.start, f.old_end)])
    return committed


# --- writing ----------------------------------------------------------------------------------


def _move(moved: list[Moved]) -> None:
    objs = [Beneficiary(pk=m.beneficiary_id, worker_id=m.survivor_id) for m in moved]
    Beneficiary.objects.bulk_update(objs, ["worker"], batch_size=CHUNK)


def _end(freed: list[Freed]) -> None:
    now = timezone.now()
    beneficiaries = [
        Beneficiary(pk=f.beneficiary_id, end=f.new_end, end_reason=f.reason, ended_at=now)
        for f in freed
    ]
    memberships = [
        Membership(pk=f.membership_id, end=f.new_end, end_reason=MEMBERSHIP_END[f.reason])
        for f in freed
    ]
    Beneficiary.objects.bulk_update(
        beneficiaries, ["end", "end_reason", "ended_at"], batch_size=CHUNK
    )
    Membership.objects.bulk_update(memberships, ["end", "end_reason"], batch_size=CHUNK)


def _enrol(plan: RefillPlan, actor: Actor) -> EnrolmentBatch:
    programme = plan.programme
    run = selectors.latest_run(programme)
    if run is None:  # the queue is a run's; no run, no refill (plan.refill is 0 then)
        raise Conflict(_("Jalankan seleksi dulu (run the selection first)."), field="run")
    batch = EnrolmentBatch.objects.create(
        programme=programme,
        run=run,
        created_by=user_of(actor),
        workers=plan.refill,
        cost=plan.cost,
        kind=BatchKind.REFILL,
    )
    queue.enrol(plan.programme, plan.start, batch, plan.refill)
    inserted = Beneficiary.objects.filter(programme=programme, batch_id=batch.pk).count()
    if inserted != plan.refill:
        raise Conflict(_("Jumlah pengisian ulang tidak cocok; dibatalkan."), field="run")
    return batch
