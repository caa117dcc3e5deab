"""Arrears summed by region one level below a parent: the province → regency → district drill.

The per-payer statement of `fines.arrears_sql` becomes a common table expression, and one
GROUP BY over the prefix of each payer's region code sums it: the same figures as the payer
list, without carrying a row per payer into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from lindungi.contributions.fines import arrears_sql
from lindungi.core.access import Actor
from lindungi.core.errors import ValidationError
from lindungi.reference.models import Region, RegionLevel, undotted

# Kemendagri code lengths: province 2, regency 4, district 6, village 10.
CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 10}
COLUMNS = (
    "payer_id, kind, label, region_code, unpaid, months_unpaid, months_overdue, oldest_due, "
    "fine_unpaid, fine_paid_late"
)
BY_REGION_SQL = """
WITH a({columns}) AS ({inner})
SELECT SUBSTR(COALESCE(region_code, ''), 1, {n}) AS code, COUNT(*),
       SUM(CASE WHEN unpaid > 0 THEN 1 ELSE 0 END), SUM(unpaid), SUM(fine_unpaid),
       SUM(fine_paid_late)
  FROM a
 GROUP BY SUBSTR(COALESCE(region_code, ''), 1, {n})
 ORDER BY 4 DESC, 1
"""


@dataclass(frozen=True)
class RegionArrears:
    """What payers of one region owe past due on a date, and the fines accrued."""

    code: str  # blank: payers without a village (sponsor programmes)
    name: str
    level: int | None
    payers: int  # payers with overdue contributions or accrued fines
    payers_unpaid: int  # of which with an unpaid overdue amount
    unpaid: int
    fine_unpaid: int
    fine_paid_late: int

    @property
    def fine(self) -> int:
        return self.fine_unpaid + self.fine_paid_late

    @property
    def drillable(self) -> bool:
        return len(self.code) in CHILD_LENGTH and len(self.code) < 6


def arrears_by_region(*, actor: Actor | None, as_of: date, parent: str = "") -> list[RegionArrears]:
    """Arrears of the payers in the actor's scope under `parent` (blank: the whole country),
    summed per region one level down, largest unpaid first; one statement."""
    parent = undotted(parent)
    if len(parent) not in CHILD_LENGTH or (parent and not parent.isdigit()):
        raise ValidationError(
            {"region": _("Kode wilayah harus provinsi, kabupaten atau kecamatan.")}
        )
    n = CHILD_LENGTH[len(parent)]
    inner, params = arrears_sql(actor=actor, as_of=as_of, region=parent or None)
    statement = BY_REGION_SQL.format(columns=COLUMNS, inner=inner, n=n)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    names = dict(Region.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "name"))
    return [
        RegionArrears(
            code=str(code),
            name=names.get(code, "") or _("Tanpa wilayah (program sponsor)"),
            level=_level(str(code)),
            payers=int(payers),
            payers_unpaid=int(payers_unpaid or 0),
            unpaid=int(unpaid or 0),
            fine_unpaid=int(fine_unpaid or 0),
            fine_paid_late=int(fine_late or 0),
        )
        for code, payers, payers_unpaid, unpaid, fine_unpaid, fine_late in rows
    ]


def region_trail(code: str) -> list[Region]:
    """The region and its ancestors, province first (for the drill-down breadcrumb)."""
    code = undotted(code)
    prefixes = [code[:n] for n in (2, 4, 6, 10) if n <= len(code)]
    return list(Region.objects.filter(code__in=prefixes).order_by("code"))


def _level(code: str) -> int | None:
    return {
        2: RegionLevel.PROVINCE,
        4: RegionLevel.REGENCY,
        6: RegionLevel.DISTRICT,
        10: RegionLevel.VILLAGE,
    }.get(len(code))
