"""Working days skip weekends, national holidays and cuti bersama (table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.compliance.calendar import (
    add_working_days,
    holidays_between,
    holidays_load,
    read_csv,
    working_days_between,
)
from lindungi.compliance.models import PublicHoliday

D = date
# Idul Fitri 1447 H (SKB 2026, ⚠ sighting): cuti bersama 20, 23, 24 March; holidays 21-22 March;
# Nyepi 19 March and its cuti bersama 18 March.
LEBARAN_2026 = frozenset(
    {
        D(2026, 3, 18),
        D(2026, 3, 19),
        D(2026, 3, 20),
        D(2026, 3, 21),
        D(2026, 3, 22),
        D(2026, 3, 23),
        D(2026, 3, 24),
    }
)
LEBARAN_2025 = frozenset(
    {
        D(2025, 3, 28),
        D(2025, 3, 29),
        D(2025, 3, 31),
        D(2025, 4, 1),
        D(2025, 4, 2),
        D(2025, 4, 3),
        D(2025, 4, 4),
        D(2025, 4, 7),
        D(2025, 4, 18),
    }
)


@pytest.mark.parametrize(
    ("start", "n", "holidays", "expected"),
    [
        (D(2026, 11, 2), 0, frozenset(), D(2026, 11, 2)),  # n = 0: the day itself
        (D(2026, 11, 2), 1, frozenset(), D(2026, 11, 3)),  # Monday → Tuesday
        (D(2026, 11, 6), 1, frozenset(), D(2026, 11, 9)),  # Friday → Monday
        (D(2026, 11, 7), 1, frozenset(), D(2026, 11, 9)),  # Saturday → Monday
        (D(2026, 11, 2), 10, frozenset(), D(2026, 11, 16)),  # two calendar weeks
        # A warning issued Monday 16 March 2026: the Lebaran week adds five days off.
        (D(2026, 3, 16), 10, LEBARAN_2026, D(2026, 4, 6)),
        (D(2026, 3, 17), 1, LEBARAN_2026, D(2026, 3, 25)),
        (D(2026, 3, 16), 10, frozenset(), D(2026, 3, 30)),  # same start, no holidays
        # 2025: issued Thursday 27 March, Lebaran 31 Mar-7 Apr, then Good Friday 18 April.
        (D(2025, 3, 27), 10, LEBARAN_2025, D(2025, 4, 22)),
        (D(2026, 12, 23), 2, frozenset({D(2026, 12, 24), D(2026, 12, 25)}), D(2026, 12, 29)),
    ],
)
def test_add_working_days(start: date, n: int, holidays: frozenset[date], expected: date) -> None:
    assert add_working_days(start, n, holidays) == expected


def test_negative_is_refused() -> None:
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(D(2026, 1, 5), -1, frozenset())


def test_working_days_between_counts_the_end_not_the_start() -> None:
    assert working_days_between(D(2026, 3, 16), D(2026, 4, 6), LEBARAN_2026) == 10
    assert working_days_between(D(2026, 4, 6), D(2026, 4, 6), LEBARAN_2026) == 0


@pytest.mark.django_db
def test_vendored_table_has_the_lebaran_week_and_loads_idempotently() -> None:
    assert holidays_between(D(2026, 3, 18), D(2026, 3, 24)) == LEBARAN_2026
    counts = holidays_load(actor=None)
    assert counts == {"read": len(read_csv()), "created": 0, "updated": 0}
    idul_fitri = PublicHoliday.objects.get(date=D(2026, 3, 21))
    assert idul_fitri.kind == "national"
    assert idul_fitri.uncertain is True
    assert "SKB 3 Menteri" in idul_fitri.source


def test_every_year_2020_2027_present_and_dates_unique() -> None:
    rows = read_csv()
    assert {h.date.year for h in rows} == set(range(2020, 2028))
    assert len({h.date for h in rows}) == len(rows)
    assert {h.kind for h in rows} == {"national", "cuti_bersama"}
    assert all(h.source for h in rows)
