"""Payer statements from the append-only ledger: figures, scope, PDF and XLSX.

Kutai Kartanegara employer, two PU workers at Rp5,000,000 (risk group I): Rp462,000 each, an
invoice of Rp924,000 for November 2026. Before the period: a fine of Rp5,000 and a migrated
charge of Rp100,000 posted in October. In the period: payments of Rp500,000 and Rp200,000,
the second reversed.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.contributions.models import Invoice, LedgerEntry, LedgerKind
from lindungi.contributions.payments.services import payment_record, payment_reverse
from lindungi.contributions.statements.pdf import latin1, statement_pdf
from lindungi.contributions.statements.selectors import payer_statement
from lindungi.contributions.statements.xlsx import safe_cell, statement_xlsx
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError
from lindungi.registry.models import Employer, Membership, Payer, Worker

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)
OCT = dt.date(2026, 10, 1)
VILLAGE = "6402012001"  # Perian, Kutai Kartanegara


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def october(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def payer() -> Payer:
    firm = Employer.objects.create(
        npp="00000077",
        name="PT Uji Rekening",
        kbli="47111",
        size_class="medium",
        jkk_risk_group=1,
        village_id=VILLAGE,
    )
    payer = Payer.objects.create(kind="employer", employer=firm, label=firm.name)
    for n in (1, 2):
        worker = Worker.objects.create(
            full_name=f"Pekerja Rekening {n}",
            name_search=f"pekerja rekening {n}",
            birth_date=dt.date(1990, 1, 1),
            sex="L",
            village_id=VILLAGE,
        )
        Membership.objects.create(
            worker=worker,
            segment="PU",
            payer=payer,
            declared_wage=5_000_000,
            jht=True,
            jp=True,
            start=dt.date(2026, 1, 1),
        )
    return payer


@pytest.fixture
def ledger(payer: Payer) -> Payer:
    """October entries, then November's bill, two payments and a reversal."""
    LedgerEntry.objects.create(
        payer=payer, kind=LedgerKind.FINE, amount=5_000, at=october(10), note="denda"
    )
    LedgerEntry.objects.create(
        payer=payer, kind=LedgerKind.CHARGE, amount=100_000, at=october(12), note="migrasi"
    )
    billing_run_execute(run_id=billing_run_request(month=NOV, actor=None).pk)
    payer.refresh_from_db()
    today = timezone.localdate()
    va = payer.virtual_account or ""
    payment_record(
        virtual_account=va, amount=500_000, paid_on=today, bank_reference="BNI-1", actor=None
    )
    second = payment_record(
        virtual_account=va, amount=200_000, paid_on=today, bank_reference="BNI-2", actor=None
    )
    payment_reverse(payment_id=second.pk, reason="salah transfer", actor=None)
    return payer


def figures(statement: Any) -> tuple[int, ...]:
    return (
        statement.opening,
        statement.charges,
        statement.payments,
        statement.reversals,
        statement.fines,
        statement.closing,
    )


def test_statement_figures_from_opening_to_closing(ledger: Payer, admin: Any) -> None:
    statement = payer_statement(
        actor=admin, payer_id=ledger.pk, from_month=NOV, to_month=this_month()
    )
    assert figures(statement) == (105_000, 924_000, 700_000, 200_000, 0, 529_000)
    invoice = Invoice.objects.get(payer=ledger)
    assert [(r.kind, r.reference, r.debit, r.credit, r.balance) for r in statement.rows] == [
        ("charge", invoice.number, 924_000, 0, 1_029_000),
        ("payment", "BNI-1", 0, 500_000, 529_000),
        ("payment", "BNI-2", 0, 200_000, 329_000),
        ("reversal", "BNI-2", 200_000, 0, 529_000),
    ]
    assert statement.virtual_account == f"88{ledger.pk:012d}"
    assert statement.payer_label == "PT Uji Rekening"


def test_statement_including_october_has_no_opening(ledger: Payer, admin: Any) -> None:
    statement = payer_statement(
        actor=admin, payer_id=ledger.pk, from_month=OCT, to_month=this_month()
    )
    assert figures(statement) == (0, 1_024_000, 700_000, 200_000, 5_000, 529_000)
    october_only = payer_statement(actor=admin, payer_id=ledger.pk, from_month=OCT, to_month=OCT)
    assert figures(october_only) == (0, 100_000, 0, 0, 5_000, 105_000)
    assert [r.kind for r in october_only.rows] == ["fine", "charge"]


def test_statement_of_a_quiet_period_carries_the_balance(ledger: Payer, admin: Any) -> None:
    later = dt.date(this_month().year + 1, 1, 1)
    statement = payer_statement(actor=admin, payer_id=ledger.pk, from_month=later, to_month=later)
    assert figures(statement) == (529_000, 0, 0, 0, 0, 529_000)
    assert statement.rows == []


def test_statement_scope_and_permissions(
    ledger: Payer,
    branch_officer_kukar: Any,
    branch_officer_kubu_raya: Any,
    labour_inspector_kaltim: Any,
    dprd_kaltim: Any,
) -> None:
    mine = payer_statement(
        actor=branch_officer_kukar, payer_id=ledger.pk, from_month=NOV, to_month=NOV
    )
    assert mine.closing == 529_000
    with pytest.raises(NotFound):
        payer_statement(
            actor=branch_officer_kubu_raya, payer_id=ledger.pk, from_month=NOV, to_month=NOV
        )
    with pytest.raises(NotFound):
        payer_statement(actor=branch_officer_kukar, payer_id=999_999, from_month=NOV, to_month=NOV)
    for denied in (labour_inspector_kaltim, dprd_kaltim):  # no view_payments / no view_billing
        with pytest.raises(PermissionDenied):
            payer_statement(actor=denied, payer_id=ledger.pk, from_month=NOV, to_month=NOV)


def test_statement_period_is_checked(payer: Payer, admin: Any) -> None:
    with pytest.raises(ValidationError) as reversed_period:
        payer_statement(actor=admin, payer_id=payer.pk, from_month=NOV, to_month=OCT)
    assert set(reversed_period.value.errors) == {"to_month"}
    with pytest.raises(ValidationError) as too_long:
        payer_statement(
            actor=admin, payer_id=payer.pk, from_month=dt.date(2020, 1, 1), to_month=NOV
        )
    assert set(too_long.value.errors) == {"to_month"}


def test_pdf_is_a_pdf_with_the_payer_and_closing(ledger: Payer, admin: Any) -> None:
    statement = payer_statement(
        actor=admin, payer_id=ledger.pk, from_month=NOV, to_month=this_month()
    )
    body = statement_pdf(statement)
    assert body.startswith(b"%PDF-")
    assert b"PT Uji Rekening" in body
    assert f"88{ledger.pk:012d}".encode() in body
    assert b"Rp529.000" in body  # closing balance, Indonesian grouping
    assert b"Rp105.000" in body  # opening balance


def test_xlsx_cells_are_exact(ledger: Payer, admin: Any) -> None:
    statement = payer_statement(actor=admin, payer_id=ledger.pk, from_month=NOV, to_month=NOV)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(statement_xlsx(statement)))
    sheet = rows.get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "Rekening koran iuran"
    assert sheet[1][:2] == ["Pembayar", "PT Uji Rekening"]
    assert sheet[2][:2] == ["Virtual account", f"88{ledger.pk:012d}"]
    assert sheet[3][:2] == ["Periode", "November 2026"]
    assert sheet[5] == ["Tanggal", "Jenis", "Referensi", "Debit", "Kredit", "Saldo"]
    assert sheet[6][1:] == ["Saldo awal", "", "", "", 105_000]
    table = [row[1:] for row in sheet[7:11]]
    invoice = Invoice.objects.get(payer=ledger)
    assert table == [
        ["Tagihan", invoice.number, 924_000, 0, 1_029_000],
        ["Pembayaran", "BNI-1", 0, 500_000, 529_000],
        ["Pembayaran", "BNI-2", 0, 200_000, 329_000],
        ["Pembatalan pembayaran", "BNI-2", 200_000, 0, 529_000],
    ]
    assert isinstance(sheet[7][0], dt.datetime)
    totals = [(row[1], row[5]) for row in sheet[12:18]]
    assert totals == [
        ("Saldo awal", 105_000),
        ("Tagihan", 924_000),
        ("Pembayaran", 700_000),
        ("Pembatalan pembayaran", 200_000),
        ("Denda", 0),
        ("Saldo akhir", 529_000),
    ]


def test_xlsx_neutralises_formulas(ledger: Payer, admin: Any) -> None:
    Payer.objects.filter(pk=ledger.pk).update(label='=HYPERLINK("http://x","klik")')
    statement = payer_statement(actor=admin, payer_id=ledger.pk, from_month=NOV, to_month=NOV)
    book = CalamineWorkbook.from_filelike(io.BytesIO(statement_xlsx(statement)))
    assert book.get_sheet_by_index(0).to_python()[1][1] == '\'=HYPERLINK("http://x","klik")'


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("PT Maju", "PT Maju"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_safe_cell(value: str, safe: str) -> None:
    assert safe_cell(value) == safe


def test_latin1_folds_what_the_builtin_font_lacks() -> None:
    assert latin1("Koperasi Śrī — Tbk") == "Koperasi Sri - Tbk"
    assert latin1("José") == "José"
