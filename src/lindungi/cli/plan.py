"""`lindungi plan`: how many workers a budget protects for N months (or the budget N workers
need), through the contribution calculator so each month's rates and discounts apply."""

from __future__ import annotations

from datetime import date

import click
from django.utils import timezone

from lindungi.cli import emit, main
from lindungi.contributions.rules import Programme, rupiah
from lindungi.core.errors import LindungiError
from lindungi.programs import planner, rules, selectors


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:  # the next contribution month
        return rules.add_months(timezone.localdate().replace(day=1), 1)
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan bulan YYYY-MM (not a month)") from None


def _programmes(value: str) -> frozenset[Programme]:
    names = {n.strip().upper() for n in value.split(",") if n.strip()}
    try:
        chosen = frozenset(Programme(n) for n in names)
    except ValueError:
        raise click.BadParameter(f"'{value}': pilih dari JKK, JKM, JHT") from None
    if not chosen >= planner.BASIC:
        raise click.BadParameter("JKK dan JKM wajib (JKK and JKM are required)")
    return chosen


@main.command("plan")
@click.option("--budget", type=click.IntRange(min=1), help="Anggaran (Rp).")
@click.option("--workers", type=click.IntRange(min=1), help="Atau: jumlah pekerja → anggaran.")
@click.option("--months", type=click.IntRange(1, 60), required=True, help="Lama perlindungan.")
@click.option("--programs", "--programmes", "programmes", default="JKK,JKM", help="JKK,JKM[,JHT].")
@click.option("--income", type=int, default=1_000_000, help="Penghasilan dilaporkan (Rp).")
@click.option("--start", callback=_month, metavar="YYYY-MM", help="Bulan mulai (default: depan).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def plan(
    budget: int | None,
    workers: int | None,
    months: int,
    programmes: str,
    income: int,
    start: date,
    as_json: bool,
) -> None:
    """Rencana anggaran program: pekerja, biaya, sisa (workers, cost, remainder)."""
    if (budget is None) == (workers is None):
        raise click.UsageError("Isi salah satu: --budget atau --workers")
    scenario = planner.Scenario("", start, months, _programmes(programmes), income)
    try:
        result = selectors.plan(scenario, budget=budget, workers=workers)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    emit(result.as_dict(), as_json=as_json, human=lambda: _print(result))


def _print(result: planner.Plan) -> None:
    names = "+".join(sorted(p.value for p in result.programmes))
    click.echo(
        f"{names}, penghasilan Rp{rupiah(result.income)}, {result.months} bulan "
        f"mulai {result.start:%Y-%m}"
    )
    for month in result.monthly:
        mark = " (diskon)" if month.relief else ""
        click.echo(f"  {month.month:%Y-%m}  Rp{rupiah(month.amount)}{mark}")
    click.echo(f"Biaya per pekerja (per worker): Rp{rupiah(result.per_worker)}")
    click.echo(f"Pekerja (workers): {rupiah(result.workers)}")
    click.echo(f"Biaya (cost): Rp{rupiah(result.cost)}")
    click.echo(f"Sisa (remainder): Rp{rupiah(result.remainder)}")
