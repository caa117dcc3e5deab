"""Rules that live in the database as triggers on SQLite, kept present after every migrate.

SQLite has no exclusion constraints and no way to refuse UPDATE on a table except triggers, and
Django rebuilds a table (dropping its triggers) whenever a migration alters it on SQLite. So each
app declares its triggers here once; its migration creates them, and `ensure_sqlite_triggers`
re-creates any that a later table rebuild removed (post_migrate, see core/apps.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class SqliteTrigger:
    name: str
    table: str
    sql: str  # CREATE TRIGGER IF NOT EXISTS <name> …
    after_recreate: tuple[str, ...] = field(default=())  # e.g. refill an index it maintains


_REGISTERED: list[Callable[[], list[SqliteTrigger]]] = []


def register(provider: Callable[[], list[SqliteTrigger]]) -> None:
    """An app adds the function that lists its triggers (called from its AppConfig.ready)."""
    if provider not in _REGISTERED:
        _REGISTERED.append(provider)


def all_triggers() -> list[SqliteTrigger]:
    return [t for provider in _REGISTERED for t in provider()]


def missing_sqlite_triggers(connection: BaseDatabaseWrapper) -> list[SqliteTrigger]:
    """Declared triggers whose table exists but which are absent."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {(kind, name) for kind, name in cursor.fetchall()}
    return [
        t
        for t in all_triggers()
        if ("table", t.table) in present and ("trigger", t.name) not in present
    ]


def ensure_sqlite_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Create the declared triggers a table rebuild removed; returns their names."""
    missing = missing_sqlite_triggers(connection)
    follow_ups: list[str] = []
    with connection.cursor() as cursor:
        for trigger in missing:
            cursor.execute(trigger.sql)
            follow_ups.extend(s for s in trigger.after_recreate if s not in follow_ups)
        for sql in follow_ups:
            cursor.execute(sql)
    return [t.name for t in missing]


def append_only_triggers(*tables: str, message: str = "") -> list[SqliteTrigger]:
    """UPDATE and DELETE abort on each table (`message`, else '<table> is append-only')."""
    return [
        SqliteTrigger(
            name=f"{table}_no_{verb.lower()}",
            table=table,
            sql=f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{message or table + ' is append-only'}'); END",
        )
        for table in tables
        for verb in ("UPDATE", "DELETE")
    ]


def audit_triggers() -> list[SqliteTrigger]:
    """Audit events are append-only: UPDATE and DELETE abort."""
    return append_only_triggers("core_auditevent", message="audit events are append-only")
