"""Collective-registration workbook of an enrolment batch, for the BPJS branch.

⚠ The NIK column is left empty: plaintext NIK leaves the system only through the registry's
audited reveal service, which reveals one worker at a time (a bulk reveal is not there yet).
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from django.db import transaction

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound
from lindungi.programs import selectors
from lindungi.programs.models import Beneficiary, EnrolmentBatch

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "No",
    "NIK",
    "Nama lengkap",
    "Tanggal lahir",
    "Jenis kelamin",
    "Kode desa/kelurahan",
    "Pekerjaan",
    "Penghasilan (Rp)",
    "Program",
    "Mulai",
    "Berakhir",
    "KPJ",
    "ID peserta Lindungi",
)


def safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def batch_xlsx(*, programme_id: int, batch_id: int, actor: Actor) -> bytes:
    """The batch's beneficiaries in the collective-registration layout; the export is audited."""
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.ENROL_BENEFICIARIES
    )
    batch = EnrolmentBatch.objects.filter(programme=programme, pk=batch_id).first()
    if batch is None:
        raise NotFound("batch")
    rows = (
        Beneficiary.objects.filter(batch_id=batch.pk)
        .select_related("worker__occupation", "membership")
        .order_by("id")
    )
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Pendaftaran kolektif")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, COLUMNS, bold)
    for n, b in enumerate(rows.iterator(chunk_size=2000), start=1):
        worker, membership = b.worker, b.membership
        sheet.write_row(
            n,
            0,
            [
                n,
                "",
                safe(worker.full_name),
                worker.birth_date.isoformat(),
                worker.sex,
                worker.village_id,
                safe(worker.occupation.name) if worker.occupation else "",
                membership.declared_wage,
                "+".join(membership.programmes),
                b.start.isoformat(),
                b.end.isoformat(),
                membership.kpj or "",
                worker.pk,
            ],
        )
    book.close()
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="programme.export_batch",
            obj=programme,
            region_code=programme.region_id,
            after={"batch": batch.pk, "rows": batch.workers},
        )
    return out.getvalue()
