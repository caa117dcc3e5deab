"""`lindungi coverage`: a region's coverage summary; `coverage-refresh` / `coverage-rebuild`
keep the facts behind it."""

from __future__ import annotations

from datetime import date

import click

from lindungi.analytics import facts, selectors
from lindungi.cli import emit, main
from lindungi.core.errors import LindungiError


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    if value is None:
        return ""
    try:
        date.fromisoformat(f"{value[:7]}-01")
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan bulan YYYY-MM (not a month)") from None
    return value[:7]


@main.command("coverage")
@click.option("--region", default="", help="Kode wilayah, mis. 64.02 (default: Indonesia).")
@click.option("--month", callback=_month, metavar="YYYY-MM", help="Bulan (default: terakhir).")
@click.option("--segment", default="", help="PU, BPU, JAKON, PMI.")
@click.option("--programme", "--program", "programme", default="", help="jkk, jkm, jht, jp, jkp.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def coverage(region: str, month: str, segment: str, programme: str, as_json: bool) -> None:
    """Ringkasan cakupan wilayah: peserta aktif, angkatan kerja, rasio, target."""
    try:
        filters = selectors.filters_from(month=month, segment=segment, programme=programme)
        summary = selectors.coverage_summary(
            actor=None, region=region, filters=filters, detail=False
        )
        summary.children = selectors.children(summary.place, filters)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    data = summary.as_dict()

    def human() -> None:
        click.echo(f"{data['region'] or 'ID'} {data['region_name']} · {data['month']}")
        click.echo(f"  Peserta aktif (active): {data['active']:,}")
        lf = data["labour_force"]
        click.echo(f"  Angkatan kerja (labour force): {f'{lf:,}' if lf else '-'}")
        ratio = data["ratio"]
        click.echo(f"  Rasio (ratio): {f'{ratio:.2%}' if ratio is not None else '-'}")
        target = data["target"]
        click.echo(f"  Target: {f'{target:.2%}' if target is not None else '-'}")
        for child in data["children"]:
            click.echo(f"    {child['dotted']:<14} {child['name']:<40} {child['active']:>10,}")

    emit(data, as_json=as_json, human=human)


@main.command("coverage-refresh")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
def coverage_refresh(as_json: bool) -> None:
    """Perbarui fakta cakupan untuk desa yang berubah sejak pembaruan terakhir."""
    result = facts.facts_refresh()
    emit(
        result.as_dict(),
        as_json=as_json,
        human=lambda: click.echo(
            f"{result.villages} desa diperbarui untuk {len(result.months)} bulan"
        ),
    )


@main.command("coverage-rebuild")
@click.option("--months", default=12, show_default=True, help="Jumlah bulan sampai bulan ini.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
def coverage_rebuild(months: int, as_json: bool) -> None:
    """Bangun ulang seluruh fakta cakupan untuk N bulan terakhir."""
    result = facts.facts_rebuild(months=facts.default_months(count=months))
    emit(
        result.as_dict(),
        as_json=as_json,
        human=lambda: click.echo(f"{len(result.months)} bulan dibangun ulang"),
    )
