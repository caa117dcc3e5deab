"""Where an import job runs after it is created.

LINDUNGI_INGEST_RUNNER (or settings.INGEST_RUNNER): "thread" (default) starts the job in a
background thread of the web process once the creating transaction commits; "queue" leaves it
queued for `lindungi import-worker` (the production setting: a web restart then loses nothing,
and a stale job is re-queued); "inline" runs it at once, before the response (tests, small
deployments).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from lindungi.ingest import linker
from lindungi.ingest.services.run import (
    claim_next,
    import_job_execute,
    requeue_stale,
    worker_name,
)

logger = logging.getLogger(__name__)


def runner() -> str:
    return str(
        getattr(settings, "INGEST_RUNNER", os.environ.get("LINDUNGI_INGEST_RUNNER", "thread"))
    )


def _run_logged(job_id: int, worker: str = "") -> None:
    try:
        import_job_execute(job_id=job_id, worker=worker)
    except Exception:
        # The job row records the failure for its page; the log keeps the traceback.
        logger.exception("import job %s failed", job_id)


def _in_thread(job_id: int) -> None:
    def target() -> None:
        try:
            _run_logged(job_id)
        finally:
            connection.close()

    threading.Thread(target=target, name=f"import-{job_id}", daemon=True).start()


def start(job_id: int) -> None:
    """Run a freshly created job as configured, after its creating transaction commits."""
    mode = runner()
    if mode == "inline":
        _run_logged(job_id)
    elif mode == "thread":
        transaction.on_commit(lambda: _in_thread(job_id))


def work(
    *,
    once: bool = False,
    poll_seconds: float = 5.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Process queued jobs until stopped (with `once`, until none is queued); returns jobs."""
    name, done = worker_name(), 0
    linker.warm()
    while not should_stop():
        requeue_stale()
        job_id = claim_next(worker=name)
        if job_id is None:
            if once:
                break
            time.sleep(poll_seconds)
            continue
        _run_logged(job_id, name)
        done += 1
    return done
