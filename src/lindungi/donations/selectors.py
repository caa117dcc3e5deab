"""Reads of pools, donors, pledges, donations and allocations, scoped to the acting user.

Two ways reach a donor: through its pool (the pool's programme lies in the actor's regions, or
the actor belongs to the programme's lead GN Lingkaran sponsor), or through the donor's own
sponsor (a company's users see their own donor rows in any pool, nothing else).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound
from lindungi.donations.models import (
    AllocationRun,
    Donation,
    Donor,
    Pledge,
    PledgeStatus,
    Pool,
    Receipt,
)
from lindungi.programs import planner
from lindungi.programs import selectors as programmes
from lindungi.programs.models import (
    Beneficiary,
    BudgetSource,
    Programme,
    ProgrammeStatus,
    SponsorKind,
)


def _net_of(field: str) -> Subquery:
    """Sum of the donations (reversals included) whose `field` is the outer row."""
    rows = (
        Donation.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Subquery(rows)


def pools_in_scope(actor: Actor) -> QuerySet[Pool]:
    return access.scope(actor, Pool.objects.all())


def pool_list(*, actor: Actor) -> QuerySet[Pool]:
    """Pools the actor may see, newest first, with their net receipts and donor counts."""
    access.require(actor, access.VIEW_DONATIONS)
    donors = Donor.objects.filter(pool=OuterRef("pk")).order_by().values("pool")
    return (
        pools_in_scope(actor)
        .select_related("programme", "programme__sponsor", "programme__region")
        .annotate(
            received=Coalesce(_net_of("pool"), 0),
            donor_count=Coalesce(Subquery(donors.annotate(n=Count("pk")).values("n")), 0),
        )
        .order_by("-opened_at", "-id")
    )


def pool_get(*, actor: Actor, pool_id: int, permission: str = "") -> Pool:
    """One pool in scope; NotFound when missing or outside it alike."""
    qs = Pool.objects.select_related(
        "programme", "programme__sponsor", "programme__region", "programme__payer"
    )
    return access.get(actor, permission or access.VIEW_DONATIONS, qs, pk=pool_id)


def donors_visible(actor: Actor) -> QuerySet[Donor]:
    """Donors of pools in scope, and donors linked to the actor's own sponsor."""
    access.require(actor, access.VIEW_DONATIONS)
    pools = pools_in_scope(actor).values("pk")
    own = access.scope(actor, Donor.objects.all()).values("pk")
    return Donor.objects.filter(Q(pool__in=pools) | Q(pk__in=own))


def donor_list(*, actor: Actor) -> QuerySet[Donor]:
    """Every donor the actor may read, with the pool, newest pool first."""
    return (
        donors_visible(actor)
        .select_related("pool", "pool__programme")
        .annotate(received=Coalesce(_net_of("donor"), 0))
        .order_by("-pool_id", "id")
    )


def own_donors(*, actor: Actor) -> QuerySet[Donor]:
    """Donor rows linked to the actor's own organisation (a company's users); none for staff."""
    access.require(actor, access.VIEW_DONATIONS)
    if not actor.organisation[0]:
        return Donor.objects.none()
    return (
        access.scope(actor, Donor.objects.all())
        .select_related("pool")
        .annotate(received=Coalesce(_net_of("donor"), 0))
        .order_by("-pool_id", "id")
    )


def openable_programmes(*, actor: Actor) -> QuerySet[Programme]:
    """GN Lingkaran programmes in the actor's scope that may still get a pool (the first
    enrolment makes a programme active, so these have no beneficiaries)."""
    access.require(actor, access.MANAGE_DONATIONS)
    return (
        access.scope(actor, Programme.objects.all())
        .filter(
            sponsor__kind=SponsorKind.GN_LINGKARAN,
            budget_source=BudgetSource.DONATION,
            status__in=[ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED, ProgrammeStatus.APPROVED],
        )
        .exclude(pk__in=Pool.objects.values("programme_id"))
        .order_by("name", "id")
    )


def donor_get(*, actor: Actor, donor_id: int) -> Donor:
    try:
        return (
            donors_visible(actor)
            .select_related("pool", "pool__programme", "pool__programme__region")
            .get(pk=donor_id)
        )
    except (Donor.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("donor") from exc


def donation_get(*, actor: Actor, donation_id: int, manage: bool = False) -> Donation:
    """A donation whose donor the actor may read (or, with `manage`, whose pool it manages)."""
    if manage:
        access.require(actor, access.MANAGE_DONATIONS)
        qs = Donation.objects.filter(pool__in=pools_in_scope(actor).values("pk"))
    else:
        qs = Donation.objects.filter(donor__in=donors_visible(actor).values("pk"))
    try:
        return qs.select_related("pool", "donor").get(pk=donation_id)
    except (Donation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("donation") from exc


def receipt_get(*, actor: Actor, donation_id: int) -> Receipt:
    donation = donation_get(actor=actor, donation_id=donation_id)
    try:
        return Receipt.objects.get(donation=donation)
    except Receipt.DoesNotExist as exc:
        raise NotFound("receipt") from exc


# --- one pool -----------------------------------------------------------------------------


def pool_donors(pool: Pool) -> QuerySet[Donor]:
    """The pool's donors with what each gave (net) and promised on open pledges."""
    open_pledges = (
        Pledge.objects.filter(donor=OuterRef("pk"), status=PledgeStatus.OPEN)
        .order_by()
        .values("donor")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        Donor.objects.filter(pool=pool)
        .select_related("sponsor")
        .annotate(received=Coalesce(_net_of("donor"), 0))
        .annotate(pledged=Coalesce(Subquery(open_pledges), 0))
        .order_by("id")
    )


def pool_pledges(pool: Pool) -> QuerySet[Pledge]:
    return (
        Pledge.objects.filter(pool=pool)
        .select_related("donor")
        .annotate(received=Coalesce(_net_of("pledge"), 0))
        .order_by("-id")
    )


def pool_donations(pool: Pool, *, limit: int = 200) -> list[Donation]:
    """The latest donations and reversals, with receipt and reversal, newest first."""
    return list(
        Donation.objects.filter(pool=pool)
        .select_related("donor", "receipt", "reversal", "reverses")
        .order_by("-received_on", "-id")[:limit]
    )


@dataclass(frozen=True)
class Balance:
    target: int
    received: int  # money in, before reversals
    reversed: int  # money taken back (positive)
    pledged_open: int
    budget: int  # the programme's budget now
    per_worker: int
    enrolled: int
    run: AllocationRun | None
    stale: bool  # the latest allocation no longer matches donations or beneficiaries

    @property
    def funded(self) -> int:
        return self.received - self.reversed

    @property
    def committed(self) -> int:
        return self.enrolled * self.per_worker

    @property
    def places_left(self) -> int:
        return max(0, self.funded // self.per_worker - self.enrolled) if self.per_worker else 0

    @property
    def shortfall(self) -> int:
        """Money committed to enrolled workers beyond what was received (after a reversal)."""
        return max(0, self.committed - self.funded)


def pool_balance(pool: Pool) -> Balance:
    plan = programmes.programme_plan(pool.programme)
    sums = Donation.objects.filter(pool=pool).aggregate(
        received=Sum("amount", filter=Q(amount__gt=0)),
        reversed=Sum("amount", filter=Q(amount__lt=0)),
    )
    pledged = Pledge.objects.filter(pool=pool, status=PledgeStatus.OPEN).aggregate(s=Sum("amount"))[
        "s"
    ]
    run = latest_run(pool)
    return Balance(
        target=pool.target,
        received=int(sums["received"] or 0),
        reversed=-int(sums["reversed"] or 0),
        pledged_open=int(pledged or 0),
        budget=pool.programme.budget,
        per_worker=plan.per_worker,
        enrolled=Beneficiary.objects.filter(programme_id=pool.programme_id).count(),
        run=run,
        stale=run is None or fingerprint(pool, month_costs(plan.monthly)) != run.fingerprint,
    )


def latest_run(pool: Pool) -> AllocationRun | None:
    return AllocationRun.objects.filter(pool=pool).order_by("-id").first()


def month_costs(costs: Sequence[planner.MonthCost]) -> list[tuple[date, int]]:
    return [(c.month, c.amount) for c in costs]


def run_month_costs(run: AllocationRun) -> list[tuple[date, int]]:
    """The month costs a run used, as stored on it ("2027-01", 16800)."""
    return [(date(int(m[:4]), int(m[5:7]), 1), int(a)) for m, a in run.month_costs]


def is_stale(pool: Pool, run: AllocationRun | None) -> bool:
    """Donations or beneficiaries changed since the run (at the month costs it used)."""
    return run is None or fingerprint(pool, run_month_costs(run)) != run.fingerprint


def fingerprint(pool: Pool, costs: Sequence[tuple[date, int]]) -> str:
    """What an allocation depends on: the donations, the beneficiaries' periods (count and id
    sums per period) and the month costs. Equal fingerprints give equal allocations."""
    donations = list(
        Donation.objects.filter(pool=pool)
        .order_by("id")
        .values_list("id", "amount", "received_on", "reverses_id")
    )
    periods = list(
        Beneficiary.objects.filter(programme_id=pool.programme_id)
        .values("start", "end")
        .annotate(n=Count("id"), s=Sum("id"), lo=Min("id"), hi=Max("id"))
        .order_by("start", "end")
        .values_list("start", "end", "n", "s", "lo", "hi")
    )
    text = json.dumps([donations, periods, list(costs)], default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
