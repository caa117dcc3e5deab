"""Coverage figures for dashboards, reports and the CLI: sums over the facts, scoped.

Each read checks `analytics.view_aggregates` and that the region lies inside the actor's region
prefixes (outside reads as NotFound, as everywhere else). `actor=None` is the operator at the
console. Nothing here counts memberships: see facts.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.analytics import denominators, rules
from lindungi.analytics.models import (
    CoverageFact,
    FactMonth,
    OccupationFact,
    RefreshState,
    RegionFact,
    RegionOccupationFact,
    VillageFact,
)
from lindungi.contributions.coverage.rules import month_of
from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.reference.models import Occupation, Region, undotted

PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")
SEGMENTS = ("PU", "BPU", "JAKON", "PMI")
PAYER_KINDS = (
    "employer",
    "self",
    "apbd_province",
    "apbd_regency",
    "village",
    "csr",
    "state_enterprise",
    "individual",
    "gn_lingkaran",
    "program",
)


@dataclass(frozen=True)
class Filters:
    month: date
    segment: str = ""
    programme: str = ""  # '' counts workers active in any programme
    payer_kind: str = ""

    @property
    def measure(self) -> str:
        return self.programme or "active"

    def q(self) -> Q:
        q = Q(month=self.month)
        if self.segment:
            q &= Q(segment=self.segment)
        if self.payer_kind:
            q &= Q(payer_kind=self.payer_kind)
        return q


def filters_from(
    *, month: str = "", segment: str = "", programme: str = "", payer_kind: str = ""
) -> Filters:
    """Validate filter values as typed (query string, CLI); an empty month is the latest kept."""
    errors: dict[str, str] = {}
    if segment and segment not in SEGMENTS:
        errors["segment"] = _("Segmen '%(value)s' tidak dikenal") % {"value": segment}
    if programme and programme.lower() not in PROGRAMMES:
        errors["programme"] = _("Program '%(value)s' tidak dikenal") % {"value": programme}
    if payer_kind and payer_kind not in PAYER_KINDS:
        errors["payer_kind"] = _("Jenis pembayar '%(value)s' tidak dikenal") % {"value": payer_kind}
    chosen = _month(month, errors)
    if errors:
        raise ValidationError(errors)
    return Filters(chosen, segment, programme.lower(), payer_kind)


def _month(text: str, errors: dict[str, str]) -> date:
    if not text:
        latest = FactMonth.objects.order_by("-month").values_list("month", flat=True).first()
        return latest or month_of(timezone.localdate())
    try:
        return date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        errors["month"] = _("'%(value)s' bukan bulan YYYY-MM") % {"value": text}
        return month_of(timezone.localdate())


@dataclass(frozen=True)
class Place:
    code: str  # undotted; '' is Indonesia
    name: str
    level: int

    @property
    def dotted(self) -> str:
        parts = [self.code[0:2], self.code[2:4], self.code[4:6], self.code[6:10]]
        return ".".join(p for p in parts if p)


def place_for(*, actor: Actor | None, code: str) -> Place:
    """The region the actor asks about, if it lies inside the actor's scope (else NotFound)."""
    if actor is not None:
        access.require(actor, access.VIEW_AGGREGATES)
    code = undotted(code or "")
    prefixes = actor.region_prefixes if actor is not None else ()
    if prefixes and not any(code.startswith(p) for p in prefixes):
        raise NotFound("region")
    if not code:
        return Place("", "Indonesia", 0)
    region = Region.objects.filter(code=code, historic=False).values("name", "level").first()
    if region is None:
        raise NotFound("region")
    return Place(code, region["name"], region["level"])


def home_code(actor: Actor | None) -> str:
    prefixes = actor.region_prefixes if actor is not None else ()
    return prefixes[0] if prefixes else ""


@dataclass
class Summary:
    place: Place
    filters: Filters
    active: int
    programmes: dict[str, int]
    officials_active: int
    vulnerable_active: int
    labour_force: denominators.Figure | None
    target: denominators.Figure | None
    villages: dict[str, int]
    children: list[dict[str, Any]] = field(default_factory=list)
    breakdowns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    trend: list[dict[str, Any]] = field(default_factory=list)
    months: list[date] = field(default_factory=list)
    refreshed_at: Any = None

    @property
    def ratio(self) -> Decimal | None:
        return rules.ratio(self.active, self.labour_force.value if self.labour_force else None)

    @property
    def gap(self) -> int | None:
        if self.labour_force is None or self.target is None:
            return None
        return max(0, int(self.labour_force.value * self.target.value) - self.active)

    def as_dict(self) -> dict[str, Any]:
        lf = self.labour_force
        return {
            "region": self.place.dotted,
            "region_name": self.place.name,
            "month": self.filters.month.strftime("%Y-%m"),
            "active": self.active,
            "programmes": self.programmes,
            "labour_force": int(lf.value) if lf else None,
            "labour_force_source": {"period": lf.period, "status": lf.status, "source": lf.source}
            if lf
            else None,
            "ratio": float(self.ratio) if self.ratio is not None else None,
            "target": float(self.target.value) if self.target else None,
            "gap_to_target": self.gap,
            "officials_active": self.officials_active,
            "vulnerable_active": self.vulnerable_active,
            "villages": self.villages,
            "children": [
                {k: (float(v) if isinstance(v, Decimal) else v) for k, v in c.items()}
                for c in self.children
            ],
        }


def coverage_summary(
    *, actor: Actor | None, region: str, filters: Filters, detail: bool = True
) -> Summary:
    """The region's active workers against its labour force and target, with drill-down rows,
    breakdowns and the monthly trend when `detail`."""
    place = place_for(actor=actor, code=region)
    totals = _aggregate(_own(place, filters), filters)
    summary = Summary(
        place=place,
        filters=filters,
        active=totals["active"],
        programmes={p: totals[p] for p in PROGRAMMES},
        officials_active=totals["officials"],
        vulnerable_active=totals["vulnerable"],
        labour_force=denominators.labour_force(place.code) if place.level <= 2 else None,
        target=denominators.target(place.code, filters.month.year),
        villages=_villages(place, filters.month),
    )
    if detail:
        summary.children = children(place, filters)
        summary.breakdowns = breakdowns(place, filters)
        summary.trend = trend(place, filters)
        summary.months = list(FactMonth.objects.order_by("month").values_list("month", flat=True))
        summary.refreshed_at = (
            RefreshState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()
        )
    return summary


def _own(place: Place, filters: Filters) -> QuerySet[Any]:
    if place.level == 4:
        return CoverageFact.objects.filter(filters.q(), village_code=place.code)
    return RegionFact.objects.filter(filters.q(), level=place.level, region_code=place.code)


def _aggregate(qs: QuerySet[Any], filters: Filters) -> dict[str, int]:
    sums = qs.aggregate(
        active=Sum(filters.measure),
        officials=Sum("officials"),
        vulnerable=Sum("vulnerable"),
        **{p: Sum(p) for p in PROGRAMMES},
    )
    return {k: int(v or 0) for k, v in sums.items()}


def _in(place: Place, column: str) -> Q:
    if not place.code:
        return Q()
    return access.region_q(column, [place.code])


def children(place: Place, filters: Filters) -> list[dict[str, Any]]:
    """One row per child region (drill-down), with labour force and ratio where known."""
    if place.level == 4:
        return []
    measure = Sum(filters.measure)
    if place.level <= 2:
        regional = RegionFact.objects.filter(
            filters.q(), _in(place, "region_code"), level=place.level + 1
        )
        found = {
            r["code"]: int(r["active"] or 0)
            for r in regional.values(code=F("region_code")).annotate(active=measure)
        }
    else:
        cells = CoverageFact.objects.filter(filters.q(), _in(place, "village_code"))
        found = {
            r["code"]: int(r["active"] or 0)
            for r in cells.values(code=F("village_code")).annotate(active=measure)
        }
    regions = Region.objects.filter(_in(place, "code"), level=place.level + 1, historic=False)
    if place.level >= 2:  # villages and districts: only those with facts (thousands otherwise)
        regions = regions.filter(code__in=list(found))
    out = []
    for code, name in regions.order_by("code").values_list("code", "name"):
        active = found.get(code, 0)
        lf = denominators.labour_force(code)
        out.append(
            {
                "code": code,
                "dotted": Place(code, name, place.level + 1).dotted,
                "name": name,
                "active": active,
                "labour_force": int(lf.value) if lf else None,
                "estimate": lf.estimate if lf else False,
                "ratio": rules.ratio(active, lf.value if lf else None),
            }
        )
    return out


def breakdowns(place: Place, filters: Filters) -> dict[str, list[dict[str, Any]]]:
    """Active workers by segment, payer kind, sex, age band and occupation (from roll-ups)."""
    own = _own(place, filters)
    jobs: QuerySet[Any]
    if place.level == 4:
        jobs = OccupationFact.objects.filter(filters.q(), village_code=place.code)
    else:
        jobs = RegionOccupationFact.objects.filter(
            filters.q(), level=place.level, region_code=place.code
        )
    out = {key: _by(own, key, filters) for key in ("segment", "payer_kind", "sex", "age_band")}
    occupations = _by(jobs, "occupation", filters)
    names = dict(
        Occupation.objects.filter(code__in=[r["key"] for r in occupations]).values_list(
            "code", "name"
        )
    )
    for row in occupations:
        row["label"] = names.get(row["key"], "—") if row["key"] else "—"
    out["occupation"] = sorted(occupations, key=lambda r: -r["active"])
    return out


def _by(qs: QuerySet[Any], column: str, filters: Filters) -> list[dict[str, Any]]:
    rows = qs.values(column).annotate(active=Sum(filters.measure)).order_by(column)
    return [{"key": r[column], "label": r[column], "active": int(r["active"] or 0)} for r in rows]


def trend(place: Place, filters: Filters) -> list[dict[str, Any]]:
    """Active workers month by month over the months kept, with the ratio where known."""
    q = Q(segment=filters.segment) if filters.segment else Q()
    if filters.payer_kind:
        q &= Q(payer_kind=filters.payer_kind)
    qs: QuerySet[Any]
    if place.level == 4:
        qs = CoverageFact.objects.filter(q, village_code=place.code)
    else:
        qs = RegionFact.objects.filter(q, level=place.level, region_code=place.code)
    rows = qs.values("month").annotate(active=Sum(filters.measure)).order_by("month")
    lf = denominators.labour_force(place.code) if place.level <= 2 else None
    return [
        {
            "month": r["month"],
            "active": int(r["active"] or 0),
            "ratio": rules.ratio(int(r["active"] or 0), lf.value if lf else None),
        }
        for r in rows
    ]


def _villages(place: Place, month: date) -> dict[str, int]:
    qs = VillageFact.objects.filter(_in(place, "village_code"), month=month)
    sums = qs.aggregate(
        residents=Sum("residents"),
        residents_active=Sum("residents_active"),
        officials=Sum("officials"),
        officials_active=Sum("officials_active"),
        vulnerable=Sum("vulnerable"),
        vulnerable_active=Sum("vulnerable_active"),
    )
    return {k: int(v or 0) for k, v in sums.items()}


def village_statuses(
    *, actor: Actor | None, region: str, month: date, only_sadar: bool = False, limit: int = 500
) -> list[dict[str, Any]]:
    """Per village: officials protected (all?), share of working residents protected."""
    place = place_for(actor=actor, code=region)
    qs = VillageFact.objects.filter(_in(place, "village_code"), month=month)
    if only_sadar:
        qs = qs.filter(officials__gt=0, officials_active__gte=F("officials"))
    rows = list(qs.order_by("village_code").values()[:limit])
    names = _names(r["village_code"] for r in rows)
    return [
        {
            **r,
            "name": names.get(r["village_code"], r["village_code"]),
            "dotted": Place(r["village_code"], "", 4).dotted,
            "all_officials": rules.sadar(
                officials=r["officials"], officials_active=r["officials_active"]
            ),
            "resident_share": rules.ratio(r["residents_active"], r["residents"]),
        }
        for r in rows
    ]


def _names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))
