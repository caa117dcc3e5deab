"""A payer statement as a download (the web and the API answer the same); every one audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Coalesce
from django.http import HttpResponse

from lindungi.contributions.statements import pdf, xlsx
from lindungi.contributions.statements.layout import file_name
from lindungi.contributions.statements.selectors import Statement
from lindungi.core import audit
from lindungi.core.access import Actor
from lindungi.registry.models import Payer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@transaction.atomic
def statement_download(found: Statement, kind: str, *, actor: Actor) -> HttpResponse:
    """The statement as an attachment: PDF or XLSX; the download (who, which payer, format,
    period) is audited in the same transaction."""
    if kind == "pdf":
        body, content_type = pdf.statement_pdf(found), "application/pdf"
    else:
        body, content_type = xlsx.statement_xlsx(found), XLSX_TYPE
    audit.record(
        actor=actor,
        action="statement.download",
        object_type="registry.payer",
        object_id=str(found.payer_id),
        region_code=_region_of(found.payer_id),
        after={
            "payer": found.payer_id,
            "format": kind,
            "from_month": found.from_month.isoformat(),
            "to_month": found.to_month.isoformat(),
        },
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(found, kind)}"'
    response["Cache-Control"] = "no-store"
    return response


def _region_of(payer_id: int) -> str:
    """The payer's village (its employer's or its worker's), so regional auditors see the event;
    '' for a programme's payer, which has none."""
    village = (
        Payer.objects.filter(pk=payer_id)
        .values_list(Coalesce("employer__village_id", "worker__village_id"), flat=True)
        .first()
    )
    return village or ""
