"""Progress of a running billing, written where the web can read it before the run commits.

The run's inserts are one transaction, so its own connection cannot publish progress. On
PostgreSQL a second, autocommit connection updates `progress_*`, `stage` and `heartbeat_at`
(an UPDATE of non-key columns does not wait for the run's key-share lock on its row). SQLite
has one writer at a time: there the counters are written only outside the run's transaction,
at its start and end, and `stage` stays at the last boundary until the run commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from lindungi.contributions.models import BillingRun

Echo = Callable[[str, int, int], None]
UPDATE_SQL = (
    "UPDATE contributions_billingrun SET stage = %s, progress_done = %s, progress_total = %s, "
    "heartbeat_at = %s WHERE id = %s"
)


class Reporter:
    """Publishes one run's progress; `echo` also receives it (the CLI prints it on stderr)."""

    def __init__(self, run_id: int, echo: Echo | None = None) -> None:
        self.run_id, self.echo = run_id, echo
        self._side: Any = None

    def step(self, stage: str, done: int, total: int) -> None:
        if self.echo is not None:
            self.echo(stage, done, total)
        if not connection.in_atomic_block:
            BillingRun.objects.filter(pk=self.run_id).update(
                stage=stage, progress_done=done, progress_total=total, heartbeat_at=timezone.now()
            )
        elif connection.vendor == "postgresql":
            self._publish(stage, done, total)

    def _publish(self, stage: str, done: int, total: int) -> None:
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        now = self._side.ops.adapt_datetimefield_value(timezone.now())
        with self._side.cursor() as cursor:
            cursor.execute(UPDATE_SQL, [stage, done, total, now, self.run_id])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
