"""`lindungi contribution`: one payer's contribution for a month, and the rules it came from."""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from django.utils import timezone

from lindungi.cli import emit, main
from lindungi.contributions.rates import calculate
from lindungi.contributions.rules import (
    RISK_GROUPS,
    Breakdown,
    Due,
    PmiPhase,
    Programme,
    Segment,
    rupiah,
)
from lindungi.core.errors import LindungiError

DEFAULT_PROGRAMMES: dict[str, str] = {
    Segment.PU: "JKK,JKM,JHT,JP",
    Segment.BPU: "JKK,JKM",
    Segment.JAKON: "JKK,JKM",
    Segment.PMI: Programme.JKK_JKM.value,
}
COLUMNS = ("Program", "Pemberi kerja", "Pekerja", "Pemerintah", "Ditunda", "Ditagih")


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return timezone.localdate().replace(day=1)
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan bulan YYYY-MM (not a month)") from None


@main.command("contribution")
@click.option("--segment", required=True, metavar="[PU|BPU|JAKON|PMI]", help="Segmen peserta.")
@click.option(
    "--month", callback=_month, metavar="YYYY-MM", help="Bulan iuran YYYY-MM (default: bulan ini)."
)
@click.option(
    "--programs",
    "--programmes",
    "programmes",
    help="Program dipisah koma, mis. JKK,JKM,JHT (default: paket dasar segmen).",
)
@click.option("--income", type=int, help="BPU: penghasilan sebulan (Rp).")
@click.option("--wage", type=int, help="PU/JAKON: upah sebulan (Rp).")
@click.option("--risk-group", metavar=f"[{'|'.join(RISK_GROUPS)}]", help="PU: kelompok risiko JKK.")
@click.option("--kbli", help="PU: KBLI pemberi kerja (diskon padat karya PP 7/2025).")
@click.option("--workers", type=click.IntRange(min=0), help="PU: jumlah pekerja aktif.")
@click.option("--contract-value", type=int, help="JAKON: nilai kontrak tanpa PPN (Rp).")
@click.option("--phase", type=click.Choice([p.value for p in PmiPhase]), help="PMI: tahap.")
@click.option("--contract-months", type=click.IntRange(min=1), help="PMI: lama perjanjian.")
@click.option("--jht-amount", type=int, help="PMI: iuran JHT pilihan (Rp).")
@click.option(
    "--relief/--no-relief",
    "relief_eligible",
    default=True,
    help="Memenuhi syarat keringanan yang berlaku (eligible for the month's relief).",
)
@click.option(
    "--jp-deferral/--no-jp-deferral",
    default=True,
    help="PU, PP 49/2020: penundaan iuran JP disetujui (JP deferral granted).",
)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def contribution(
    segment: str, month: date, programmes: str | None, as_json: bool, **inputs: Any
) -> None:
    """Hitung iuran sebulan per program (contribution for one month, per programme)."""
    names = programmes or DEFAULT_PROGRAMMES.get(segment.strip().upper(), "JKK,JKM")
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    try:
        result = calculate(segment=segment, month=month, programmes=chosen, **inputs)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    emit(result.as_dict(), as_json=as_json, human=lambda: _print(result))


def _print(result: Breakdown) -> None:
    click.echo(f"Iuran {result.segment.value} bulan {result.month:%Y-%m} (contribution)")
    rows = [COLUMNS, *(_cells(due) for due in result.dues)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        first, *amounts = zip(row, widths, strict=True)
        click.echo("  ".join([first[0].ljust(first[1]), *(c.rjust(w) for c, w in amounts)]))
    click.echo(f"Jumlah ditagih (billed): Rp{rupiah(result.total)}")
    if result.deferred:
        click.echo(f"Ditunda, tetap terutang (deferred, still owed): Rp{rupiah(result.deferred)}")
    if result.government:
        click.echo(f"Dibiayai pemerintah (government-funded): Rp{rupiah(result.government)}")
    click.echo("Aturan (rules used):")
    for ref in result.rules:
        key = f"[{ref.key}]" if ref.key else ""
        click.echo(f"  #{ref.id} {ref.table}{key}: {ref.regulation} ({ref.status})")


def _cells(due: Due) -> tuple[str, ...]:
    shares = (due.employer_share, due.worker_share, due.government_share, due.deferred)
    return (due.programme.value, *(rupiah(n) for n in (*shares, due.billed)))
