from __future__ import annotations

from datetime import date

import pytest

from lindungi.reference.models import dotted, undotted
from lindungi.reference.rules import Period, level_of, lineage, overlapping, parent_of


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("64", 1, None),
        ("6402", 2, "64"),
        ("640201", 3, "6402"),
        ("6402012001", 4, "640201"),
    ],
)
def test_level_and_parent(code: str, level: int, parent: str | None) -> None:
    assert level_of(code) == level
    assert parent_of(code) == parent


@pytest.mark.parametrize(
    "code", ["", "6", "640", "64020", "64020120", "64.02", "64020120011", "6a"]
)
def test_level_of_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError, match="not a region code"):
        level_of(code)


def test_lineage_runs_from_province_to_the_code() -> None:
    assert lineage("6112012001") == ["61", "6112", "611201", "6112012001"]


@pytest.mark.parametrize(
    ("stored", "written"),
    [("6402012001", "64.02.01.2001"), ("640201", "64.02.01"), ("64", "64")],
)
def test_dotted_and_undotted_round_trip(stored: str, written: str) -> None:
    assert dotted(stored) == written
    assert undotted(written) == stored
    assert undotted(f" {written} ") == stored


D = date


@pytest.mark.parametrize(
    ("period", "on", "inside"),
    [
        (Period(D(2024, 3, 1), D(2025, 3, 1)), D(2024, 3, 1), True),  # start is included
        (Period(D(2024, 3, 1), D(2025, 3, 1)), D(2025, 2, 28), True),
        (Period(D(2024, 3, 1), D(2025, 3, 1)), D(2025, 3, 1), False),  # end is excluded
        (Period(D(2024, 3, 1), D(2025, 3, 1)), D(2024, 2, 29), False),
        (Period(D(2026, 3, 1)), D(2099, 1, 1), True),  # open-ended
    ],
)
def test_period_contains_is_half_open(period: Period, on: date, inside: bool) -> None:
    assert period.contains(on) is inside


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Period(D(2020, 8, 1), D(2021, 2, 1)), Period(D(2021, 2, 1)), False),  # chained
        (Period(D(2020, 8, 1), D(2021, 2, 1)), Period(D(2021, 1, 1)), True),
        (Period(D(2015, 7, 1)), Period(D(2026, 1, 1)), True),  # two open-ended rows
        (Period(D(2015, 7, 1), D(2016, 1, 1)), Period(D(2014, 1, 1), D(2015, 7, 1)), False),
    ],
)
def test_period_overlaps_is_symmetric(a: Period, b: Period, overlap: bool) -> None:
    assert a.overlaps(b) is overlap
    assert b.overlaps(a) is overlap


def test_overlapping_names_the_clashing_pairs() -> None:
    periods = [
        ("2015", Period(D(2015, 7, 1), D(2016, 3, 1))),
        ("2016", Period(D(2016, 3, 1), D(2017, 3, 1))),
        ("2016b", Period(D(2016, 6, 1))),
    ]
    assert overlapping(periods) == [("2016", "2016b")]
