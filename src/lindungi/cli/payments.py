"""`lindungi payments import FILE` and `lindungi payments record`: the bank's money, once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from lindungi.cli import emit, main
from lindungi.contributions.payments.importing import import_counts
from lindungi.contributions.payments.selectors import payer_balance
from lindungi.contributions.payments.services import payment_import, payment_record
from lindungi.core.errors import LindungiError

SHOWN_PROBLEMS = 20
LABELS = {
    "rows_read": "Baris dibaca (rows read)",
    "created": "Pembayaran baru (created)",
    "duplicates": "Sudah tercatat (duplicates)",
    "matched": "Dikenali (matched)",
    "unmatched": "Belum dikenali, antre (unmatched)",
    "invalid": "Baris salah (invalid)",
    "allocations": "Alokasi ke tagihan (allocations)",
}


@main.group(name="payments")
def payments_group() -> None:
    """Pembayaran iuran: impor mutasi bank, catat satu pembayaran (payments)."""


@payments_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def import_file(file: Path, as_json: bool) -> None:
    """Impor berkas mutasi bank CSV/XLSX; aman diulang (idempotent by bank reference)."""
    try:
        imp = payment_import(file_path=file, actor=None)
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    data: dict[str, Any] = {"import_id": imp.pk, **import_counts(imp), "problems": imp.problems}

    def human() -> None:
        click.echo(f"Impor #{imp.pk}: {imp.file_name}")
        for key, label in LABELS.items():
            click.echo(f"  {label}: {data[key]:,}".replace(",", "."))
        click.echo(f"  Waktu (seconds): {imp.seconds:.2f}")
        for problem in imp.problems[:SHOWN_PROBLEMS]:
            click.echo(
                f"  baris {problem['row']}, kolom {problem['column']!r},"
                f" nilai {problem['value']!r}: {problem['message']}"
            )
        if imp.invalid > SHOWN_PROBLEMS:
            click.echo("  … (lihat --json untuk semua masalah; see --json for all problems)")

    emit(data, as_json=as_json, human=human)


def _day(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan tanggal YYYY-MM-DD (not a date)") from None


@payments_group.command(name="record")
@click.option("--va", required=True, help="Nomor virtual account pembayar.")
@click.option("--amount", required=True, type=int, help="Jumlah (Rp, bulat).")
@click.option("--date", "paid_on", required=True, callback=_day, metavar="YYYY-MM-DD")
@click.option("--ref", required=True, help="Referensi bank (unik).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def record(va: str, amount: int, paid_on: date, ref: str, as_json: bool) -> None:
    """Catat satu pembayaran; referensi yang sama tidak dicatat dua kali (idempotent)."""
    try:
        payment = payment_record(
            virtual_account=va, amount=amount, paid_on=paid_on, bank_reference=ref, actor=None
        )
    except LindungiError as exc:
        raise click.ClickException(exc.message) from None
    balance = payer_balance(payer_id=payment.payer_id) if payment.payer_id else None
    data = {
        "payment_id": payment.pk,
        "status": payment.status,
        "payer_id": payment.payer_id,
        "amount": payment.amount,
        "paid_on": payment.paid_on.isoformat(),
        "bank_reference": payment.bank_reference,
        "payer_balance": balance,
    }

    def human() -> None:
        click.echo(
            f"Pembayaran #{payment.pk} {payment.bank_reference} Rp{payment.amount:,}: "
            f"{payment.get_status_display()} ({payment.status})".replace(",", ".")
        )
        if balance is not None:
            click.echo(f"Saldo pembayar (payer balance): Rp{balance:,}".replace(",", "."))

    emit(data, as_json=as_json, human=human)
