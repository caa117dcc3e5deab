"""Helpers for bulk work in one process: a million-row import, a national run."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")
# SQLite caps a statement's parameters (32,766 in most builds, 999 in old ones)
IN_CHUNK = 5000


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


def in_list(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`IN (…)` for a chunk of values: one array parameter on PostgreSQL, placeholders on SQLite."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return f"IN ({', '.join(['%s'] * len(values))})", list(values)


def in_lists(values: Sequence[Any], *, size: int = IN_CHUNK) -> Iterator[tuple[str, list[Any]]]:
    """`in_list` over any number of values: one array on PostgreSQL (a list of 50,000
    placeholders costs more to parse than to run), slices of `size` on SQLite."""
    if not values:
        return
    if connection.vendor == "postgresql":
        yield in_list(values)
        return
    for start in range(0, len(values), size):
        yield in_list(values[start : start + size])
