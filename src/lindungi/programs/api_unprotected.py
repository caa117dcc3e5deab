"""API: the eligible population still unprotected, by region."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lindungi.contributions.api.billing import parse_month
from lindungi.core.errors import ValidationError
from lindungi.programs import unprotected
from lindungi.registry.api._common import actor_of

router = Router(tags=["programs"])
TRUE = {"1", "true", "on", "yes"}
FALSE = {"", "0", "false", "off", "no"}


class UnprotectedFilters(Schema):
    # Strings, so that an empty parameter (`min_age=`) means "not given", as forms send it.
    region: str = Field("", description="Region code, dotted or not; '' = your region")
    month: str = Field("", description="YYYY-MM, the month protection is checked in")
    months: str = Field("", description="Months the cost is planned for (default 12)")
    income: str = Field("", description="Declared income, whole rupiah (default 1000000)")
    jht: str = Field("", description="true: JKK + JKM + JHT")
    occupations: str = Field("", description="Occupation codes, comma-separated")
    deciles: str = Field("", description="Welfare deciles 1-10, comma-separated")
    village_officials_only: str = ""
    min_age: str = Field("", description="Default 18")
    max_age: str = ""


class PlaceOut(Schema):
    code: str
    name: str


class RegionRowOut(PlaceOut):
    target: int
    wage_earners: int
    protected: int
    unprotected: int
    cost: int


class UnprotectedOut(Schema):
    region: RegionRowOut
    month: str
    months: int
    programmes: list[str]
    income: int
    per_worker: int
    cost: int
    rows: list[RegionRowOut]
    trail: list[PlaceOut] = Field(description="From the top of your scope down, to link")


# Not /programs/unprotected: programs/api.py's `/programs/{programme_id}` (registered first)
# would take that path and refuse "unprotected" as a programme id.
@router.get(
    "/programs/planner/unprotected",
    response=UnprotectedOut,
    summary="Workers of the target groups no one protects in a month, per child region",
)
def unprotected_by_region(request: HttpRequest, filters: Query[UnprotectedFilters]) -> Any:
    query = unprotected.query_from(**_typed(filters), today=timezone.localdate())
    found = unprotected.unprotected_by_region(actor=actor_of(request), query=query)
    return {
        "region": found.place,
        "month": found.query.month.strftime("%Y-%m"),
        "months": found.plan.months,
        "programmes": found.plan.package.split("+"),
        "income": found.plan.income,
        "per_worker": found.plan.per_worker,
        "cost": found.plan.cost,
        "rows": found.rows,
        "trail": [{"code": c, "name": n} for c, n in found.trail],
    }


def _typed(f: UnprotectedFilters) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "region": f.region.strip(),
        "month": parse_month(f.month) if f.month.strip() else None,
        "months": _int("months", f.months, 12, errors),
        "income": _int("income", f.income, 1_000_000, errors),
        "jht": _flag("jht", f.jht, errors),
        "occupations": [c.strip() for c in f.occupations.split(",") if c.strip()],
        "deciles": [_int("deciles", d, 0, errors) for d in f.deciles.split(",") if d.strip()],
        "village_officials_only": _flag("village_officials_only", f.village_officials_only, errors),
        "min_age": _int("min_age", f.min_age, 18, errors),
        "max_age": _int("max_age", f.max_age, None, errors),
    }
    if errors:
        raise ValidationError(errors)
    return values


def _int(name: str, value: str, default: Any, errors: dict[str, str]) -> Any:
    if not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        errors[name] = f"Harus bilangan bulat (a whole number), bukan '{value}'"
        return default


def _flag(name: str, value: str, errors: dict[str, str]) -> bool:
    if value.strip().lower() not in TRUE | FALSE:
        errors[name] = f"Harus true/false, bukan '{value}'"
    return value.strip().lower() in TRUE
