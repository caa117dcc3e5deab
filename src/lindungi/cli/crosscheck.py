"""`lindungi crosscheck` runs a month's cross-checks; `lindungi compliance ...` loads its data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from lindungi.cli import emit, main
from lindungi.compliance.calendar import holidays_load
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.imports import check_import
from lindungi.compliance.models import FindingKind
from lindungi.core.errors import LindungiError


def _month(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan bulan YYYY-MM (not a month)") from None


def _dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


@main.command("crosscheck")
@click.option("--month", required=True, callback=_month, metavar="YYYY-MM", help="Bulan data.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def crosscheck(month: date, as_json: bool) -> None:
    """Periksa silang pemberi kerja untuk satu bulan (cross-check employers for a month).

    Diulang: temuan terbuka bulan itu diganti; temuan dalam kasus tetap (idempotent)."""
    try:
        result = crosscheck_run(month=month, actor=None)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None

    def human() -> None:
        click.echo(f"Pemeriksaan silang {result.month:%Y-%m} (findings per kind):")
        for kind in FindingKind:
            click.echo(f"  {kind.label:<28} {_dots(result.counts[kind.value]):>8}")
        click.echo(f"  pekerja belum terlindungi    {_dots(result.workers_unprotected):>8}")
        click.echo(f"  iuran hilang per bulan     Rp{_dots(result.contributions_lost)}")
        click.echo(f"  temuan tetap dalam kasus     {_dots(result.kept_in_cases):>8}")

    emit(result.as_dict(), as_json=as_json, human=human)


@main.group("compliance")
def compliance() -> None:
    """Data kepatuhan: hari libur, laporan WLKP, registri usaha (compliance data)."""


@compliance.command("load-holidays")
@click.option("--json", "as_json", is_flag=True)
def load_holidays(as_json: bool) -> None:
    """Muat hari libur nasional dan cuti bersama 2020-2027 (idempotent)."""
    counts = holidays_load(actor=None)
    emit(
        counts,
        as_json=as_json,
        human=lambda: click.echo(
            f"Hari libur: {counts['read']} dibaca, {counts['created']} baru,"
            f" {counts['updated']} diperbarui (read, created, updated)"
        ),
    )


@compliance.command("import")
@click.argument("kind", type=click.Choice(["wlkp", "business"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def import_file(kind: str, path: Path, as_json: bool) -> None:
    """Impor laporan WLKP atau ekstrak registri usaha (CSV/XLSX) ke tabel staging."""
    try:
        job = check_import(kind=kind, file_name=path.name, content=path.read_bytes(), actor=None)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    data = {
        "import": job.pk,
        "read": job.rows_read,
        "loaded": job.rows_loaded,
        "errors": job.errors,
    }

    def human() -> None:
        click.echo(
            f"Impor #{job.pk}: {job.rows_read} baris, {job.rows_loaded} dimuat,"
            f" {len(job.errors)} galat (rows, loaded, errors)"
        )
        for e in job.errors[:20]:
            click.echo(f"  baris {e['row']} kolom {e['column']} '{e['value']}': {e['message']}")

    emit(data, as_json=as_json, human=human)
