"""Start a queued billing run in this process once its request has committed.

Waitress serves requests from threads, so a daemon thread is enough for one office server
("thread", the default); tests run it inline ("inline"); a deployment that runs
`lindungi worker` beside the web leaves queued runs to it ("off"). Setting:
LINDUNGI_BILLING_IN_PROCESS. Readings and limits: docs/screens-billing.md.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connections, transaction

from lindungi.contributions.billing.services import (
    billing_run_execute,
    billing_run_request,
    worker_name,
)
from lindungi.contributions.models import BillingRun
from lindungi.core.errors import Conflict

logger = logging.getLogger(__name__)
MODE_SETTING = "LINDUNGI_BILLING_IN_PROCESS"  # "thread" (default), "inline" or "off"


def start_in_process(run_id: int) -> None:
    """Execute a queued run in this process: in a daemon thread (waitress serves requests
    from threads), inline (tests), or not at all when a `lindungi worker` does it ("off")."""
    mode = getattr(settings, MODE_SETTING, "thread")
    if mode == "off":
        return
    if mode == "inline":
        _execute(run_id)
        return
    thread = threading.Thread(
        target=_execute_in_thread, args=(run_id,), name=f"billing-{run_id}", daemon=True
    )
    thread.start()


def request_run(*, month: date, actor: Any) -> BillingRun:
    """Queue a month's run for the actor and start it once the queueing has committed."""
    with transaction.atomic():
        run = billing_run_request(month=month, actor=actor)
        transaction.on_commit(lambda: start_in_process(run.pk))
    return run


def _execute(run_id: int) -> None:
    # A claimant name of its own: a double-clicked request that returns the same queued run
    # must find it claimed (Conflict), not share the claim and bill it a second time.
    worker = f"{worker_name()[:44]}:web-{uuid.uuid4().hex[:12]}"
    try:
        billing_run_execute(run_id=run_id, worker=worker)
    except Conflict:
        logger.info("billing run %s is claimed by another worker", run_id)
    except Exception:
        # billing_run_execute has already marked the run failed with the reason.
        logger.exception("billing run %s failed", run_id)


def _execute_in_thread(run_id: int) -> None:
    try:
        _execute(run_id)
    finally:
        connections.close_all()  # this thread's own connections only
