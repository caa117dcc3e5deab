"""Reads the screens need that no domain app offers: the audit log and the village picker.

Both stay scoped the same way as every other read (core.access): the audit log needs
VIEW_AUDIT and is cut to the actor's region prefixes; the picker offers only regions that
lie inside, or lead into, the actor's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language

from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.models import AuditEvent
from lindungi.reference import selectors as reference_selectors
from lindungi.reference.models import Region
from lindungi.registry import selectors as registry_selectors
from lindungi.registry.models import Employer, Membership, Worker
from lindungi.registry.selectors import PAGE_SIZE, Page


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""  # username as recorded (actor_label)
    action: str = ""  # exact action or its prefix ("worker." for all worker events)
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    after: int | None = None
    limit: int = PAGE_SIZE


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_search(*, actor: Actor, query: AuditQuery) -> Page[AuditEvent]:
    """Audit events in the actor's regions matching the filters, newest first, one keyset page."""
    access.require(actor, access.VIEW_AUDIT)
    qs = AuditEvent.objects.all()
    if actor.region_prefixes:
        qs = qs.filter(access.region_q("region_code", actor.region_prefixes))
    if query.actor:
        qs = qs.filter(actor_label=query.actor.strip())
    if query.action:
        qs = qs.filter(action__startswith=query.action.strip())
    if query.object_type:
        qs = qs.filter(object_type=query.object_type.strip())
    if query.object_id:
        qs = qs.filter(object_id=query.object_id.strip())
    if query.date_from:
        qs = qs.filter(at__gte=_day_start(query.date_from))
    if query.date_to:
        qs = qs.filter(at__lt=_day_start(query.date_to + dt.timedelta(days=1)))
    if query.after is not None:
        qs = qs.filter(pk__lt=query.after)
    limit = max(1, min(query.limit, 100))
    rows = list(qs.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_after=rows[-1].pk if more and rows else None)


CHAIN = ("province", "regency", "district", "village")


def _visible(code: str, prefixes: tuple[str, ...]) -> bool:
    """Inside the scope, or on the way down to it (the province of a regency officer)."""
    return not prefixes or any(code.startswith(p) or p.startswith(code) for p in prefixes)


def region_options(*, actor: Actor, parent: str | None) -> list[Region]:
    """Current regions directly under `parent` (provinces when None) that the actor may pick."""
    prefixes = actor.region_prefixes
    children = reference_selectors.region_children(parent or "").only("code", "name")
    return [r for r in children.order_by("code") if _visible(r.code, prefixes)]


@dataclass
class Picker:
    """The chained selects' state: the chosen code per level and the options of each level."""

    chosen: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[Region]] = field(default_factory=dict)

    @property
    def village(self) -> str:
        return self.chosen.get("village", "")


def village_picker(*, actor: Actor, chosen: dict[str, str]) -> Picker:
    """Options for each level; a choice that does not sit under its parent choice is dropped."""
    picker = Picker()
    parent: str | None = None
    for level in CHAIN:
        options = (
            region_options(actor=actor, parent=parent) if level == "province" or parent else []
        )
        picker.options[level] = options
        code = (chosen.get(level) or "").replace(".", "").strip()
        valid = {r.code for r in options}
        if code not in valid and len(options) == 1:
            code = options[0].code  # a village officer's only choice is already made
        if code in valid:
            picker.chosen[level] = code
            parent = code
        else:
            parent = None
    return picker


def chain_of(village_code: str) -> dict[str, str]:
    """6402012001 → the code per level, to open the picker on a stored village."""
    code = village_code.replace(".", "").strip()
    return {"province": code[:2], "regency": code[:4], "district": code[:6], "village": code}


def occupation_choices() -> list[tuple[str, str]]:
    """(code, name) of every occupation, named in the interface language."""
    english = (get_language() or "").startswith("en")
    return [
        (o.code, o.name_en if english else o.name) for o in reference_selectors.occupation_list()
    ]


def regions_named(codes: tuple[str, ...]) -> list[Region]:
    """The regions of a scope's prefixes, to show a user where they work."""
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def worker_to_correct(*, actor: Actor, worker_id: int) -> Worker:
    """A worker the actor may correct (the edit form is refused up front otherwise)."""
    qs = Worker.objects.select_related("village", "occupation")
    return access.get(actor, access.CORRECT_WORKER, qs, pk=worker_id)


def employer_to_correct(*, actor: Actor, employer_id: int) -> Employer:
    """An employer the actor may correct."""
    qs = Employer.objects.select_related("village")
    return access.get(actor, access.CORRECT_EMPLOYER, qs, pk=employer_id)


def employer_members(
    *, actor: Actor, employer: Employer, after: int | None, limit: int = PAGE_SIZE
) -> Page[Membership]:
    """One keyset page of the open memberships an employer pays for."""
    qs = registry_selectors.employer_memberships(actor=actor, employer=employer)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_after=rows[-1].pk if more and rows else None)


def picker_choice(village_code: object, posted: Mapping[str, str]) -> dict[str, str]:
    """Open the picker on the chosen village, else on the levels chosen so far."""
    if village_code:
        return chain_of(str(village_code))
    return {level: posted.get(level, "") for level in CHAIN[:-1]}
