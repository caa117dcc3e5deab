"""A donor's impact report: what its money protected, by region and occupation, with no personal
data — aggregated counts from the latest allocation only, counts under 10 shown as "<10" with
complementary suppression (core.suppression, the public coverage page's rule). Individual donors
appear by their donor code, never by name.

Claims paid for the donor's beneficiaries are "not available yet": there is no claims app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lindungi.core import suppression
from lindungi.core.access import Actor
from lindungi.donations import selectors
from lindungi.donations.models import Allocation, Donation, Donor, DonorKind
from lindungi.donations.receipts import latin1, line, new_pdf, rupiah
from lindungi.reference.models import Occupation, Region

UNKNOWN = "-"


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    workers: suppression.Cell
    worker_months: int | None  # None where the workers cell is hidden
    amount: int | None


@dataclass(frozen=True)
class Impact:
    donor_id: int
    donor: str  # organisation name or donor code; never an individual's name
    pool: str
    programme: str
    region: str
    received: int
    donations: int
    allocated: int
    worker_months: int
    workers: suppression.Cell
    provinces: list[Row]
    regencies: list[Row]
    occupations: list[Row]
    allocated_at: datetime | None
    stale: bool
    claims_paid: int | None = None  # no claims app yet

    def as_dict(self) -> dict[str, Any]:
        def rows(items: list[Row]) -> list[dict[str, Any]]:
            return [
                {
                    "code": r.code,
                    "name": r.name,
                    "workers": r.workers.shown,
                    "worker_months": r.worker_months,
                    "amount": r.amount,
                }
                for r in items
            ]

        return {
            "donor_id": self.donor_id,
            "donor": self.donor,
            "pool": self.pool,
            "programme": self.programme,
            "region": self.region,
            "received": self.received,
            "donations": self.donations,
            "allocated": self.allocated,
            "worker_months": self.worker_months,
            "workers": self.workers.shown,
            "by_province": rows(self.provinces),
            "by_regency": rows(self.regencies),
            "by_occupation": rows(self.occupations),
            "allocated_at": self.allocated_at,
            "stale": self.stale,
            "claims_paid": self.claims_paid,
        }


def donor_label(donor: Donor) -> str:
    """Organisations by name; individuals (and anonymous donors) by their code only."""
    if donor.kind == DonorKind.ORGANISATION and not donor.anonymous:
        return donor.name
    return _("Donatur %(code)s") % {"code": donor.code}


def _breakdown(
    allocations: QuerySet[Allocation], key: Any, names: dict[str, str], total: int
) -> list[Row]:
    groups = list(
        allocations.values(k=key)
        .annotate(
            workers=Count("worker_id", filter=Q(months__gt=0), distinct=True),
            months=Sum("months"),
            amount=Sum("amount"),
        )
        .order_by("k")
    )
    cells, _total = suppression.suppress([g["workers"] for g in groups], total)
    return [
        Row(
            code=g["k"] or "",
            name=names.get(g["k"] or "", UNKNOWN),
            workers=cell,
            worker_months=None if cell.hidden else int(g["months"] or 0),
            amount=None if cell.hidden else int(g["amount"] or 0),
        )
        for g, cell in zip(groups, cells, strict=True)
    ]


def _names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def donor_impact(*, actor: Actor, donor_id: int) -> Impact:
    """The donor's impact from the pool's latest allocation; aggregates only."""
    donor = selectors.donor_get(actor=actor, donor_id=donor_id)
    pool = donor.pool
    allocations = Allocation.objects.filter(donation__donor=donor)
    totals = allocations.aggregate(
        workers=Count("worker_id", filter=Q(months__gt=0), distinct=True),
        months=Sum("months"),
        amount=Sum("amount"),
    )
    money = Donation.objects.filter(donor=donor).aggregate(
        s=Sum("amount"), n=Count("id", filter=Q(amount__gt=0))
    )
    workers = int(totals["workers"] or 0)
    village = "worker__village_id"
    occupations = dict(Occupation.objects.values_list("code", "name"))
    run = selectors.latest_run(pool)
    return Impact(
        donor_id=donor.pk,
        donor=donor_label(donor),
        pool=pool.name,
        programme=pool.programme.name,
        region=pool.programme.region.name,
        received=int(money["s"] or 0),
        donations=int(money["n"] or 0),
        allocated=int(totals["amount"] or 0),
        worker_months=int(totals["months"] or 0),
        workers=suppression.suppress([], workers)[1],
        provinces=_breakdown(allocations, Substr(village, 1, 2), _province_names(), workers),
        regencies=_breakdown(
            allocations, Substr(village, 1, 4), _names(_codes(allocations, 4)), workers
        ),
        occupations=_breakdown(allocations, F("worker__occupation_id"), occupations, workers),
        allocated_at=run.created_at if run else None,
        stale=selectors.is_stale(pool, run),
    )


def _province_names() -> dict[str, str]:
    return dict(Region.objects.filter(level=1).values_list("code", "name"))


def _codes(allocations: QuerySet[Allocation], length: int) -> set[str]:
    rows = allocations.values_list(Substr("worker__village_id", 1, length), flat=True).distinct()
    return {str(code) for code in rows}


def impact_pdf(impact: Impact) -> bytes:
    """The report as A4 PDF: headline figures, then the three tables."""
    pdf = new_pdf(_("Laporan dampak donasi"), timezone.now())
    line(pdf, _("LAPORAN DAMPAK DONASI GN LINGKARAN"), size=14, style="B", height=9)
    line(pdf, f"{impact.donor} - {impact.pool}", style="B")
    line(pdf, _("Program: %(p)s (%(r)s)") % {"p": impact.programme, "r": impact.region})
    pdf.ln(2)
    for label, value in headline(impact):
        pdf.set_font("Helvetica", "", 10.5)
        pdf.cell(70, 7, latin1(label))
        pdf.cell(0, 7, latin1(f": {value}"), new_x="LMARGIN", new_y="NEXT")
    for title, rows in tables(impact):
        pdf.ln(3)
        line(pdf, title, style="B")
        _table(pdf, rows)
    pdf.ln(3)
    line(pdf, note(), size=8.5)
    return bytes(pdf.output())


def headline(impact: Impact) -> list[tuple[str, str]]:
    when = impact.allocated_at
    return [
        (_("Donasi diterima (bersih)"), rupiah(impact.received)),
        (_("Dialokasikan ke iuran pekerja"), rupiah(impact.allocated)),
        (_("Pekerja terlindungi"), str(impact.workers.shown)),
        (_("Bulan-pekerja dibayar penuh"), f"{impact.worker_months:,}".replace(",", ".")),
        (_("Klaim dibayar untuk penerima"), _("belum tersedia")),
        (
            _("Alokasi per"),
            formats.date_format(timezone.localtime(when), "j F Y") if when else _("belum ada"),
        ),
    ]


def tables(impact: Impact) -> list[tuple[str, list[Row]]]:
    return [
        (_("Menurut provinsi"), impact.provinces),
        (_("Menurut kabupaten/kota"), impact.regencies),
        (_("Menurut pekerjaan"), impact.occupations),
    ]


def note() -> str:
    return _(
        "Angka agregat tanpa data pribadi; jumlah di bawah 10 ditulis <10, dan bila perlu satu "
        "sel lain ikut disembunyikan. Klaim belum tersedia: modul klaim belum ada."
    )


def _table(pdf: Any, rows: list[Row]) -> None:
    pdf.set_font("Helvetica", "", 9)
    heads = (_("Wilayah/pekerjaan"), _("Pekerja"), _("Bulan-pekerja"), _("Jumlah"))
    with pdf.table(
        col_widths=(80, 25, 30, 35), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"), line_height=5
    ) as table:
        table.row([latin1(h) for h in heads])
        for r in rows:
            table.row(
                [
                    latin1(r.name),
                    latin1(str(r.workers.shown)),
                    "-" if r.worker_months is None else f"{r.worker_months:,}".replace(",", "."),
                    "-" if r.amount is None else latin1(rupiah(r.amount)),
                ]
            )
