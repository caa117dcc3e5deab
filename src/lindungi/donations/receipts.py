"""Receipts: one per donation, numbered per pool and year without gaps, stored as issued.

The sequence row is locked (SELECT … FOR UPDATE) while a receipt takes the next number, in the
transaction that records the donation, so a rolled-back donation gives its number back and two
concurrent donations never share or skip one (as compliance letters do). The PDF is rendered
once, in Indonesian, and stored: every download returns the same bytes.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lindungi.donations import rules
from lindungi.donations.models import Channel, Donation, Donor, Pool, Receipt, ReceiptSequence


def next_seq(pool_id: int, year: int) -> int:
    """Take the next number of the pool's year; the row lock serialises concurrent takers."""
    try:
        seq = ReceiptSequence.objects.select_for_update().get(pool_id=pool_id, year=year)
    except ReceiptSequence.DoesNotExist:
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(pool_id=pool_id, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; the locked read below waits for it
        seq = ReceiptSequence.objects.select_for_update().get(pool_id=pool_id, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def receipt_issue(*, donation: Donation, pool: Pool, donor: Donor) -> Receipt:
    """Number, render and store the receipt of a donation; call inside its transaction."""
    year = donation.received_on.year
    seq = next_seq(pool.pk, year)
    number = rules.receipt_number(pool_id=pool.pk, year=year, seq=seq)
    issued = timezone.now()
    pdf = receipt_pdf(donation=donation, pool=pool, donor=donor, number=number, issued=issued)
    return Receipt.objects.create(
        donation=donation, pool=pool, year=year, seq=seq, number=number, pdf=pdf, issued_at=issued
    )


def latin1(text: str) -> str:
    """Text the built-in PDF fonts can draw: accents kept where Latin-1 has them."""
    folded = "".join(ch if ord(ch) < 256 else unicodedata.normalize("NFKD", ch)[:1] for ch in text)
    return folded.replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")


def rupiah(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def new_pdf(title: str, created: datetime) -> FPDF:
    """A4 portrait in a core font, dated `created` (equal content gives equal bytes)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.compress = False  # a page or two; its text stays searchable in the raw file
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(latin1(title))
    pdf.set_creator("Lindungi")
    pdf.set_creation_date(created)
    pdf.add_page()
    return pdf


def line(pdf: FPDF, text: str, *, size: float = 10.5, style: str = "", height: float = 6.5) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def receipt_pdf(
    *, donation: Donation, pool: Pool, donor: Donor, number: str, issued: datetime
) -> bytes:
    """The receipt: number, donor, amount in figures and words, date, channel, reference."""
    with translation.override("id"):
        pdf = new_pdf("Tanda terima donasi", issued)
        line(pdf, "TANDA TERIMA DONASI GN LINGKARAN", size=14, style="B", height=9)
        line(pdf, f"Nomor: {number}", style="B")
        pdf.ln(3)
        rows = [
            ("Telah diterima dari", donor.label),
            ("Sejumlah", rupiah(donation.amount)),
            ("Terbilang", rules.terbilang(donation.amount).capitalize()),
            ("Tanggal diterima", formats.date_format(donation.received_on, "j F Y")),
            ("Saluran", str(Channel(donation.channel).label)),
            ("Referensi", donation.reference),
            ("Untuk", f"Pool donasi {pool.name}"),
        ]
        for label, value in rows:
            pdf.set_font("Helvetica", "", 10.5)
            pdf.cell(45, 7, latin1(label))
            pdf.multi_cell(0, 7, latin1(f": {value}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        line(
            pdf,
            "Donasi ini dihimpun dalam pool GN Lingkaran dan dibayarkan sebagai iuran JKK dan "
            "JKM BPJS Ketenagakerjaan bagi pekerja rentan penerima program "
            f"{pool.programme.name}.",
            size=9.5,
        )
        when = formats.date_format(timezone.localtime(issued), "j F Y")
        line(pdf, f"Diterbitkan {when} oleh Lindungi.", size=9)
        return bytes(pdf.output())
