"""Writes: open a pool for a GN Lingkaran programme, register donors, record and cancel pledges.

Money in and out (donations, reversals, the programme budget that follows them) is in
donations/funding.py; the allocation of the money to beneficiaries' months in allocation.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, NotFound, ValidationError
from lindungi.donations import rules, selectors
from lindungi.donations.models import Donation, Donor, DonorKind, Pledge, PledgeStatus, Pool
from lindungi.programs import selectors as programmes
from lindungi.programs.models import (
    Beneficiary,
    BudgetSource,
    Programme,
    ProgrammeStatus,
    Sponsor,
    SponsorKind,
)
from lindungi.programs.services import programme_budget_set

# A pool is opened before anyone is enrolled: from then on the budget is the money received.
OPENABLE = frozenset({ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED, ProgrammeStatus.APPROVED})


def user_of(actor: Actor | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def locked_pool(actor: Actor, pool_id: int) -> Pool:
    """The pool, in scope for managing donations, with its row locked for this transaction."""
    pool = selectors.pool_get(actor=actor, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    locked = Pool.objects.select_for_update(of=("self",)).select_related("programme")
    return locked.get(pk=pool.pk)


def fund(pool: Pool, actor: Actor, note: str) -> int:
    """Set the programme's budget to the pool's net receipts (Rp1 while there are none), so
    enrolment never commits money that has not arrived. Returns the budget."""
    Programme.objects.select_for_update().filter(pk=pool.programme_id).first()  # before summing
    received = Donation.objects.filter(pool=pool).aggregate(s=Sum("amount"))["s"] or 0
    budget = programme_budget_set(
        programme_id=pool.programme_id,
        budget=rules.budget_for(int(received)),
        actor=actor,
        note=note,
    )
    pool.programme.budget = budget
    return budget


def _openable(programme: Programme) -> None:
    sponsor = Sponsor.objects.get(pk=programme.sponsor_id)
    if sponsor.kind != SponsorKind.GN_LINGKARAN:
        raise ValidationError(
            {"programme_id": _("Sponsor utama program harus berjenis Donatur GN Lingkaran.")}
        )
    if programme.budget_source != BudgetSource.DONATION:
        raise ValidationError(
            {"programme_id": _("Sumber anggaran program harus Donasi GN Lingkaran.")}
        )
    enrolled = Beneficiary.objects.filter(programme=programme).exists()
    if programme.status not in OPENABLE or enrolled:
        raise Conflict(
            _("Pool donasi dibuka sebelum ada peserta terdaftar (status program: %(s)s).")
            % {"s": programme.status},
            field="programme_id",
        )
    if Pool.objects.filter(programme=programme).exists():
        raise Conflict(_("Program ini sudah memiliki pool donasi."), field="programme_id")


@transaction.atomic
def pool_open(*, programme_id: int, actor: Actor, name: str = "") -> Pool:
    """Open the donation pool of a GN Lingkaran programme before enrolment; from now on the
    programme's budget is the money received, and its planned budget the pool's target."""
    programme = programmes.programme_get(
        actor=actor, programme_id=programme_id, permission=access.MANAGE_DONATIONS
    )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _openable(programme)
    pool = Pool.objects.create(
        programme=programme,
        name=name.strip()[:200] or programme.name,
        target=programme.budget,
        opened_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        action="pool.open",
        obj=pool,
        region_code=programme.region_id,
        after=audit.snapshot(pool),
    )
    fund(pool, actor, note=f"pool {pool.pk}")
    return pool


@transaction.atomic
def donor_create(
    *,
    pool_id: int,
    kind: str,
    name: str = "",
    anonymous: bool = False,
    sponsor_id: int | None = None,
    actor: Actor,
) -> Donor:
    """Register a donor of a pool: named, or anonymous (no name kept at all); optionally
    linked to a sponsor whose users may then read its receipts and impact report."""
    pool = selectors.pool_get(actor=actor, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    errors: dict[str, str] = {}
    if kind not in DonorKind.values:
        errors["kind"] = _("Jenis donatur tidak dikenal.")
    if not anonymous and not name.strip():
        errors["name"] = _("Nama donatur wajib diisi, atau tandai sebagai anonim.")
    if sponsor_id is not None and not Sponsor.objects.filter(pk=sponsor_id).exists():
        errors["sponsor_id"] = _("Sponsor tidak ditemukan.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            donor = Donor.objects.create(
                pool=pool,
                kind=kind,
                name="" if anonymous else name.strip()[:200],
                anonymous=anonymous,
                sponsor_id=sponsor_id,
                created_by=user_of(actor),
            )
    except IntegrityError as exc:
        raise Conflict(_("Sponsor ini sudah menjadi donatur pool."), field="sponsor_id") from exc
    audit.record(
        actor=actor,
        action="donor.create",
        obj=donor,
        region_code=pool.programme.region_id,
        after=audit.snapshot(donor),
    )
    return donor


def donor_of(pool: Pool, donor_id: int) -> Donor:
    donor = Donor.objects.filter(pool=pool, pk=donor_id).first()
    if donor is None:
        raise ValidationError({"donor_id": _("Donatur tidak terdaftar di pool ini.")})
    return donor


@transaction.atomic
def pledge_record(
    *,
    pool_id: int,
    donor_id: int,
    amount: int,
    start_month: date,
    months: int,
    note: str = "",
    actor: Actor,
) -> Pledge:
    """Record a donor's promise to give `amount` over `months` months from `start_month`."""
    pool = selectors.pool_get(actor=actor, pool_id=pool_id, permission=access.MANAGE_DONATIONS)
    errors = rules.check_pledge(amount=amount, start_month=start_month, months=months)
    if errors:
        raise ValidationError(errors)
    pledge = Pledge.objects.create(
        pool=pool,
        donor=donor_of(pool, donor_id),
        amount=amount,
        start_month=start_month,
        months=months,
        note=note.strip()[:200],
        created_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        action="pledge.record",
        obj=pledge,
        region_code=pool.programme.region_id,
        after=audit.snapshot(pledge),
    )
    return pledge


@transaction.atomic
def pledge_cancel(*, pledge_id: int, reason: str, actor: Actor) -> Pledge:
    """Cancel an open pledge (the donor withdrew it); donations already made stay."""
    access.require(actor, access.MANAGE_DONATIONS)
    pools = selectors.pools_in_scope(actor).values("pk")
    pledge = Pledge.objects.select_for_update().filter(pk=pledge_id, pool__in=pools).first()
    if pledge is None:
        raise NotFound("pledge")
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan pembatalan wajib diisi.")})
    if pledge.status != PledgeStatus.OPEN:
        raise Conflict(_("Hanya janji yang masih terbuka dapat dibatalkan."), field="status")
    pledge.status, pledge.cancel_reason = PledgeStatus.CANCELLED, reason.strip()[:200]
    pledge.save(update_fields=["status", "cancel_reason"])
    audit.record(
        actor=actor,
        action="pledge.cancel",
        obj=pledge,
        region_code=pledge.pool.programme.region_id,
        before={"status": PledgeStatus.OPEN},
        after={"status": pledge.status, "cancel_reason": pledge.cancel_reason},
    )
    return pledge
