"""`lindungi bill` bills a month in the foreground; `lindungi worker` runs queued billings."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import click

from lindungi.cli import emit, main
from lindungi.contributions import tasks
from lindungi.contributions.billing.services import (
    DEFAULT_CHUNK,
    billing_run_execute,
    billing_run_request,
    worker_name,
)
from lindungi.contributions.models import BillingRun
from lindungi.contributions.rules import rupiah
from lindungi.core.errors import LindungiError


def _month(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan bulan YYYY-MM (not a month)") from None


def _progress(stage: str, done: int, total: int) -> None:
    click.echo(f"tagihan: {stage} {rupiah(done)}/{rupiah(total)}", err=True)


def _result(run: BillingRun, seconds: float) -> dict[str, Any]:
    return {
        "run": run.pk,
        "month": f"{run.month:%Y-%m}",
        "status": run.status,
        "invoices": run.invoices_created,
        "lines": run.lines_created,
        "adjustment_lines": run.adjustment_lines,
        "amount_billed": run.amount_billed,
        "memberships_skipped": run.memberships_skipped,
        "seconds": round(seconds, 3),
    }


@main.command("bill")
@click.option("--month", required=True, callback=_month, metavar="YYYY-MM", help="Bulan iuran.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=DEFAULT_CHUNK, hidden=True)
def bill(month: date, as_json: bool, chunk_size: int) -> None:
    """Tagih satu bulan sekarang; diulang hanya menambah penyesuaian (bill a month now)."""
    started = time.perf_counter()
    try:
        run = billing_run_request(month=month, actor=None)
        run = billing_run_execute(run_id=run.pk, progress=_progress, chunk_size=chunk_size)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    result = _result(run, time.perf_counter() - started)

    def human() -> None:
        click.echo(
            f"Penagihan #{run.pk} bulan {result['month']}: {rupiah(run.invoices_created)} tagihan,"
            f" {rupiah(run.lines_created)} baris ({rupiah(run.adjustment_lines)} penyesuaian),"
            f" Rp{rupiah(run.amount_billed)} dalam {result['seconds']:.1f} detik"
            " (invoices, lines, adjustments, amount, seconds)"
        )

    emit(result, as_json=as_json, human=human)


@main.command("worker")
@click.option("--once", is_flag=True, help="Berhenti bila antrean kosong (stop when idle).")
@click.option("--poll", type=float, default=5.0, show_default=True, help="Jeda antrean (s).")
def worker(once: bool, poll: float) -> None:
    """Kerjakan penagihan yang diantrekan dari web (process queued billing runs)."""
    name = worker_name()
    click.echo(f"pekerja {name} mulai (worker started)", err=True)
    processed = tasks.work(worker=name, poll_seconds=poll, once=once, progress=_progress)
    click.echo(f"{processed} penagihan selesai (runs processed)", err=True)
