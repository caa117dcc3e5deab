"""Renew a programme for the next period: a new draft with the same targets, linked back.

The draft goes through the same four-eyes lifecycle as any programme. Mode "same" makes its
selection rank the predecessor's beneficiaries who ran to its end first (the priority term
"previous" that selection.order_sql puts before the programme's own keys); they must still
pass every rule of the new period, and whoever is left is ranked as usual. Mode "reselect"
is a normal selection.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.programs import rules, selectors, services
from lindungi.programs.models import Programme, ProgrammeStatus, RenewalMode

RENEWABLE = frozenset({ProgrammeStatus.APPROVED, ProgrammeStatus.ACTIVE, ProgrammeStatus.CLOSED})


@transaction.atomic
def programme_renew(
    *,
    programme_id: int,
    actor: Actor,
    mode: str,
    budget: int,
    start_month: date | None = None,
    months: int | None = None,
    name: str = "",
) -> Programme:
    """Draft the next period's programme, linked to its predecessor; one renewal per programme."""
    old = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.MANAGE_PROGRAMME
    )
    old = Programme.objects.select_for_update().get(pk=old.pk)
    if mode not in (RenewalMode.SAME, RenewalMode.RESELECT):
        raise ValidationError({"mode": _("Pilih mode: same atau reselect.")})
    if old.status not in RENEWABLE:
        raise Conflict(
            _("Hanya program yang disetujui, berjalan atau ditutup yang dapat diperpanjang."),
            field="status",
        )
    successor = Programme.objects.filter(predecessor=old).first()
    if successor is not None:
        raise Conflict(
            _("Program ini sudah diperpanjang: %(name)s (#%(id)s).")
            % {"name": successor.name, "id": successor.pk},
            field="programme",
        )
    period_end = rules.add_months(old.start_month, old.months)
    start = start_month.replace(day=1) if start_month else period_end
    if start < period_end:
        raise ValidationError(
            {
                "start_month": _("Periode baru harus mulai %(month)s atau sesudahnya.")
                % {"month": period_end.strftime("%m/%Y")}
            }
        )
    data = services.ProgrammeInput(
        name=name.strip() or _renewal_name(old.name, start),
        budget_source=old.budget_source,
        fiscal_year=start.year,
        budget=budget,
        start_month=start,
        months=old.months if months is None else months,
        declared_income=old.declared_income,
        jht=old.jht,
        sponsor_id=old.sponsor_id,
        region_code=old.region_id,
        quota=old.quota,
        target_regions=tuple(old.target_regions),
        target_occupations=tuple(old.target_occupations),
        target_deciles=tuple(old.target_deciles),
        village_officials_only=old.village_officials_only,
        min_age=old.min_age,
        max_age=old.max_age,
        exclude_protected=old.exclude_protected,
        exclude_wage_earners=old.exclude_wage_earners,
        priority=tuple(old.priority),
    )
    new = services.programme_create(data=data, actor=actor)
    new.predecessor, new.renewal_mode = old, mode
    new.save(update_fields=["predecessor", "renewal_mode"])
    audit.record(
        actor=actor,
        action="programme.renew",
        obj=new,
        region_code=new.region_id,
        after={"predecessor": old.pk, "mode": mode, "start_month": start.isoformat()},
    )
    return new


def _renewal_name(name: str, start: date) -> str:
    suffix = f" ({start:%m/%Y})"
    return name[: 200 - len(suffix)] + suffix
