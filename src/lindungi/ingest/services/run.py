"""Execute an import job in batches: each batch commits whole or not at all.

A job is claimed with an optimistic lock (`UPDATE … WHERE claimed_by IN ('', me)`), like a
billing run. Each batch merges the next pending rows, writes them as ImportRows with their
outcomes and moves the job's counts in the same transaction, so a crash loses at most the open
batch; running the job again (a failed job is released, a stale one re-queued) takes from the
job's parts the rows still without an ImportRow.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lindungi.core import audit, checkpoints
from lindungi.core.bulk import with_collector_paused
from lindungi.core.errors import Conflict
from lindungi.ingest import linker, merging, parts, selectors, staging
from lindungi.ingest.models import ImportJob, JobStatus, Outcome, RowStatus

DEFAULT_BATCH = int(os.environ.get("LINDUNGI_INGEST_BATCH", "20000"))
STALE_AFTER = timedelta(seconds=int(os.environ.get("LINDUNGI_INGEST_STALE_SECONDS", "900")))
Progress = Callable[[ImportJob], None]
RUNNABLE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _claim(job_id: int, worker: str) -> None:
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id, status__in=RUNNABLE)
        .filter(Q(claimed_by="") | Q(claimed_by=worker))
        .update(claimed_by=worker, status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    )
    if not claimed:
        holder = ImportJob.objects.filter(pk=job_id).values_list("claimed_by", "status").first()
        shown = (holder[0] or holder[1]) if holder else "-"
        raise Conflict(f"Impor #{job_id} sedang/sudah dikerjakan ({shown}) (job not runnable)")


@with_collector_paused
@checkpoints.with_deferred
def import_job_execute(
    *,
    job_id: int,
    worker: str = "",
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    model_name: str = "default",
) -> ImportJob:
    """Link and merge every pending row of a job, batch by batch; a failure keeps the
    committed batches, marks the job failed and releases it so it can be resumed."""
    worker = worker or worker_name()
    _claim(job_id, worker)
    try:
        links = link_pending(job_id, model_name=model_name)
        _keep_unchanged(job_id, worker, links.unchanged)
        while _one_batch(job_id, worker, max(1, batch_size), links):
            if progress is not None:
                progress(ImportJob.objects.get(pk=job_id))
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id, claimed_by=worker).update(
            status=JobStatus.FAILED, claimed_by="", error=str(exc)[:2000]
        )
        raise
    with transaction.atomic():  # its parts go with the last word on the job
        if ImportJob.objects.filter(pk=job_id, claimed_by=worker).update(
            status=JobStatus.DONE, finished_at=timezone.now(), claimed_by="", error=""
        ):
            parts.drop(job_id)
    return ImportJob.objects.get(pk=job_id)


@dataclass
class JobLinks:
    """Every pending row, read once, with its linkage outcome found in one pass before any
    batch is merged.

    One pass reads the registry's candidates once and finds duplicates across the whole file;
    linking batch by batch re-read nearly the whole registry for each batch (a batch's birth
    dates cover most of the calendar). Batches merge in row order, so a duplicate always
    points at a row of its own or an earlier, committed batch. The rows are kept for the
    batches, which would otherwise read and decode every row a second time.
    """

    rows: list[parts.Staged]
    results: dict[int, linker.LinkResult]
    seconds: float
    unchanged: list[parts.Staged]  # already imported by another standing job
    merged: int = 0  # rows[:merged] are committed
    reported: bool = False

    def next_batch(self, size: int) -> list[parts.Staged]:
        return self.rows[self.merged : self.merged + size]


def link_pending(job_id: int, *, model_name: str) -> JobLinks:
    """Read and link every valid row of the job not merged yet, save those another standing
    job already imported (a re-uploaded file adds only what is new); reads only."""
    started = time.perf_counter()
    rows, unchanged = _imported_before(job_id, parts.pending(job_id))
    inputs = [merging.link_input(row) for row in rows]
    results = {r.key: r for r in linker.link(inputs, model_name=model_name)}
    return JobLinks(rows, results, round(time.perf_counter() - started, 3), unchanged)


def _imported_before(
    job_id: int, rows: list[parts.Staged]
) -> tuple[list[parts.Staged], list[parts.Staged]]:
    """(rows to link, rows another standing job has merged): asked when the job runs, not when
    it is created, so a file uploaded again while its first job waited is caught too."""
    kind = ImportJob.objects.values_list("kind", flat=True).get(pk=job_id)
    if not rows or not selectors.earlier_job_stands(kind, job_id=job_id):
        return rows, []
    fingerprints = [r.fingerprint for r in rows]
    seen = selectors.fingerprints_imported(fingerprints, except_job=job_id)
    return [r for r in rows if r.fingerprint not in seen], [
        r for r in rows if r.fingerprint in seen
    ]


def _held(job_id: int, worker: str) -> ImportJob:
    """The job, locked, still claimed by this worker (inside the caller's transaction)."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.claimed_by != worker:
        raise Conflict(f"Impor #{job_id} diambil alih pekerja lain (job claimed elsewhere)")
    return job


def _keep_unchanged(job_id: int, worker: str, rows: list[parts.Staged]) -> None:
    """Write the rows another job already imported as `unchanged`; they are not linked."""
    if not rows:
        return
    with transaction.atomic():
        job = _held(job_id, worker)
        staging.insert_rows(
            [
                merging.row_values(job_id, r, status=RowStatus.UNCHANGED, outcome=Outcome.SKIPPED)
                for r in rows
            ]
        )
        ImportJob.objects.filter(pk=job_id).update(rows_unchanged=F("rows_unchanged") + len(rows))
        audit.record(
            actor=job.created_by,
            action="ingest.unchanged",
            obj=job,
            region_code=job.region_code,
            after={"rows": len(rows), "first_line": rows[0].line, "last_line": rows[-1].line},
        )


def _one_batch(job_id: int, worker: str, size: int, links: JobLinks) -> bool:
    """Merge the next batch of the pending rows; False when none is left."""
    rows = links.next_batch(size)
    if not rows:
        return False
    with transaction.atomic():
        checkpoints.after_commit()  # the log of this batch copied back while the next runs
        job = _held(job_id, worker)
        results = {r.line: links.results[r.line] for r in rows}
        result = merging.merge_batch(job, rows, results=results)
        result.link_seconds, links.reported = (0.0 if links.reported else links.seconds), True
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=F("rows_done") + len(rows),
            rows_new=F("rows_new") + result.new,
            rows_linked=F("rows_linked") + result.linked,
            rows_review=F("rows_review") + result.review,
            rows_duplicate=F("rows_duplicate") + result.duplicate,
            rows_updated=F("rows_updated") + result.updated,
            heartbeat_at=timezone.now(),
        )
        audit.record(
            actor=job.created_by,
            action="ingest.batch",
            obj=job,
            region_code=job.region_code,
            before={"workers": result.before},
            after={
                "rows": len(rows),
                "first_line": rows[0].line,
                "last_line": rows[-1].line,
                "new": result.new,
                "linked": result.linked,
                "review": result.review,
                "duplicate": result.duplicate,
                "link_seconds": result.link_seconds,
                "workers": result.after,
            },
        )
    links.merged += len(rows)
    return True


def claim_next(*, worker: str) -> int | None:
    """Claim the oldest queued job; two workers never claim the same job."""
    for job_id in (
        ImportJob.objects.filter(status=JobStatus.QUEUED, claimed_by="")
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:10]
    ):
        now = timezone.now()
        if (
            ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED, claimed_by="").update(
                claimed_by=worker, status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
            )
            == 1
        ):
            return int(job_id)
    return None


def requeue_stale(*, stale_after: timedelta = STALE_AFTER) -> int:
    """Queue again the jobs whose worker stopped beating; their pending rows are resumed."""
    limit = timezone.now() - stale_after
    return ImportJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit).update(
        status=JobStatus.QUEUED, claimed_by=""
    )
