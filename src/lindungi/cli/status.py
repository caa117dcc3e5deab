"""`lindungi status NIK`: is this worker protected on a date, why, and paid through when?"""

from __future__ import annotations

from datetime import date

import click
from django.utils import timezone

from lindungi.cli import emit, main
from lindungi.contributions.coverage.selectors import PROGRAMMES, coverage_for_nik
from lindungi.core import pii
from lindungi.core.errors import LindungiError, NotFound

LABELS = {
    "covered": "TERLINDUNGI (covered)",
    "in_grace": "MASA TENGGANG (in grace)",
    "lapsed": "NONAKTIF (lapsed)",
    "not_a_member": "BUKAN PESERTA (not a member)",
}


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan tanggal YYYY-MM-DD (not a date)") from None


@main.command("status")
@click.argument("nik", metavar="NIK")
@click.option(
    "--on", "on", callback=_day, metavar="YYYY-MM-DD", help="Tanggal (default: hari ini)."
)
@click.option(
    "--programme",
    "--program",
    "programme",
    default="JKK",
    show_default=True,
    type=click.Choice(PROGRAMMES, case_sensitive=False),
    help="Program jaminan.",
)
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def status(nik: str, on: date, programme: str, as_json: bool) -> None:
    """Status perlindungan pekerja pada suatu tanggal: terlindungi, masa tenggang, nonaktif."""
    try:
        found = coverage_for_nik(nik=nik, on=on, programme=programme, actor=None)
    except NotFound:
        raise click.ClickException(
            "Pekerja dengan NIK itu tidak ditemukan (no such worker)"
        ) from None
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    data = {"nik": pii.mask_nik(nik.strip()), **found.as_dict()}

    def human() -> None:
        click.echo(f"NIK {data['nik']} · {data['programme']} · {data['on']}")
        click.echo(f"  Status: {LABELS[data['status']]}")
        click.echo(f"  Alasan (reason): {data['reason']}")
        click.echo(f"  Lunas s.d. (paid through): {data['paid_through'] or '-'}")
        if data["segment"]:
            click.echo(f"  Kepesertaan: {data['segment']}, pembayar {data['payer_kind']}")

    emit(data, as_json=as_json, human=human)
