"""Donations and receipts are append-only: SQLite triggers that must survive table rebuilds.

Migration 0001 creates them (and, on PostgreSQL, a trigger function); registered with
`lindungi.core.dbrules` they are re-created after any later migration rebuilds the tables.
"""

from __future__ import annotations

from lindungi.core import dbrules
from lindungi.core.dbrules import SqliteTrigger

APPEND_ONLY = ("donations_donation", "donations_receipt")


def append_only_triggers() -> list[SqliteTrigger]:
    """UPDATE and DELETE abort on donations and receipts."""
    return dbrules.append_only_triggers(*APPEND_ONLY)
