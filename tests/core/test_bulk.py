"""The cycle collector is paused for a bulk block and left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.db import connection

from lindungi.core.bulk import collector_paused, in_list, in_lists, with_collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_restored_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error() -> None:
    with pytest.raises(ValueError, match="bad row"), collector_paused():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_a_nested_block_leaves_it_paused_for_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_decorator_pauses_for_the_call_and_returns_its_value() -> None:
    @with_collector_paused
    def staged(rows: int) -> tuple[int, bool]:
        return rows, gc.isenabled()

    assert staged(3) == (3, False)
    assert gc.isenabled()


@pytest.mark.django_db
def test_in_lists_cover_every_value_once_in_statements_each_database_takes() -> None:
    values = list(range(12))
    parts = list(in_lists(values, size=5))
    if connection.vendor == "postgresql":
        assert parts == [("= ANY(%s)", [values])]
        assert in_list([1, 2]) == ("= ANY(%s)", [[1, 2]])
    else:
        assert [p for _, p in parts] == [values[0:5], values[5:10], values[10:12]]
        assert parts[2][0] == "IN (%s, %s)"
        assert in_list([1, 2]) == ("IN (%s, %s)", [1, 2])
    assert list(in_lists([])) == []
    found: list[int] = []
    with connection.cursor() as cursor:
        for where, params in parts:
            cursor.execute(
                f"SELECT column1 FROM (VALUES (3), (7), (40)) AS t WHERE column1 {where}",  # noqa: S608
                params,
            )
            found += [int(v) for (v,) in cursor.fetchall()]
    assert sorted(found) == [3, 7]
