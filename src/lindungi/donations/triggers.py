"""Donations and receipts are append-only: SQLite triggers that must survive table rebuilds.

Migration 0001 creates them (and, on PostgreSQL, a trigger function); registered with
`lindungi.core.dbrules` they are re-created after any later migration rebuilds the tables.
"""

from __future__ import annotations

from lindungi.core.dbrules import SqliteTrigger

APPEND_ONLY = ("donations_donation", "donations_receipt")


def append_only_triggers() -> list[SqliteTrigger]:
    """UPDATE and DELETE abort on donations and receipts."""
    return [
        SqliteTrigger(
            name=f"{table}_no_{verb.lower()}",
            table=table,
            sql=f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        )
        for table in APPEND_ONLY
        for verb in ("UPDATE", "DELETE")
    ]
