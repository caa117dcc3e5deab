"""Demo sponsors and programmes, made through the services by the demo personas themselves.

The CSR sponsor comes first so that it is sponsor #1, the organisation of the `csr_mitra` demo
login. Kutai Kartanegara's regional planner creates and submits an APBD programme for its
poorest informal workers, the national administrator approves it (the approver may not be the
creator), and the planner selects and enrols its beneficiaries. Nothing is made twice.
"""

from __future__ import annotations

from datetime import date

from lindungi.accounts.models import User
from lindungi.programs.models import BudgetSource, Programme, Sponsor, SponsorKind
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.services import (
    ProgrammeInput,
    programme_create,
    programme_transition,
    sponsor_create,
)

KUKAR = "6402"
BUDGET = 500_000_000  # rupiah: about 206 workers for 12 months of JKK + JKM at the minimum


def demo_programmes(*, start: date) -> int:
    """Sponsors and one enrolled APBD programme from `start`; returns programmes created."""
    if Sponsor.objects.exists():
        return 0
    admin = User.objects.get(username="admin_pusat")
    planner = User.objects.get(username="disnaker_kukar")
    sponsor_create(name="Mitra CSR", kind=SponsorKind.CSR, region_code="64", actor=admin)
    regency = sponsor_create(
        name="Pemerintah Kabupaten Kutai Kartanegara",
        kind=SponsorKind.APBD_REGENCY,
        region_code=KUKAR,
        actor=planner,
    )
    programme = programme_create(
        data=ProgrammeInput(
            name="Perlindungan Pekerja Rentan Kukar",
            budget_source=BudgetSource.APBD,
            fiscal_year=start.year,
            budget=BUDGET,
            start_month=start,
            months=12,
            sponsor_id=regency.pk,
        ),
        actor=planner,
    )
    _approve_and_enrol(programme, planner, admin)
    return 1


def _approve_and_enrol(programme: Programme, planner: User, admin: User) -> None:
    programme_transition(programme_id=programme.pk, to="submitted", actor=planner)
    programme_transition(programme_id=programme.pk, to="approved", actor=admin)
    programme_select(programme_id=programme.pk, actor=planner)
    programme_enrol(programme_id=programme.pk, actor=planner)
