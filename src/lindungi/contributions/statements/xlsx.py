"""The statement as an XLSX workbook (xlsxwriter), safe to open in a spreadsheet.

`safe_cell` neutralises text a spreadsheet would run as a formula (CSV/formula injection):
anything starting with = + - @, a tab or a carriage return gets a leading apostrophe. Every
text cell goes through it and is written with `write_string`, never `write`, which would turn
"=…" into a formula. The ingest team's error reports can reuse `safe_cell` as it is.
"""

from __future__ import annotations

import io

import xlsxwriter  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from lindungi.contributions.statements import layout
from lindungi.contributions.statements.selectors import Statement

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a formula-like start gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def statement_xlsx(statement: Statement) -> bytes:
    """One sheet: heading, opening balance, one row per ledger entry, totals."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Rekening koran")[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write_string(0, 0, safe_cell(_("Rekening koran iuran")), bold)
    for row, (label, value) in enumerate(layout.heading(statement), start=1):
        sheet.write_string(row, 0, safe_cell(label))
        sheet.write_string(row, 1, safe_cell(value))
    top = len(layout.heading(statement)) + 2
    for col, title in enumerate(layout.columns()):
        sheet.write_string(top, col, safe_cell(title), bold)
    sheet.write_string(top + 1, 1, safe_cell(_("Saldo awal")))
    sheet.write_number(top + 1, 5, statement.opening, money)
    for row, item in enumerate(statement.rows, start=top + 2):
        sheet.write_datetime(row, 0, layout.local(item.at).replace(tzinfo=None), when)
        sheet.write_string(row, 1, safe_cell(layout.row_kind(item.kind)))
        sheet.write_string(row, 2, safe_cell(item.reference))
        sheet.write_number(row, 3, item.debit, money)
        sheet.write_number(row, 4, item.credit, money)
        sheet.write_number(row, 5, item.balance, money)
    _write_totals(sheet, statement, top + len(statement.rows) + 3, bold, money)
    sheet.set_column(0, 0, 17)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 5, 16)
    book.close()
    return buffer.getvalue()


def _write_totals(
    sheet: object, statement: Statement, first: int, bold: object, money: object
) -> None:
    for row, (label, amount) in enumerate(layout.totals(statement), start=first):
        sheet.write_string(row, 1, safe_cell(label), bold)  # type: ignore[attr-defined]
        sheet.write_number(row, 5, amount, money)  # type: ignore[attr-defined]
