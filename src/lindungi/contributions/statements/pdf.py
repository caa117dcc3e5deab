"""The statement as a PDF (fpdf2, built-in Helvetica: no font file, nothing fetched).

The built-in fonts cover Latin-1 only; other characters are folded to their closest Latin-1
form (or "?"), which keeps Indonesian names legible. Streams are left uncompressed: a
statement is a few pages, and its text stays searchable in the raw file.
"""

from __future__ import annotations

import unicodedata

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lindungi.contributions.statements import layout
from lindungi.contributions.statements.selectors import Statement

WIDTHS = (34, 34, 52, 24, 24, 24)  # mm: A4 width less two 9 mm margins
ALIGN = ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")


def latin1(text: str) -> str:
    """Text the built-in fonts can draw: accents kept where Latin-1 has them."""
    folded = "".join(ch if ord(ch) < 256 else unicodedata.normalize("NFKD", ch)[:1] for ch in text)
    return folded.replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")


def statement_pdf(statement: Statement) -> bytes:
    """A4 portrait: title, payer, virtual account, period, the ledger table, the totals."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.compress = False
    pdf.set_margins(9, 12, 9)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(latin1(_("Rekening koran iuran")))
    pdf.set_creator("Lindungi")
    pdf.add_page()
    _heading(pdf, statement)
    _table(pdf, statement)
    _totals(pdf, statement)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, size: float = 10, style: str = "", height: float = 6) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, statement: Statement) -> None:
    _line(pdf, _("Rekening koran iuran"), size=15, style="B", height=9)
    for label, value in layout.heading(statement):
        _line(pdf, f"{label}: {value}")
    printed = formats.date_format(timezone.localtime(), "j F Y, H.i")
    _line(pdf, _("Dicetak %(when)s") % {"when": printed}, size=8)
    pdf.ln(3)


def _table(pdf: FPDF, statement: Statement) -> None:
    pdf.set_font("Helvetica", "", 8.5)
    with pdf.table(
        col_widths=WIDTHS, text_align=ALIGN, line_height=5, first_row_as_headings=True
    ) as table:
        table.row([latin1(c) for c in layout.columns()])
        table.row(
            ["", latin1(_("Saldo awal")), "", "", "", latin1(layout.rupiah(statement.opening))]
        )
        for item in statement.rows:
            when = formats.date_format(layout.local(item.at), "j M Y H.i")
            table.row(
                [
                    latin1(when),
                    latin1(layout.row_kind(item.kind)),
                    latin1(item.reference),
                    latin1(layout.rupiah(item.debit)) if item.debit else "",
                    latin1(layout.rupiah(item.credit)) if item.credit else "",
                    latin1(layout.rupiah(item.balance)),
                ]
            )
    pdf.ln(4)


def _totals(pdf: FPDF, statement: Statement) -> None:
    for label, amount in layout.totals(statement):
        pdf.set_font("Helvetica", "B" if label == _("Saldo akhir") else "", 10)
        pdf.cell(60, 6, latin1(label))
        pdf.cell(
            40, 6, latin1(layout.rupiah(amount)), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
