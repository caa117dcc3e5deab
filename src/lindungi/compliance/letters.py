"""Letters of a case: warnings I and II and the TMP2T request, numbered and rendered to PDF.

Numbers run per office (the case's regency code) and year without gaps: the sequence row is
locked (SELECT ... FOR UPDATE) while a letter takes the next number, in the transaction of the
case move that issues it, so a rolled-back move gives its number back.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from fpdf import FPDF

from lindungi.accounts.models import User
from lindungi.compliance import rules
from lindungi.compliance.models import Case, Letter, LetterKind, LetterSequence
from lindungi.core import audit
from lindungi.core.access import Actor

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(day: date | None) -> str:
    """25 November 2026."""
    return "" if day is None else f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def next_number(office_code: str, year: int) -> int:
    """Take the next number of the office's year; the row lock serialises concurrent takers."""
    try:
        seq = LetterSequence.objects.select_for_update().get(office_code=office_code, year=year)
    except LetterSequence.DoesNotExist:
        try:
            with transaction.atomic():
                LetterSequence.objects.create(office_code=office_code, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; the locked read below waits for it
        seq = LetterSequence.objects.select_for_update().get(office_code=office_code, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def render_pdf(kind: str, context: dict[str, object]) -> bytes:
    """The letter's text from its template, laid out on A4 in a core font."""
    text = render_to_string(f"compliance/letters/{kind}.txt", context)
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in text.splitlines():
        safe = line.encode("latin-1", "replace").decode("latin-1")
        if line.startswith("# "):
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 7, safe[2:], align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
        else:
            pdf.multi_cell(0, 6, safe or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def letter_issue(*, case: Case, kind: str, on: date, actor: Actor | None) -> Letter:
    """Number, render and store a letter of the case; call inside the move's transaction."""
    office = case.office_code or "00"
    seq = next_number(office, on.year)
    number = rules.letter_number(seq=seq, kind=kind, office_code=office, year=on.year)
    context = {
        "case": case,
        "number": number,
        "date": tanggal(on),
        "due": tanggal(case.due_on),
        "kind": LetterKind(kind).label,
        "findings": list(case.findings.all()),
        "lost": rupiah(case.contributions_lost),
        "workers": case.workers_unprotected,
        "signer": getattr(actor, "full_name", "") or getattr(actor, "username", "") or "Sistem",
    }
    letter = Letter.objects.create(
        case=case,
        kind=kind,
        office_code=office,
        year=on.year,
        seq=seq,
        number=number,
        pdf=render_pdf(kind, context),
        issued_by=actor if isinstance(actor, User) else None,
    )
    audit.record(
        actor=actor,
        action="compliance.letter_issue",
        obj=letter,
        region_code=case.region_code,
        after={"number": number, "case": case.pk},
    )
    return letter
