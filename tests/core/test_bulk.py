"""The cycle collector is paused for a bulk block and left as it was found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from lindungi.core.bulk import collector_paused, with_collector_paused


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
