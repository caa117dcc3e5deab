"""Background billing: workers claim queued runs and execute them.

A claim is an optimistic lock: `UPDATE … SET claimed_by = me, status = 'running' WHERE id = …
AND claimed_by = ''` succeeds for exactly one worker. A running run's heartbeat is written with
its progress (PostgreSQL: at every chunk; SQLite: at its start and end, since one transaction
holds the only write lock meanwhile). A run whose heartbeat is older than
LINDUNGI_BILLING_STALE_SECONDS (default an hour) lost its worker: it is queued again, and
running it again is safe because a run bills only what is not billed yet.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from lindungi.contributions.billing.progress import Echo
from lindungi.contributions.billing.services import billing_run_execute
from lindungi.contributions.models import BillingRun, RunStatus

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=int(os.environ.get("LINDUNGI_BILLING_STALE_SECONDS", "3600")))
REQUEUED = "Diantrekan ulang: pekerja berhenti mengirim tanda hidup (worker lost)."


def claim_next(*, worker: str) -> int | None:
    """Claim the oldest queued run for `worker`; two workers never claim the same run."""
    candidates = (
        BillingRun.objects.filter(status=RunStatus.QUEUED, claimed_by="")
        .order_by("requested_at", "id")
        .values_list("id", flat=True)[:10]
    )
    for run_id in candidates:
        now = timezone.now()
        claimed = BillingRun.objects.filter(
            pk=run_id, status=RunStatus.QUEUED, claimed_by=""
        ).update(claimed_by=worker, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now)
        if claimed:
            return int(run_id)
    return None


def requeue_stale(*, stale_after: timedelta = STALE_AFTER) -> int:
    """Queue again the runs whose worker stopped beating; returns how many."""
    limit = timezone.now() - stale_after
    return BillingRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=limit).update(
        status=RunStatus.QUEUED, claimed_by="", error=REQUEUED
    )


def run_next(*, worker: str, progress: Echo | None = None) -> BillingRun | None:
    """Execute one queued run if there is one; a failed run is recorded, not raised."""
    requeue_stale()
    run_id = claim_next(worker=worker)
    if run_id is None:
        return None
    try:
        return billing_run_execute(run_id=run_id, worker=worker, progress=progress)
    except Exception:
        logger.exception("billing run %s failed", run_id)
        return BillingRun.objects.get(pk=run_id)


def work(
    *,
    worker: str,
    poll_seconds: float = 5.0,
    once: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Echo | None = None,
) -> int:
    """Process queued runs until stopped (or, with `once`, until none is queued); returns runs."""
    processed = 0
    while not should_stop():
        run = run_next(worker=worker, progress=progress)
        if run is not None:
            processed += 1
            continue
        if once:
            break
        time.sleep(poll_seconds)
    return processed
