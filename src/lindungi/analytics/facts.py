"""Build and refresh the coverage facts; (month, village) cells are rewritten whole.

`facts_rebuild` recomputes chosen months for every village. `facts_refresh` recomputes only the
villages touched since the last refresh, for every month kept, found through watermarks on what
the other domains already write: audit events (every registry service records the worker's
village), new workers and memberships (bulk paths), workers' `updated_at` and `PaidThrough`'s
`updated_at` (payments), plus the explicit queue `coverage_mark_dirty`. Running either twice in a
row changes nothing the second time; each runs in one transaction.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from lindungi.analytics import sql
from lindungi.analytics.models import (
    CoverageFact,
    DirtyVillage,
    FactMonth,
    OccupationFact,
    RefreshState,
    RegionFact,
    RegionOccupationFact,
    VillageFact,
)
from lindungi.contributions.coverage.rules import LAPSE_TABLE, add_months, month_of
from lindungi.contributions.coverage.selectors import payment_rules
from lindungi.contributions.models import PaidThrough
from lindungi.core import audit
from lindungi.core.access import region_range
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Membership, Worker

CHUNK = 500  # villages per statement
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
LEVEL_WIDTH = {3: 6, 2: 4, 1: 2, 0: 0}


@dataclass(frozen=True)
class RefreshResult:
    months: tuple[date, ...]
    villages: int | None  # None: every village

    def as_dict(self) -> dict[str, Any]:
        return {"months": [m.isoformat() for m in self.months], "villages": self.villages}


def coverage_mark_dirty(*, village_codes: Iterable[str]) -> int:
    """Queue villages for the next refresh (for writers that leave no audit event or watermark)."""
    rows = [DirtyVillage(village_code=c) for c in sorted(set(village_codes)) if len(c) == 10]
    DirtyVillage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def default_months(*, today: date | None = None, count: int = 12) -> list[date]:
    current = month_of(today or timezone.localdate())
    return [add_months(current, -n) for n in range(count - 1, -1, -1)]


def facts_rebuild(*, months: Iterable[date], actor: Any = None) -> RefreshResult:
    """Recompute the given months for every village from scratch and reset the watermarks."""
    chosen = sorted({month_of(m) for m in months})
    with transaction.atomic():
        marks = _watermarks()
        for month in chosen:
            _delete_month(month, villages=None)
            _compute(month, villages=None)
            _rollup(month, villages=None)
            FactMonth.objects.update_or_create(month=month, defaults={"built_at": timezone.now()})
        _save_state(marks)
        DirtyVillage.objects.filter(id__lte=marks["queue"]).delete()
        audit.record(
            actor=actor,
            action="analytics.facts_rebuild",
            object_type="analytics.factmonth",
            after={"months": [m.isoformat() for m in chosen]},
        )
    return RefreshResult(tuple(chosen), None)


def facts_refresh(*, today: date | None = None) -> RefreshResult:
    """Fold every change since the last refresh into the facts, touching only changed villages."""
    current = month_of(today or timezone.localdate())
    with transaction.atomic():
        state = _state()
        marks = _watermarks(timestamps=False)
        kept = list(FactMonth.objects.order_by("month").values_list("month", flat=True))
        if current not in kept:  # a new month began: it is built whole, once
            _delete_month(current, villages=None)
            _compute(current, villages=None)
            _rollup(current, villages=None)
            FactMonth.objects.create(month=current)
        villages = sorted(_dirty_villages(state, marks))
        for month in kept:
            for chunk in _chunks(villages):
                _delete_month(month, villages=chunk)
                _compute(month, villages=chunk)
            if villages:
                _rollup(month, villages=villages)
        _save_state(marks)
        DirtyVillage.objects.filter(id__lte=marks["queue"]).delete()
    return RefreshResult(tuple(kept if current in kept else [*kept, current]), len(villages))


def _state() -> RefreshState:
    state, _ = RefreshState.objects.select_for_update().get_or_create(pk=1)
    return state


def _watermarks(*, timestamps: bool = True) -> dict[str, Any]:
    """What exists now; changes after these marks are left for the next refresh. The timestamp
    marks cost a scan each (no index on updated_at), so a refresh takes them from the rows it
    reads anyway (`_dirty_villages`)."""
    marks = {
        "audit": AuditEvent.objects.aggregate(v=Max("id"))["v"] or 0,
        "membership": Membership.objects.aggregate(v=Max("id"))["v"] or 0,
        "worker": Worker.objects.aggregate(v=Max("id"))["v"] or 0,
        "queue": DirtyVillage.objects.aggregate(v=Max("id"))["v"] or 0,
        "now": timezone.now(),
    }
    if timestamps:
        marks["worker_at"] = Worker.objects.aggregate(v=Max("updated_at"))["v"]
        marks["paid_at"] = PaidThrough.objects.aggregate(v=Max("updated_at"))["v"]
    return marks


def _save_state(marks: dict[str, Any]) -> None:
    RefreshState.objects.update_or_create(
        pk=1,
        defaults={
            "audit_id": marks["audit"],
            "membership_id": marks["membership"],
            "worker_id": marks["worker"],
            "worker_updated_at": marks["worker_at"],
            "paid_through_at": marks["paid_at"],
            "refreshed_at": marks["now"],
        },
    )


def _dirty_villages(state: RefreshState, marks: dict[str, Any]) -> set[str]:
    found: set[str] = set(
        DirtyVillage.objects.filter(id__lte=marks["queue"]).values_list("village_code", flat=True)
    )
    events = AuditEvent.objects.filter(id__gt=state.audit_id, id__lte=marks["audit"])
    found |= set(events.exclude(region_code="").values_list("region_code", flat=True))
    for before in events.filter(action="worker.correct").values_list("before", flat=True):
        if isinstance(before, dict):  # the village a worker moved away from
            found |= {
                v for k in ("village_id", "village_code") if isinstance(v := before.get(k), str)
            }
    members = Membership.objects.filter(id__gt=state.membership_id, id__lte=marks["membership"])
    found |= set(members.values_list("worker__village_id", flat=True))
    workers = Worker.objects.filter(id__gt=state.worker_id, id__lte=marks["worker"])
    found |= set(workers.values_list("village_id", flat=True))
    marks["worker_at"], marks["paid_at"] = state.worker_updated_at, state.paid_through_at
    if state.worker_updated_at is None or state.paid_through_at is None:
        marks.update(_watermarks())  # never refreshed: start from now
    moved = Worker.objects.filter(updated_at__gt=marks["worker_at"] or EPOCH)
    for village, at in moved.values_list("village_id", "updated_at"):
        found.add(village)
        marks["worker_at"] = max(marks["worker_at"] or at, at)
    paid = PaidThrough.objects.filter(updated_at__gt=marks["paid_at"] or EPOCH)
    for village, at in paid.values_list("membership__worker__village_id", "updated_at"):
        found.add(village)
        marks["paid_at"] = max(marks["paid_at"] or at, at)
    return {code for code in found if code and len(code) == 10}


def _chunks(codes: list[str]) -> list[list[str]]:
    return [codes[i : i + CHUNK] for i in range(0, len(codes), CHUNK)]


def _village_param(villages: list[str]) -> Any:
    return villages if connection.vendor == "postgresql" else json.dumps(villages)


def _delete_month(month: date, *, villages: list[str] | None) -> None:
    for model in (CoverageFact, OccupationFact, VillageFact):
        qs = model.objects.filter(month=month)
        if villages is not None:
            qs = qs.filter(village_code__in=villages)
        qs.delete()
    if villages is None:
        RegionFact.objects.filter(month=month).delete()
        RegionOccupationFact.objects.filter(month=month).delete()


def _params(month: date) -> dict[str, Any]:
    ops = connection.ops
    day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    rules = payment_rules()
    lapse = rules.at(LAPSE_TABLE, day)
    after = int(lapse.value) if lapse is not None else 0
    x = add_months(month, -after)
    values: dict[str, Any] = {
        "month": month,
        "day": day,
        "lapse_x": x,
        "lapse_x1": add_months(x, 1),
        "lapse_b": add_months(x, 2),
        "vulnerable_decile": int(getattr(settings, "LINDUNGI_VULNERABLE_DECILE", 4)),
    }
    for years in (25, 35, 45, 55):
        values[f"born_{years}"] = _years_before(day, years)
    params = {
        k: ops.adapt_datefield_value(v) if isinstance(v, date) else v for k, v in values.items()
    }
    params["lapse_on"] = lapse is not None
    return params


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _compute(month: date, *, villages: list[str] | None) -> None:
    """Rewrite the cells of `month` for `villages` (None: all), from one pass over memberships."""
    params = _params(month)
    where = "1 = 1" if villages is None else sql.VILLAGES[connection.vendor]
    if villages is not None:
        params["villages"] = _village_param(villages)
    lapsed = sql.LAPSED if params.pop("lapse_on") else "1 = 0"
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {sql.TMP}")
        members = sql.MEMBERS_ALL if villages is None else sql.MEMBERS_OF[connection.vendor]
        active = sql.ACTIVE.format(
            tmp=sql.TMP, members=members, villages=where, lapsed=lapsed, age=sql.AGE_BAND
        )
        cur.execute(active, params)
        cur.execute(f"CREATE INDEX {sql.TMP}_worker ON {sql.TMP} (worker_id)")
        cur.execute(sql.INSERT_COVERAGE, params)
        cur.execute(sql.INSERT_OCCUPATION, params)
        cur.execute(sql.INSERT_VILLAGE.format(tmp=sql.TMP, villages=where), params)
        cur.execute(f"DROP TABLE {sql.TMP}")


def _ranges(column: str, prefixes: list[str]) -> tuple[str, dict[str, str]]:
    """`column` starts with one of the prefixes, as index range scans with named parameters."""
    parts, args = [], {}
    for n, prefix in enumerate(prefixes):
        args[f"lo{n}"], args[f"hi{n}"] = region_range(prefix)
        parts.append(f"({column} >= %(lo{n})s AND {column} < %(hi{n})s)")
    return " OR ".join(parts), args


ROLLUPS = (
    (RegionFact, sql.ROLLUP_REGION, "analytics_coveragefact", "analytics_regionfact"),
    (
        RegionOccupationFact,
        sql.ROLLUP_OCCUPATION,
        "analytics_occupationfact",
        "analytics_regionoccupationfact",
    ),
)


def _rollup(month: date, *, villages: list[str] | None) -> None:
    """Districts from villages, then regencies, provinces and Indonesia from the level below."""
    m = connection.ops.adapt_datefield_value(month)
    with connection.cursor() as cur:
        for level in (3, 2, 1, 0):
            width = LEVEL_WIDTH[level]
            codes = None if villages is None else sorted({v[:width] for v in villages})
            for model, statement, cells, rolled in ROLLUPS:
                if codes is not None:
                    model.objects.filter(month=month, level=level, region_code__in=codes).delete()
                column = "village_code" if level == 3 else "region_code"
                source = cells if level == 3 else rolled
                below = "" if level == 3 else f"AND level = {level + 1}"
                whole = not codes or codes == [""]
                ranges, args = ("1 = 1", {}) if whole else _ranges(column, codes or [])
                text = statement.format(code=column, source=source, below=below, ranges=ranges)
                cur.execute(text, {"month": m, "width": width, "level": level, **args})
