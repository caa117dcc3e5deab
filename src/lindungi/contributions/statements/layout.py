"""What both export formats print: the statement's heading, table and totals as plain text."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lindungi.contributions.statements.selectors import Statement, kind_label


def rupiah(amount: int) -> str:
    """Rp1.780.000 (the active language's grouping); a credit balance keeps its minus sign."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{formats.number_format(abs(amount), 0, force_grouping=True)}"


def local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at) if timezone.is_aware(at) else at


def period_text(statement: Statement) -> str:
    first = formats.date_format(statement.from_month, "F Y")
    last = formats.date_format(statement.to_month, "F Y")
    return first if first == last else f"{first} s.d. {last}"


def heading(statement: Statement) -> list[tuple[str, str]]:
    return [
        (_("Pembayar"), statement.payer_label),
        (_("Virtual account"), statement.virtual_account or "-"),
        (_("Periode"), period_text(statement)),
    ]


def columns() -> list[str]:
    return [_("Tanggal"), _("Jenis"), _("Referensi"), _("Debit"), _("Kredit"), _("Saldo")]


def totals(statement: Statement) -> list[tuple[str, int]]:
    return [
        (_("Saldo awal"), statement.opening),
        (_("Tagihan"), statement.charges),
        (_("Pembayaran"), statement.payments),
        (_("Pembatalan pembayaran"), statement.reversals),
        (_("Denda"), statement.fines),
        (_("Saldo akhir"), statement.closing),
    ]


def row_kind(kind: str) -> str:
    return kind_label(kind)


def file_name(statement: Statement, extension: str) -> str:
    period = f"{statement.from_month:%Y%m}-{statement.to_month:%Y%m}"
    return f"rekening-koran-{statement.payer_id}-{period}.{extension}"
