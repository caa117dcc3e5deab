from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_triggers(using: str = "default", **_: Any) -> None:
    from lindungi.core.dbrules import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])


class CoreConfig(AppConfig):
    name = "lindungi.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from lindungi.core import dbrules

        dbrules.register(dbrules.audit_triggers)
        # Schema upkeep, not business logic: a SQLite table rebuild must not lose its rules.
        post_migrate.connect(_ensure_triggers, dispatch_uid="lindungi.core.ensure_triggers")
