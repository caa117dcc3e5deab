"""Reads of reference data. Regions, occupations and rules are public: no actor scoping here."""

from __future__ import annotations

from datetime import date
from functools import cache

from django.db.models import Q, QuerySet

from lindungi.core.errors import Conflict, NotFound
from lindungi.core.models import AuditEvent
from lindungi.reference.models import Occupation, Region, RegionLevel, RuleRow, undotted
from lindungi.reference.rules import lineage


def region_get(code: str) -> Region:
    """The region with this code (dotted or not), current or historic."""
    try:
        return Region.objects.get(code=undotted(code))
    except Region.DoesNotExist as exc:
        raise NotFound("region") from exc


def region_exists(code: str) -> bool:
    """Whether the code names a region at any level, historic codes included."""
    return Region.objects.filter(code=undotted(code)).exists()


def region_children(code: str = "", *, include_historic: bool = False) -> QuerySet[Region]:
    """Regions one level below `code` ("" = the provinces), ordered by code."""
    code = undotted(code)
    qs = Region.objects.filter(parent_id=code) if code else Region.objects.filter(level=1)
    return qs if include_historic else qs.filter(historic=False)


def region_path(code: str) -> list[str]:
    """Names from the province down to the region itself, e.g. for an address line."""
    code = undotted(code)
    try:
        codes = lineage(code)
    except ValueError as exc:
        raise NotFound("region") from exc
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    if code not in names:
        raise NotFound("region")
    return [names[c] for c in codes if c in names]


def village_choices(prefix: str) -> list[tuple[str, str]]:
    """(code, name) of today's villages under a region prefix, for address pickers."""
    prefix = undotted(prefix)
    qs = Region.objects.filter(level=RegionLevel.VILLAGE, historic=False)
    if prefix:
        qs = qs.filter(code__startswith=prefix)
    return list(qs.order_by("code").values_list("code", "name"))


def village_for_address(code: str) -> Region:
    """A village a worker may live in today: level 4 and not historic, else NotFound."""
    region = Region.objects.filter(
        code=undotted(code), level=RegionLevel.VILLAGE, historic=False
    ).first()
    if region is None:
        raise NotFound("village")
    return region


@cache
def district_codes_for_nik() -> frozenset[str]:
    """Every 6-digit district code a NIK may start with: today's and historic ones.

    Cached per process; reference_load clears it.
    """
    codes = Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", flat=True)
    return frozenset(codes)


def clear_caches() -> None:
    district_codes_for_nik.cache_clear()


def occupation_get(code: str) -> Occupation:
    try:
        return Occupation.objects.get(code=code)
    except Occupation.DoesNotExist as exc:
        raise NotFound("occupation") from exc


def occupation_list() -> QuerySet[Occupation]:
    return Occupation.objects.order_by("name")


def occupation_choices() -> list[tuple[str, str]]:
    return list(occupation_list().values_list("code", "name"))


def _in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def rules_in_force(table: str, on: date) -> list[RuleRow]:
    """The rows of a rule table in force on a date, one per key, ordered by key."""
    return list(RuleRow.objects.filter(_in_force(on), table=table).order_by("key"))


def rate_in_force(table: str, key: str, on: date) -> RuleRow:
    """The one row of table[key] in force on a date; NotFound when none is."""
    rows = list(RuleRow.objects.filter(_in_force(on), table=table, key=key)[:2])
    if not rows:
        raise NotFound(f"rule {table}[{key}] on {on.isoformat()}")
    if len(rows) > 1:
        raise Conflict(f"rule {table}[{key}] has overlapping rows on {on.isoformat()}")
    return rows[0]


def rule_row_overlapping(
    *, table: str, key: str, valid_from: date, valid_to: date | None, exclude_pk: int | None
) -> RuleRow | None:
    """Another row of the same table+key whose period overlaps [valid_from, valid_to)."""
    qs = RuleRow.objects.filter(table=table, key=key).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
    )
    if valid_to is not None:
        qs = qs.filter(valid_from__lt=valid_to)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("valid_from").first()


def rule_row_history(row: RuleRow) -> QuerySet[AuditEvent]:
    """The audit events of one rule row, oldest first: creation, then every edit."""
    return AuditEvent.objects.filter(
        object_type=RuleRow._meta.label_lower, object_id=str(row.pk)
    ).order_by("at", "id")
