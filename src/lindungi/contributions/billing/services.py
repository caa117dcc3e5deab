"""Request and execute monthly billing runs.

A run is national: it bills every active membership of the month that earlier runs have not
billed (or billed differently), in one transaction, with one audit event. Running a month
again adds nothing when nothing changed, and adjustment invoices when something did.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.contributions.billing.engine import Billing, Counts
from lindungi.contributions.billing.plan import build_plan
from lindungi.contributions.billing.progress import Echo, Reporter
from lindungi.contributions.coverage.services import paid_through_refresh_for_run
from lindungi.contributions.models import BillingRun, RunStatus
from lindungi.contributions.payments import allocation
from lindungi.contributions.payments.allocation import Allocated
from lindungi.core import access, audit, checkpoints
from lindungi.core.access import RUN_BILLING, Actor
from lindungi.core.errors import Conflict, ValidationError

DEFAULT_CHUNK = 250_000
SQLITE_CACHE_KIB = 512 * 1024
MSG_MONTH = _("Bulan tagihan harus tanggal 1 dan paling lambat bulan depan.")
MSG_CLAIMED = _("Penagihan #%(run)s sedang dikerjakan oleh %(worker)s.")


def worker_name() -> str:
    """Who claims a run: host and process, so a stale claim can be traced."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def billing_run_request(*, month: date, actor: Actor | None) -> BillingRun:
    """Queue a billing of `month` (or return the one already queued); rules must be in force.

    `actor=None` is the operator at the console.
    """
    if actor is not None:
        access.require(actor, RUN_BILLING)
    today = timezone.localdate()
    latest = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    if month.day != 1 or month > latest:
        raise ValidationError({"month": str(MSG_MONTH)})
    build_plan(month, issued_on=today)  # raises NoRuleInForce (field "month") before queueing
    user = actor if isinstance(actor, User) else None
    with transaction.atomic():
        queued = BillingRun.objects.filter(month=month, status=RunStatus.QUEUED, claimed_by="")
        run = queued.order_by("id").first()
        return run or BillingRun.objects.create(month=month, requested_by=user)


def billing_run_execute(
    *,
    run_id: int,
    worker: str = "",
    progress: Echo | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> BillingRun:
    """Bill a run's month all at once or not at all; the run records counts and rule rows.

    Claims the run for `worker` unless another worker holds it (Conflict). A failure rolls the
    whole run back and marks it failed with the reason.
    """
    worker = worker or worker_name()
    _claim(run_id, worker)
    reporter = Reporter(run_id, progress)
    try:
        _bill(BillingRun.objects.get(pk=run_id), worker, reporter, max(1, chunk_size))
    except Exception as exc:
        BillingRun.objects.filter(pk=run_id, claimed_by=worker).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finally:
        reporter.close()
    return BillingRun.objects.get(pk=run_id)


def _claim(run_id: int, worker: str) -> None:
    """Optimistic lock: the UPDATE succeeds for exactly one claimant."""
    now = timezone.now()
    claimed = (
        BillingRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .filter(Q(claimed_by="") | Q(claimed_by=worker))
        .update(claimed_by=worker, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now)
    )
    if not claimed:
        run = BillingRun.objects.filter(pk=run_id).values_list("claimed_by", "status").first()
        holder = run[0] if run and run[0] else (run[1] if run else "-")
        raise Conflict(str(MSG_CLAIMED % {"run": run_id, "worker": holder}))


def _bill(run: BillingRun, worker: str, reporter: Reporter, chunk: int) -> None:
    started = time.perf_counter()
    plan = build_plan(run.month, issued_on=timezone.localdate())
    reporter.step("start", 0, 0)
    with checkpoints.deferred(), _sqlite_cache(), transaction.atomic():
        with connection.cursor() as cursor:
            counts = Billing(cursor, plan, run.pk, timezone.now()).run(
                chunk=chunk, step=reporter.step
            )
        reporter.close()  # nothing may write the run's row beside this transaction now
        settled = _settle(run.pk)
        after = {**_after(counts, time.perf_counter() - started), **settled}
        finished = BillingRun.objects.filter(pk=run.pk, claimed_by=worker).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            stage="done",
            progress_done=counts.memberships + counts.skipped,
            progress_total=counts.memberships + counts.skipped,
            invoices_created=counts.invoices,
            lines_created=counts.lines,
            adjustment_lines=counts.adjustment_lines,
            amount_billed=counts.amount_billed,
            memberships_skipped=counts.skipped,
            rule_rows=plan.rule_rows(),
            plan_digest=plan.digest,
            error="",
        )
        if not finished:
            raise Conflict(str(MSG_CLAIMED % {"run": run.pk, "worker": "?"}))
        audit.record(actor=run.requested_by, action="billing.run", obj=run, after=after)


def _settle(run_id: int) -> dict[str, int]:
    """Keep paid-through right after adjustments, then spend payers' credit on the new lines."""
    refreshed = paid_through_refresh_for_run(run_id=run_id)
    with connection.cursor() as cursor:
        cursor.execute(CREDIT_PAYERS_SQL, [run_id])
        payers = [int(row[0]) for row in cursor.fetchall()]
    spent = allocation.allocate(payers) if payers else Allocated()
    return {
        "paid_through_refreshed": refreshed,
        "credit_payers": spent.payers,
        "credit_allocated": spent.amount,
    }


# Payers billed in this run that hold money not yet allocated (an overpayment, a prepayment).
CREDIT_PAYERS_SQL = """
SELECT a.payer_id
  FROM contributions_payeraccount a
 WHERE a.credit > 0
   AND EXISTS (SELECT 1 FROM contributions_invoice i
                WHERE i.payer_id = a.payer_id AND i.run_id = %s)
 ORDER BY a.payer_id
"""


def _after(counts: Counts, seconds: float) -> dict[str, Any]:
    return {**asdict(counts), "seconds": round(seconds, 3)}


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    """A large page cache for the run on SQLite (the default 2 MB thrashes on 1M rows)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")
