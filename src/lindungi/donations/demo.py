"""A demo GN Lingkaran pool, made through the services by the demo personas themselves.

The national administrator registers the GN Lingkaran sponsor of Kutai Kartanegara and its
programme for the year after the regency's own programme (which takes every eligible worker of
Kukar for its year: the movement carries them on). The Kukar branch officer opens the pool,
registers donors (the demo CSR company, linked to its sponsor so that the `csr_mitra` login
sees its impact report; a named individual; an anonymous one), records a pledge and four
donations; the regency planner approves, selects and enrols as many workers as the money pays
for; the branch officer allocates. Nothing is made twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.donations import funding, services
from lindungi.donations.allocation import pool_allocate
from lindungi.donations.models import Pool
from lindungi.programs.models import BudgetSource, Sponsor, SponsorKind
from lindungi.programs.rules import add_months
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.services import (
    ProgrammeInput,
    programme_create,
    programme_transition,
    sponsor_create,
)

KUKAR = "6402"
TARGET = 100_000_000  # rupiah: the fundraising goal, about 496 workers for a year
GIFTS = (  # (donor index, amount, days before today, reference)
    (0, 12_000_000, 40, "DEMO-GNL-0001"),
    (1, 1_000_000, 35, "DEMO-GNL-0002"),
    (2, 500_000, 20, "DEMO-GNL-0003"),
    (0, 6_000_000, 10, "DEMO-GNL-0004"),
)


def demo_donations(*, start: date) -> int:
    """One GN Lingkaran pool for the 12 months after the regency programme that starts at
    `start`, funded and allocated; returns pools created."""
    if Pool.objects.exists() or not User.objects.filter(username="cabang_kukar").exists():
        return 0
    admin = User.objects.get(username="admin_pusat")
    planner = User.objects.get(username="disnaker_kukar")
    officer = User.objects.get(username="cabang_kukar")
    movement = sponsor_create(
        name="GN Lingkaran Kutai Kartanegara",
        kind=SponsorKind.GN_LINGKARAN,
        region_code=KUKAR,
        actor=admin,
    )
    programme = programme_create(
        data=ProgrammeInput(
            name="GN Lingkaran Kukar: Pekerja Rentan",
            budget_source=BudgetSource.DONATION,
            fiscal_year=add_months(start, 12).year,
            budget=TARGET,
            start_month=add_months(start, 12),
            months=12,
            sponsor_id=movement.pk,
            region_code=KUKAR,
        ),
        actor=admin,
    )
    pool = services.pool_open(programme_id=programme.pk, actor=officer)
    _give(pool, officer)
    programme_transition(programme_id=programme.pk, to="submitted", actor=admin)
    programme_transition(programme_id=programme.pk, to="approved", actor=planner)
    if programme_select(programme_id=programme.pk, actor=planner).included:
        programme_enrol(programme_id=programme.pk, actor=planner)
    pool_allocate(pool_id=pool.pk, actor=officer)
    return 1


def _give(pool: Pool, officer: User) -> None:
    company = Sponsor.objects.filter(kind=SponsorKind.CSR).order_by("id").first()
    donors = [
        services.donor_create(
            pool_id=pool.pk,
            kind="organisation",
            name=company.name if company else "Mitra CSR",
            sponsor_id=company.pk if company else None,
            actor=officer,
        ),
        services.donor_create(
            pool_id=pool.pk, kind="individual", name="Rahmat Hidayat", actor=officer
        ),
        services.donor_create(pool_id=pool.pk, kind="individual", anonymous=True, actor=officer),
    ]
    today = timezone.localdate()
    pledge = services.pledge_record(
        pool_id=pool.pk,
        donor_id=donors[0].pk,
        amount=24_000_000,
        start_month=today.replace(day=1),
        months=12,
        actor=officer,
    )
    for index, amount, days, reference in GIFTS:
        funding.donation_record(
            pool_id=pool.pk,
            donor_id=donors[index].pk,
            amount=amount,
            received_on=today - timedelta(days=days),
            channel="transfer" if index == 0 else "qris",
            reference=reference,
            pledge_id=pledge.pk if index == 0 else None,
            actor=officer,
        )
