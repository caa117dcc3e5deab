"""`lindungi fines charge`: settled late fines onto the payers' ledgers."""

from __future__ import annotations

from datetime import datetime

import click
from django.utils import timezone

from lindungi.cli import emit, main
from lindungi.contributions.fine_charges import fines_charge
from lindungi.core.errors import LindungiError


@main.group(name="fines")
def fines_group() -> None:
    """Denda keterlambatan iuran (late-payment fines)."""


@fines_group.command(name="charge")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Sampai tanggal (YYYY-MM-DD; default hari ini).",
)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def charge(as_of: datetime | None, as_json: bool) -> None:
    """Bebankan denda atas iuran yang dibayar terlambat; aman diulang (idempotent)."""
    day = as_of.date() if as_of else timezone.localdate()
    try:
        result = fines_charge(as_of=day, actor=None)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    data = {"as_of": day.isoformat(), "payers": result.payers, "amount": result.amount}

    def human() -> None:
        click.echo(
            f"Denda s.d. {day.isoformat()}: {result.payers:,} pemberi iuran".replace(",", ".")
        )
        click.echo(f"  Jumlah dibebankan (charged): Rp{result.amount:,}".replace(",", "."))

    emit(data, as_json=as_json, human=human)
