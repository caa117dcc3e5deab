"""The problems of a job (or a preview) as an XLSX the office can fix its file from.

Every text cell goes through `rules.neutralise`: a value from the uploaded file that starts
like a formula (=HYPERLINK(...), +, -, @) is written as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from lindungi.ingest import parts, rules
from lindungi.ingest.models import ImportJob, ImportRow

HEADERS = ("Baris (row)", "Kolom (column)", "Nilai (value)", "Tingkat (level)", "Masalah (problem)")


def problems_xlsx(problems: Iterable[Mapping[str, Any]]) -> bytes:
    """One line per problem: sheet line, column, value as given, level and message."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("Masalah")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, HEADERS, bold)
    at = 1
    for p in problems:
        cells = [p["line"], p.get("column", ""), p.get("value", ""), p.get("level", "")]
        cells.append(p.get("message", ""))
        for col, value in enumerate(cells):
            if isinstance(value, int):
                sheet.write_number(at, col, value)
            else:
                sheet.write_string(at, col, str(rules.neutralise(value if value else "")))
        at += 1
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 3, 22)
    sheet.set_column(4, 4, 90)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def job_problems_xlsx(job: ImportJob) -> bytes:
    """Every problem of a job's rows, in sheet order, whether merged yet or still pending."""
    rows = ImportRow.objects.filter(job=job).exclude(errors=[]).order_by("line")
    written = rows.only("line", "errors").iterator(chunk_size=2000)
    return problems_xlsx(row_problems(parts.by_line(written, parts.with_problems(job.pk))))


def row_problems(rows: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """Flatten rows (ImportRows or pending rows: line, errors) into problem lines."""
    for row in rows:
        for problem in row.errors:
            yield {"line": row.line, **problem}
