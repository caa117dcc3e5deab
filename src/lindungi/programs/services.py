"""Writes: sponsors, programmes and the one function that moves a programme's status.

Selection and enrolment (set-based SQL) are in programs/selection.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.contributions.rules import ContributionInputError
from lindungi.core import access, audit
from lindungi.core.access import Actor, OrgKind
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.programs import rules, selectors
from lindungi.programs.models import (
    BudgetSource,
    Programme,
    ProgrammeStatus,
    Sponsor,
    SponsorKind,
)
from lindungi.reference.models import Region
from lindungi.registry.models import Payer, PayerKind

FIELD_OF_INPUT = {"income": "declared_income", "month": "start_month", "programmes": "jht"}


@transaction.atomic
def sponsor_create(*, name: str, kind: str, region_code: str = "", actor: Actor) -> Sponsor:
    """Register a sponsor inside the actor's regions; audited."""
    access.require(actor, access.MANAGE_PROGRAMME)
    if actor.organisation[0]:
        raise PermissionDenied(access.MANAGE_PROGRAMME)  # organisations do not create others
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Nama sponsor wajib diisi.")
    if kind not in SponsorKind.values:
        errors["kind"] = _("Jenis sponsor tidak dikenal.")
    if region_code and not Region.objects.filter(pk=region_code).exists():
        errors["region_code"] = _("Kode wilayah tidak dikenal.")
    if not region_code and actor.region_prefixes:
        errors["region_code"] = _("Wilayah sponsor wajib diisi.")
    if errors:
        raise ValidationError(errors)
    if region_code:
        access.require_region(actor, region_code, field="region_code")
    sponsor = Sponsor.objects.create(name=name.strip(), kind=kind, region_id=region_code or None)
    audit.record(
        actor=actor,
        action="sponsor.create",
        obj=sponsor,
        region_code=region_code,
        after=audit.snapshot(sponsor),
    )
    return sponsor


@dataclass(frozen=True)
class ProgrammeInput:
    name: str
    budget_source: str
    fiscal_year: int
    budget: int
    start_month: date
    months: int
    declared_income: int = 1_000_000
    jht: bool = False
    sponsor_id: int | None = None  # sponsor users: their own organisation
    region_code: str = ""  # default: the sponsor's region
    quota: int | None = None
    target_regions: tuple[str, ...] = ()
    target_occupations: tuple[str, ...] = ()
    target_deciles: tuple[int, ...] = ()
    village_officials_only: bool = False
    min_age: int = 18
    max_age: int | None = None
    exclude_protected: bool = True
    exclude_wage_earners: bool = True
    priority: tuple[str, ...] = field(default=rules.DEFAULT_PRIORITY)


def _sponsor_for(actor: Actor, sponsor_id: int | None) -> Sponsor:
    kind, org_id = actor.organisation
    if kind == OrgKind.SPONSOR:
        sponsor_id = org_id if sponsor_id is None else sponsor_id
    elif kind:
        raise PermissionDenied(access.MANAGE_PROGRAMME)
    if sponsor_id is None:
        raise ValidationError({"sponsor_id": _("Pilih sponsor.")})
    try:
        return access.get(actor, access.MANAGE_PROGRAMME, Sponsor.objects.all(), pk=sponsor_id)
    except NotFound as exc:
        raise ValidationError({"sponsor_id": _("Sponsor tidak ditemukan.")}) from exc


def _check(data: ProgrammeInput, region: str) -> None:
    targets = rules.Targets(
        region=region,
        regions=data.target_regions,
        occupations=data.target_occupations,
        deciles=data.target_deciles,
        village_officials_only=data.village_officials_only,
        min_age=data.min_age,
        max_age=data.max_age,
    )
    errors = rules.check_money(budget=data.budget, months=data.months, start=data.start_month)
    errors |= rules.check_targets(targets, data.priority)
    if not data.name.strip():
        errors["name"] = _("Nama program wajib diisi.")
    if data.budget_source not in BudgetSource.values:
        errors["budget_source"] = _("Sumber anggaran tidak dikenal.")
    if errors:
        raise ValidationError(errors)


def cost_per_worker(programme: Programme) -> int:
    """Cost per worker through the calculator; its input errors name the programme's fields."""
    try:
        return selectors.programme_plan(programme).per_worker
    except ContributionInputError as exc:
        raise ValidationError({FIELD_OF_INPUT.get(k, k): v for k, v in exc.errors.items()}) from exc


@transaction.atomic
def programme_create(*, data: ProgrammeInput, actor: Actor) -> Programme:
    """Create a draft programme with its own payer; the planner must be able to cost it."""
    access.require(actor, access.MANAGE_PROGRAMME)
    sponsor = _sponsor_for(actor, data.sponsor_id)
    region = (data.region_code or sponsor.region_id or "").replace(".", "")
    if not region or not Region.objects.filter(pk=region).exists():
        raise ValidationError({"region_code": _("Wilayah program wajib diisi.")})
    access.require_region(actor, region, field="region_code")
    _check(data, region)
    payer = Payer.objects.create(kind=PayerKind.PROGRAM, label=data.name.strip()[:200])
    programme = Programme(
        sponsor=sponsor,
        region_id=region,
        payer=payer,
        created_by=cast(Any, actor) if getattr(actor, "pk", None) else None,
        **_values(data),
    )
    cost_per_worker(programme)
    programme.save()
    audit.record(
        actor=actor,
        action="programme.create",
        obj=programme,
        region_code=region,
        after=audit.snapshot(programme),
    )
    return programme


def _values(data: ProgrammeInput) -> dict[str, object]:
    return {
        "name": data.name.strip(),
        "budget_source": data.budget_source,
        "fiscal_year": data.fiscal_year,
        "budget": data.budget,
        "start_month": data.start_month,
        "months": data.months,
        "declared_income": data.declared_income,
        "jht": data.jht,
        "quota": data.quota,
        "target_regions": [r.replace(".", "") for r in data.target_regions],
        "target_occupations": list(data.target_occupations),
        "target_deciles": sorted(set(data.target_deciles)),
        "village_officials_only": data.village_officials_only,
        "min_age": data.min_age,
        "max_age": data.max_age,
        "exclude_protected": data.exclude_protected,
        "exclude_wage_earners": data.exclude_wage_earners,
        "priority": list(data.priority),
    }


@transaction.atomic
def programme_transition(*, programme_id: int, to: str, actor: Actor, note: str = "") -> Programme:
    """Move a programme along an allowed transition; the approver is never the creator."""
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    permission = rules.transition_permission(programme.status, to)
    if permission is None:
        raise Conflict(
            _("Status %(frm)s tidak dapat diubah menjadi %(to)s.")
            % {"frm": programme.status, "to": to},
            field="status",
        )
    access.require(actor, permission)
    if (programme.status, to) in rules.NOT_BY_CREATOR and programme.created_by_id == actor.pk:
        raise PermissionDenied(f"{permission} (four eyes: not the programme's creator)")
    before = audit.snapshot(programme)
    programme.status = to
    programme.updated_at = timezone.now()
    fields = ["status", "updated_at"]
    if to == ProgrammeStatus.APPROVED:
        programme.approved_by_id = actor.pk
        fields.append("approved_by")
    programme.save(update_fields=fields)
    old, new = audit.diff(before, audit.snapshot(programme))
    audit.record(
        actor=actor,
        action=f"programme.{to}",
        obj=programme,
        region_code=programme.region_id,
        before=old,
        after=new,
        note=note,
    )
    return programme


@transaction.atomic
def programme_budget_set(*, programme_id: int, budget: int, actor: Actor, note: str) -> int:
    """Set a programme's budget under its row lock, audited when it changes; returns it.

    The caller has already decided the figure and holds the right to (a GN Lingkaran pool
    follows its net receipts); this is the one place a budget is rewritten."""
    if budget <= 0:
        raise ValidationError({"budget": _("Anggaran harus lebih dari nol.")})
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    if programme.budget == budget:
        return budget
    before = programme.budget
    Programme.objects.filter(pk=programme.pk).update(budget=budget, updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="programme.budget",
        obj=programme,
        region_code=programme.region_id,
        before={"budget": before},
        after={"budget": budget},
        note=note,
    )
    return budget
