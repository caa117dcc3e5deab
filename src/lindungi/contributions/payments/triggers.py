"""The ledger and allocations are append-only: SQLite triggers that must survive table rebuilds.

Migration 0002_payments creates them (and the PostgreSQL trigger function); registered with
`lindungi.core.dbrules` they are re-created after any later migration rebuilds the tables.
"""

from __future__ import annotations

from lindungi.core import dbrules
from lindungi.core.dbrules import SqliteTrigger

APPEND_ONLY = ("contributions_ledgerentry", "contributions_allocation")


def append_only_triggers() -> list[SqliteTrigger]:
    """UPDATE and DELETE abort on the ledger and on allocations."""
    return dbrules.append_only_triggers(*APPEND_ONLY)
