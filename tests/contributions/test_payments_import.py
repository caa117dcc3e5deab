"""payment_import and `lindungi payments`: formats, idempotency, problems by row and column,
all-or-nothing, the result report."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from click.testing import CliRunner
from django.db.models import Sum

import lindungi.cli.payments  # noqa: F401  (attaches `payments` to the CLI until commands.py does)
from lindungi.cli import main
from lindungi.contributions.models.payments import (
    Allocation,
    LedgerEntry,
    Payment,
    PaymentImport,
)
from lindungi.contributions.payments import allocation, selectors
from lindungi.contributions.payments.importing import import_counts
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.contributions.payments.services import payment_import
from lindungi.core import access
from lindungi.core.access import Role
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
RECORD, VIEW = "contributions.record_payment", "contributions.view_payments"


@pytest.fixture(autouse=True)
def _payment_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    grants: dict[str, set[str]] = {Role.ADMIN: {RECORD, VIEW}, Role.BRANCH_OFFICER: {RECORD, VIEW}}
    granted = {r: p | grants.get(r, set()) for r, p in access.ROLE_PERMISSIONS.items()}
    monkeypatch.setattr(access, "ROLE_PERMISSIONS", granted)


@pytest.fixture
def billed() -> Billed:
    return billed_payers(count=2, months=[SEP, OCT, NOV])


def _statement(billed: Billed) -> str:
    va0, va1 = (virtual_account(p) for p in billed.payer_ids)
    return "\n".join(
        [
            "No VA;Jumlah;Tanggal;Referensi",
            f"{va0};16.800;05/11/2026;BNI-1",
            f"{va1};Rp 33.600,00;2026-11-06;BNI-2",
            "8800 0000 0999 99;16800;06-11-2026;BNI-3",
            f"{va0};abc;05/11/2026;BNI-4",
            f"{va0};16800;31/11/2026;BNI-5",
            f"{va0};16800;05/11/2026;",
            "",
            f"{va0};16.800;05/11/2026;BNI-1",
        ]
    )


PROBLEMS = [
    {"row": 5, "column": "Jumlah", "value": "abc", "message": "Jumlah bukan angka (not a number)"},
    {
        "row": 6,
        "column": "Tanggal",
        "value": "31/11/2026",
        "message": "Tanggal tidak ada (no such day)",
    },
    {"row": 7, "column": "Referensi", "value": "", "message": "Referensi kosong (missing)"},
]
COUNTS = {
    "rows_read": 7,
    "created": 3,
    "duplicates": 1,
    "matched": 2,
    "unmatched": 1,
    "invalid": 3,
    "allocations": 6,
}


def _counts(imp: PaymentImport) -> dict[str, Any]:
    return {k: v for k, v in import_counts(imp).items() if k != "seconds"}


def test_import_records_matches_allocates_and_reports(
    billed: Billed, branch_officer_kukar: Any
) -> None:
    data = ("\ufeff" + _statement(billed)).encode("utf-8")
    imp = payment_import(data=data, file_name="mutasi-bni.csv", actor=branch_officer_kukar)
    assert _counts(imp) == COUNTS
    assert imp.problems == PROBLEMS
    assert (imp.region_code, imp.imported_by_id) == ("6402", branch_officer_kukar.pk)
    p0, p1 = billed.payer_ids
    assert [selectors.payer_balance(payer_id=p) for p in (p0, p1)] == [33_600, 16_800]
    queued = Payment.objects.get(bank_reference="BNI-3")
    assert (queued.status, queued.virtual_account, queued.region_code) == (
        "unmatched",
        "88000000099999",
        "6402",
    )
    assert Payment.objects.filter(source_import=imp).aggregate(s=Sum("amount"))["s"] == 67_200
    assert LedgerEntry.objects.filter(kind="payment").aggregate(s=Sum("amount"))["s"] == -50_400
    event = AuditEvent.objects.get(action="payment.import")
    assert event.after is not None
    assert {k: event.after[k] for k in COUNTS} == COUNTS
    assert event.after["amount_allocated"] == 50_400


def test_reimport_and_overlap_create_nothing_twice(billed: Billed, admin: Any) -> None:
    data = _statement(billed).encode()
    payment_import(data=data, file_name="a.csv", actor=admin)
    again = payment_import(data=data, file_name="a.csv", actor=admin)
    assert _counts(again) == {
        **COUNTS,
        "created": 0,
        "duplicates": 4,
        "matched": 0,
        "unmatched": 0,
        "allocations": 0,
    }
    va1 = virtual_account(billed.payer_ids[1])
    overlap = (
        "virtual_account,amount,date,reference\n"
        f"{va1},16800,2026-11-07,BNI-2\n{va1},16800,2026-11-07,BNI-9\n"
    )
    third = payment_import(data=overlap.encode(), file_name="b.csv", actor=admin)
    assert (third.payments_created, third.duplicates, third.matched) == (1, 1, 1)
    assert Payment.objects.count() == 4
    assert LedgerEntry.objects.filter(kind="payment").count() == 3
    assert selectors.payer_balance(payer_id=billed.payer_ids[1]) == 0
    per_line = Allocation.objects.values("line_id").annotate(s=Sum("amount"))
    assert max(r["s"] for r in per_line) <= 10_000


def test_windows_1252_comma_file_with_a_title_line(billed: Billed, admin: Any) -> None:
    va0 = virtual_account(billed.payer_ids[0])
    text = (
        "Mutasi Rekening Giro \u2013 BPJS Ketenagakerjaan Cabang Tenggarong\n"
        "Tgl Transaksi,Keterangan,No. Virtual Account,Nominal,No Ref\n"
        f'06/11/2026,Setoran é,{va0},"16,800",TRX-1\n'
    )
    imp = payment_import(data=text.encode("cp1252"), file_name="giro.csv", actor=admin)
    assert (imp.rows_read, imp.payments_created, imp.matched, imp.invalid) == (1, 1, 1, 0)
    assert Payment.objects.get().bank_reference == "TRX-1"


def _xlsx(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Mutasi")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, day)
            else:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_xlsx_with_date_cells_and_numeric_accounts(billed: Billed, admin: Any) -> None:
    p0, p1 = billed.payer_ids
    data = _xlsx(
        [
            ["Nomor VA", "Jumlah Bayar", "Tanggal Bayar", "Referensi"],
            [int(virtual_account(p0)), 16_800, datetime(2026, 11, 5), "X-1"],  # noqa: DTZ001
            [virtual_account(p1), 16_800.5, datetime(2026, 11, 5), "X-2"],  # noqa: DTZ001
            [virtual_account(p1), 16_800, "5 Nopember 2026", 12345],
        ]
    )
    imp = payment_import(data=data, file_name="mutasi.xlsx", actor=admin)
    assert _counts(imp) == {
        "rows_read": 3,
        "created": 2,
        "duplicates": 0,
        "matched": 2,
        "unmatched": 0,
        "invalid": 1,
        "allocations": 4,
    }
    assert imp.problems == [
        {
            "row": 3,
            "column": "Jumlah Bayar",
            "value": "16800.5",
            "message": "Jumlah harus rupiah bulat (whole rupiah)",
        }
    ]
    assert sorted(Payment.objects.values_list("bank_reference", "paid_on")) == [
        ("12345", date(2026, 11, 5)),
        ("X-1", date(2026, 11, 5)),
    ]


def test_a_file_without_the_columns_is_refused_whole(admin: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        payment_import(data=b"nama,jumlah\nBudi,16800\n", file_name="x.csv", actor=admin)
    assert exc.value.errors == {
        "file": ["Kolom tidak ditemukan (columns not found): virtual_account, paid_on, reference"]
    }
    assert PaymentImport.objects.count() == 0


def test_a_crash_midway_leaves_nothing(
    billed: Billed, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(allocation, "allocate", crash)
    with pytest.raises(RuntimeError):
        payment_import(data=_statement(billed).encode(), file_name="a.csv", actor=admin)
    assert (Payment.objects.count(), PaymentImport.objects.count()) == (0, 0)
    assert LedgerEntry.objects.filter(kind="payment").count() == 0
    assert AuditEvent.objects.filter(action="payment.import").count() == 0


def test_denied_import_changes_nothing(billed: Billed, dprd_kaltim: Any) -> None:
    with pytest.raises(PermissionDenied):
        payment_import(data=_statement(billed).encode(), file_name="a.csv", actor=dprd_kaltim)
    assert (Payment.objects.count(), PaymentImport.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="payment.import").count() == 0


def test_cli_import_and_record(billed: Billed, tmp_path: Path) -> None:
    path = tmp_path / "mutasi.csv"
    path.write_text(_statement(billed), encoding="utf-8")
    result = CliRunner().invoke(main, ["payments", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {k: out[k] for k in COUNTS} == COUNTS
    assert out["problems"] == PROBLEMS
    human = CliRunner().invoke(main, ["payments", "import", str(path)])
    assert "Sudah tercatat (duplicates): 4" in human.output
    assert "baris 5, kolom 'Jumlah', nilai 'abc'" in human.output
    va1 = virtual_account(billed.payer_ids[1])
    args = ["payments", "record", "--va", va1, "--amount", "16800", "--date", "2026-11-08"]
    recorded = CliRunner().invoke(main, [*args, "--ref", "TELLER-1", "--json"])
    assert recorded.exit_code == 0, recorded.output
    assert json.loads(recorded.output)["payer_balance"] == 0
    bad = CliRunner().invoke(main, [*args[:-1], "2026-13-01", "--ref", "T-2"])
    assert bad.exit_code == 2
    zero = CliRunner().invoke(
        main,
        [
            "payments",
            "record",
            "--va",
            va1,
            "--amount",
            "0",
            "--date",
            "2026-11-08",
            "--ref",
            "T-3",
        ],
    )
    assert zero.exit_code == 1
    assert "amount" in zero.output
