"""A payer statement as a download (the web and the API answer the same)."""

from __future__ import annotations

from django.http import HttpResponse

from lindungi.contributions.statements import pdf, xlsx
from lindungi.contributions.statements.layout import file_name
from lindungi.contributions.statements.selectors import Statement

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statement_download(found: Statement, kind: str) -> HttpResponse:
    """The statement as an attachment: PDF or XLSX (the web uses the same)."""
    if kind == "pdf":
        body, content_type = pdf.statement_pdf(found), "application/pdf"
    else:
        body, content_type = xlsx.statement_xlsx(found), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(found, kind)}"'
    response["Cache-Control"] = "no-store"
    return response
