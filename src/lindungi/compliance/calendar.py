"""Working days: weekends and Indonesian public holidays (national and cuti bersama) skipped.

`add_working_days` and `is_working_day` are pure; `holidays_between` reads the table and
`holidays_load` fills it idempotently from the vendored data/holidays.csv (2020-2027).
Readings, sources and uncertain dates: docs/compliance.md.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from lindungi.compliance.models import PublicHoliday
from lindungi.core import audit

DATA = Path(__file__).resolve().parent / "data" / "holidays.csv"
SATURDAY = 5


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a public holiday or cuti bersama."""
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, n: int, holidays: Collection[date]) -> date:
    """The n-th working day after `start` (the start day itself never counts); n=0 → start."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Working days in (start, end]; 0 when end <= start."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, holidays)
    return count


def holidays_between(start: date, end: date) -> frozenset[date]:
    """Holiday dates in [start, end] from the table."""
    return frozenset(
        PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def holidays_after(start: date, *, days: int = 400) -> frozenset[date]:
    """Enough holidays for any deadline the case steps set (none is longer than a year)."""
    return holidays_between(start, start + timedelta(days=days))


def read_csv(path: Path = DATA) -> list[PublicHoliday]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            PublicHoliday(
                date=date.fromisoformat(row["date"]),
                name=row["name"],
                kind=row["kind"],
                source=row["source"],
                uncertain=row["uncertain"] == "1",
            )
            for row in csv.DictReader(handle)
        ]


@transaction.atomic
def holidays_load(*, actor: object | None, path: Path = DATA) -> dict[str, int]:
    """Make the table equal to the file: insert new dates, update changed ones, drop none."""
    rows = read_csv(path)
    existing = {h.date: h for h in PublicHoliday.objects.all()}
    fields = ("name", "kind", "source", "uncertain")
    new = [h for h in rows if h.date not in existing]
    changed = []
    for h in rows:
        old = existing.get(h.date)
        if old is not None and any(getattr(old, f) != getattr(h, f) for f in fields):
            h.pk = old.pk
            changed.append(h)
    PublicHoliday.objects.bulk_create(new, batch_size=500)
    PublicHoliday.objects.bulk_update(changed, fields, batch_size=500)
    counts = {"read": len(rows), "created": len(new), "updated": len(changed)}
    if new or changed:
        audit.record(
            actor=actor, action="compliance.holidays_load", object_type="holiday", after=counts
        )
    return counts
