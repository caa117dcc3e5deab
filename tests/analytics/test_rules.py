"""Suppression of small counts and of the cells that would give them away."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lindungi.analytics.rules import ratio, sadar, suppress


def shown(values: list[int], total: int) -> tuple[list[str | int], str | int]:
    cells, t = suppress(values, total)
    return [c.shown for c in cells], t.shown


@pytest.mark.parametrize(
    ("values", "total", "expected"),
    [
        ([120, 45, 30], 195, ([120, 45, 30], 195)),  # nothing small
        ([120, 5, 30], 155, ([120, "<10", "<10"], 155)),  # 5 hidden, 30 hidden with it
        ([120, 5, 7], 132, ([120, "<10", "<10"], 132)),  # two small ones hide each other
        ([12], 12, ([12], 12)),
        ([5], 5, (["<10"], "<10")),  # the only cell and the total
        ([3, 4], 7, (["<10", "<10"], "<10")),
        ([0, 50, 60], 110, (["<10", "<10", 60], 110)),  # zero is under ten too
    ],
)
def test_suppress(values: list[int], total: int, expected: tuple[list[str | int], str]) -> None:
    assert shown(values, total) == expected


def test_a_hidden_cell_cannot_be_recovered_from_the_total() -> None:
    for values in ([100, 3, 40, 60], [9, 10, 11], [1, 500]):
        cells, total = suppress(values, sum(values))
        hidden = [c for c in cells if c.hidden]
        assert total.hidden or len(hidden) != 1


def test_ratio_and_sadar() -> None:
    assert ratio(1, 3) == Decimal("0.3333")
    assert ratio(5, None) is None
    assert sadar(officials=2, officials_active=2)
    assert not sadar(officials=2, officials_active=1)
    assert not sadar(officials=0, officials_active=0)
