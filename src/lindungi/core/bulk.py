"""Helpers for bulk work in one process: a million-row import, a national run."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block; restore it after.

    Bulk work keeps hundreds of thousands of rows alive until their batch commits; every few
    thousand allocations the collector walks them again, which cost about a tenth of an
    import. Their memory is freed by reference counting as usual; only the rare reference
    cycle waits for the first collection after the block. A nested block leaves the collector
    as the outer one found it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def with_collector_paused(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of `collector_paused`."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return func(*args, **kwargs)

    return run
