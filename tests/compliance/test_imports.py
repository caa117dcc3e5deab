"""Check-data imports: CSV and XLSX, errors by row/column/value, idempotent reloads."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import xlsxwriter

from lindungi.compliance.imports import check_import
from lindungi.compliance.models import BusinessRecord, CheckImport, WlkpReport
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

from .conftest import wlkp_csv

pytestmark = pytest.mark.django_db


def test_wlkp_csv_good_and_bad_rows() -> None:
    content = wlkp_csv(
        [
            ("1234567890123", "", "2026-10", 3, 2, 20_000_000),
            ("12345", "", "2026-10", 1, 0, 1),  # NIB too short
            ("", "", "2026-10", 1, 0, 1),  # no identifier
            ("", "K1", "2026-13", 1, 0, 1),  # bad month
            ("", "K2", "2026-10", "x", 0, 1),  # type: ignore[list-item]
            ("1234567890123", "", "2026-10", 9, 9, 9),  # duplicate
        ]
    )
    job = check_import(kind="wlkp", file_name="w.csv", content=content, actor=None)
    assert (job.rows_read, job.rows_loaded) == (6, 1)
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "nib"),
        (4, "nib"),
        (5, "month"),
        (6, "workers_male"),
        (7, "nib"),
    ]
    assert job.errors[0]["value"] == "12345"
    row = WlkpReport.objects.get()
    assert (row.month, row.ident, row.workers_male, row.workers_female, row.total_wages) == (
        date(2026, 10, 1),
        "1234567890123",
        3,
        2,
        20_000_000,
    )


def test_reimport_replaces_same_key() -> None:
    check_import(
        kind="wlkp",
        file_name="a.csv",
        actor=None,
        content=wlkp_csv([("", "K1", "2026-10", 3, 0, 9_000_000)]),
    )
    check_import(
        kind="wlkp",
        file_name="b.csv",
        actor=None,
        content=wlkp_csv([("", "K1", "2026-10", 4, 0, 12_000_000)]),
    )
    assert list(WlkpReport.objects.values_list("ident", "workers_male")) == [("K1", 4)]


def xlsx(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_business_xlsx_with_indonesian_headers() -> None:
    content = xlsx(
        [
            ["NIB", "Nama", "KBLI", "Kode Desa", "Alamat", "Skala"],
            ["9120001234567", "PT Kayu Jaya", "16101", "64.02.01.2001", "Jl. A", "Menengah"],
            ["9120001234568", "PT Salah", "16101", "64.02", "Jl. B", "raksasa"],
        ]
    )
    job = check_import(kind="business", file_name="oss.xlsx", content=content, actor=None)
    assert (job.rows_read, job.rows_loaded) == (2, 1)
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "village_code"), (3, "scale")]
    rec = BusinessRecord.objects.get()
    assert (rec.nib, rec.village_code, rec.scale) == ("9120001234567", "6402012001", "medium")


def test_missing_column_refused() -> None:
    with pytest.raises(ValidationError, match="total_wages"):
        check_import(
            kind="wlkp",
            file_name="w.csv",
            actor=None,
            content=b"nib,month,workers_male,workers_female\n",
        )


def test_import_denied_changes_nothing(dprd_kaltim: Any) -> None:
    audits = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        check_import(
            kind="wlkp",
            file_name="w.csv",
            actor=dprd_kaltim,
            content=wlkp_csv([("", "K1", "2026-10", 3, 0, 9_000_000)]),
        )
    assert (CheckImport.objects.count(), WlkpReport.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == audits
