"""The dashboard's tables as XLSX, and the DPRD hearing report as PDF (cover, summary, tables,
a bar chart drawn with fpdf2's own primitives)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.utils import timezone
from fpdf import FPDF

from lindungi.analytics.selectors import Summary

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    return value


def _sheets(summary: Summary, villages: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    lf = summary.labour_force
    head: list[list[Any]] = [
        ["Wilayah", summary.place.dotted or "-", summary.place.name],
        ["Bulan", summary.filters.month.strftime("%Y-%m")],
        ["Peserta aktif", summary.active],
        ["Angkatan kerja", int(lf.value) if lf else None, lf.source if lf else ""],
        ["Rasio cakupan", summary.ratio],
        ["Target", summary.target.value if summary.target else None],
        *[[p.upper(), n] for p, n in summary.programmes.items()],
    ]
    sheets: dict[str, list[list[Any]]] = {"Ringkasan": head}
    sheets["Wilayah"] = [["Kode", "Nama", "Aktif", "Angkatan kerja", "Rasio"]] + [
        [c["dotted"], c["name"], c["active"], c["labour_force"], c["ratio"]]
        for c in summary.children
    ]
    for key, rows in summary.breakdowns.items():
        sheets[key] = [[key, "Aktif"]] + [[r["label"], r["active"]] for r in rows]
    sheets["Tren"] = [["Bulan", "Aktif", "Rasio"]] + [
        [t["month"].strftime("%Y-%m"), t["active"], t["ratio"]] for t in summary.trend
    ]
    sheets["Desa"] = [
        ["Kode", "Desa", "Pekerja", "Aktif", "Perangkat", "Perangkat aktif", "Desa Sadar"]
    ] + [
        [
            v["dotted"],
            v["name"],
            v["residents"],
            v["residents_active"],
            v["officials"],
            v["officials_active"],
            "ya" if v["all_officials"] else "tidak",
        ]
        for v in villages
    ]
    return sheets


def summary_xlsx(summary: Summary, villages: Sequence[dict[str, Any]]) -> bytes:
    """Every table of the dashboard, one sheet each; text cells neutralised against formulas."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    for name, rows in _sheets(summary, villages).items():
        sheet = book.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, safe(value), bold if r == 0 else None)
        sheet.set_column(0, 6, 18)
    book.close()
    return out.getvalue()


def _latin(text: Any) -> str:
    """fpdf2's core fonts are Latin-1: anything else is replaced, never an error."""
    return str(text).replace("⚠", "(!)").encode("latin-1", "replace").decode("latin-1")


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value * 100:.2f} %".replace(".", ",")


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}".replace(",", ".")


class Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 8, _latin(f"Lindungi - laporan cakupan - halaman {self.page_no()}"), align="C")


def summary_pdf(summary: Summary, villages: Sequence[dict[str, Any]]) -> bytes:
    """The DPRD report: cover, summary, drill-down table, breakdowns, a bar chart."""
    pdf = Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    _cover(pdf, summary)
    _summary_page(pdf, summary)
    _table(
        pdf,
        "Cakupan per wilayah",
        ["Kode", "Wilayah", "Aktif", "Angkatan kerja", "Rasio"],
        [
            [c["dotted"], c["name"], _num(c["active"]), _num(c["labour_force"]), _pct(c["ratio"])]
            for c in summary.children
        ],
        [28, 70, 28, 34, 25],
    )
    _chart(pdf, "Peserta aktif per wilayah", [(c["name"], c["active"]) for c in summary.children])
    for key, title in (("segment", "Segmen"), ("payer_kind", "Pembayar"), ("age_band", "Usia")):
        rows = [[r["label"], _num(r["active"])] for r in summary.breakdowns.get(key, [])]
        _table(pdf, f"Menurut {title.lower()}", [title, "Aktif"], rows, [90, 40])
    _chart(
        pdf,
        "Tren peserta aktif",
        [(t["month"].strftime("%Y-%m"), t["active"]) for t in summary.trend],
    )
    sadar = [v for v in villages if v["all_officials"]]
    _table(
        pdf,
        "Desa Sadar Jaminan Sosial Ketenagakerjaan",
        ["Kode", "Desa", "Perangkat"],
        [[v["dotted"], v["name"], _num(v["officials"])] for v in sadar],
        [40, 90, 30],
    )
    return bytes(pdf.output())


def _cover(pdf: FPDF, summary: Summary) -> None:
    pdf.add_page()
    pdf.set_fill_color(11, 110, 79)
    pdf.rect(0, 0, 210, 60, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(15, 20)
    pdf.cell(0, 12, _latin("Laporan Cakupan Jaminan Sosial Ketenagakerjaan"))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 14)
    pdf.set_xy(15, 80)
    name = f"{summary.place.dotted} {summary.place.name}".strip()
    pdf.multi_cell(
        0,
        9,
        _latin(
            f"Wilayah: {name}\nPeriode: {summary.filters.month:%Y-%m}\n"
            f"Untuk: rapat dengar pendapat DPRD\n"
            f"Dibuat: {timezone.localtime():%Y-%m-%d %H:%M}"
        ),
    )


def _summary_page(pdf: FPDF, summary: Summary) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Ringkasan", new_x="LMARGIN", new_y="NEXT")
    lf = summary.labour_force
    lines = [
        ("Peserta aktif", _num(summary.active)),
        ("Angkatan kerja (Sakernas)", _num(int(lf.value)) if lf else "-"),
        ("Rasio cakupan", _pct(summary.ratio)),
        ("Target", _pct(summary.target.value) if summary.target else "-"),
        ("Kekurangan terhadap target", _num(summary.gap)),
        (
            "Perangkat desa terlindungi",
            f"{_num(summary.villages['officials_active'])} dari "
            f"{_num(summary.villages['officials'])}",
        ),
        ("Pekerja rentan terlindungi", f"{_num(summary.vulnerable_active)}"),
    ]
    pdf.set_font("Helvetica", "", 11)
    for label, value in lines:
        pdf.cell(90, 8, _latin(label), border="B")
        pdf.cell(60, 8, _latin(value), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    if lf:
        pdf.set_font("Helvetica", "I", 8)
        pdf.multi_cell(0, 5, _latin(f"Sumber angkatan kerja: {lf.period}, {lf.source}"))


def _table(
    pdf: FPDF, title: str, head: list[str], rows: list[list[str]], widths: list[int]
) -> None:
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    for text, width in zip(head, widths, strict=True):
        pdf.cell(width, 7, _latin(text), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in rows or [["-"] * len(head)]:
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 6, _latin(text)[:48], border=1)
        pdf.ln()


def _chart(pdf: FPDF, title: str, bars: list[tuple[str, int]]) -> None:
    """Horizontal bars scaled to the largest value, drawn with rect/line/text."""
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    top, left, width = pdf.get_y() + 4, 70.0, 120.0
    largest = max((v for _, v in bars), default=0) or 1
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left, top - 2, left, top + 7 * min(len(bars), 30))
    pdf.set_font("Helvetica", "", 8)
    pdf.set_fill_color(11, 110, 79)
    for n, (label, value) in enumerate(bars[:30]):
        y = top + n * 7
        pdf.set_xy(10, y)
        pdf.cell(left - 12, 5, _latin(label)[:34], align="R")
        pdf.rect(left, y, max(0.5, width * value / largest), 5, style="F")
        pdf.set_xy(left + width * value / largest + 2, y)
        pdf.cell(20, 5, _num(value))
