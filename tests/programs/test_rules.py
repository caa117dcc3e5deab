"""Pure rules: months, ages, quotas, target checks (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.programs import rules


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (date(2027, 1, 1), 12, date(2028, 1, 1)),
        (date(2020, 8, 1), 6, date(2021, 2, 1)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 11, 1), 0, date(2026, 11, 1)),
    ],
)
def test_add_months(month: date, n: int, expected: date) -> None:
    assert rules.add_months(month, n) == expected


def test_birth_bounds_match_age_on_the_start() -> None:
    start = date(2027, 1, 1)
    latest, earliest = rules.birth_bounds(start, 18, 60)
    assert (latest, earliest) == (date(2009, 1, 1), date(1966, 1, 2))
    assert rules.age_on(latest, start) == 18
    assert rules.age_on(date(2009, 1, 2), start) == 17
    assert rules.age_on(earliest, start) == 60
    assert rules.age_on(date(1966, 1, 1), start) == 61
    assert rules.birth_bounds(start, 18, None)[1] is None


def test_leap_day() -> None:
    assert rules.birth_bounds(date(2028, 2, 29), 1, None)[0] == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("budget", "per_worker", "target", "enrolled", "places"),
    [
        (1_000_000_000, 201_600, None, 0, 4_960),
        (1_000_000_000, 201_600, 100, 0, 100),
        (1_000_000_000, 201_600, 100, 100, 0),
        (1_000_000_000, 201_600, None, 4_960, 0),
        (1_000_000_000, 201_600, None, 5_000, 0),  # after a budget cut: never negative
        (100, 0, None, 0, 0),
    ],
)
def test_quota_for(
    budget: int, per_worker: int, target: int | None, enrolled: int, places: int
) -> None:
    assert (
        rules.quota_for(budget=budget, per_worker=per_worker, target=target, enrolled=enrolled)
        == places
    )


def test_check_targets() -> None:
    ok = rules.Targets(region="6402", regions=("640201",), deciles=(1, 10))
    assert rules.check_targets(ok, ["decile", "waiting"]) == {}
    bad = rules.Targets(region="6402", regions=("6112",), deciles=(11,), min_age=30, max_age=20)
    assert set(rules.check_targets(bad, ["decile", "richest"])) == {
        "target_regions",
        "target_deciles",
        "max_age",
        "priority",
    }


def test_allowed_moves() -> None:
    assert rules.allowed_moves("submitted") == ["approved", "rejected"]
    assert rules.allowed_moves("closed") == []
