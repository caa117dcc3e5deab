"""`lindungi import FILE --kind …` imports a worker list now; `lindungi import-worker` runs
the jobs queued from the web."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from lindungi.cli import emit, main
from lindungi.core.errors import LindungiError, ValidationError
from lindungi.ingest import reading, tasks
from lindungi.ingest.models import ImportJob, SourceKind
from lindungi.ingest.services import import_job_create, import_job_execute
from lindungi.ingest.services.run import DEFAULT_BATCH


def _result(job: ImportJob, seconds: float) -> dict[str, Any]:
    return {
        "job": job.pk,
        "status": job.status,
        "read": job.rows_read,
        "valid": job.rows_valid,
        "invalid": job.rows_invalid,
        "warned": job.rows_warned,
        "unchanged": job.rows_unchanged,
        "new": job.rows_new,
        "linked": job.rows_linked,
        "duplicate_in_file": job.rows_duplicate,
        "review": job.rows_review,
        "updated": job.rows_updated,
        "seconds": round(seconds, 3),
    }


def _message(exc: LindungiError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(m for ms in exc.errors.values() for m in ms)
    return exc.message


def _progress(job: ImportJob) -> None:
    click.echo(f"impor #{job.pk}: {job.rows_done:,}/{job.rows_valid:,} baris diproses", err=True)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(SourceKind.values), help="Jenis daftar.")
@click.option("--template", default=None, help="Templat pemetaan kolom tersimpan.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH, hidden=True)
def import_list(
    file: Path, kind: str, template: str | None, as_json: bool, batch_size: int
) -> None:
    """Impor daftar pekerja CSV/XLSX (import a worker list now)."""
    started = time.perf_counter()
    try:
        reading.check_size(file.stat().st_size)  # refused before a byte is read
        job = import_job_create(
            data=file.read_bytes(), file_name=file.name, kind=kind, actor=None, template=template
        )
        job = import_job_execute(job_id=job.pk, batch_size=batch_size, progress=_progress)
    except LindungiError as exc:
        raise click.ClickException(_message(exc)) from None
    result = _result(job, time.perf_counter() - started)

    def human() -> None:
        click.echo(
            f"Impor #{job.pk} {file.name}: dibaca {job.rows_read:,}, valid {job.rows_valid:,},"
            f" tidak valid {job.rows_invalid:,}, baru {job.rows_new:,},"
            f" tertaut {job.rows_linked:,}, ganda {job.rows_duplicate:,},"
            f" perlu ditinjau {job.rows_review:,}, sudah ada {job.rows_unchanged:,}"
            f" ({result['seconds']:.1f} detik)"
        )
        click.echo(
            "(read, valid, invalid, new, linked, duplicate in file, to review, already imported)"
        )

    emit(result, as_json=as_json, human=human)


@main.command("import-worker")
@click.option("--once", is_flag=True, help="Berhenti bila antrean kosong (stop when idle).")
@click.option("--poll", type=float, default=5.0, show_default=True, help="Jeda antrean (s).")
def import_worker(once: bool, poll: float) -> None:
    """Kerjakan impor yang diantrekan dari web (process queued import jobs)."""
    done = tasks.work(once=once, poll_seconds=poll)
    click.echo(f"{done} impor dikerjakan (jobs processed)", err=True)
