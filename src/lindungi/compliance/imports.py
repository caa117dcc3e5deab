"""Check data in: WLKP reports and business-registry extracts, CSV or XLSX, into staging.

Every bad cell is reported with its row, column and value, and never blocks the good rows.
Loading replaces rows with the same key (month + NPP/NIB for WLKP, NIB for businesses), so
importing the same file twice leaves the same staging rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from python_calamine import CalamineWorkbook

from lindungi.accounts.models import User
from lindungi.compliance.models import BusinessRecord, CheckImport, WlkpReport
from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import ValidationError
from lindungi.reference.models import undotted

NIB = re.compile(r"^[0-9]{13}$")
NPP = re.compile(r"^[A-Z0-9]{1,8}$")
VILLAGE = re.compile(r"^[0-9]{10}$")
SCALES = {
    "micro": "micro",
    "mikro": "micro",
    "small": "small",
    "kecil": "small",
    "medium": "medium",
    "menengah": "medium",
    "large": "large",
    "besar": "large",
}
ALIASES = {
    "bulan": "month",
    "pekerja_laki": "workers_male",
    "laki_laki": "workers_male",
    "pekerja_perempuan": "workers_female",
    "perempuan": "workers_female",
    "total_upah": "total_wages",
    "upah": "total_wages",
    "nama": "name",
    "alamat": "address",
    "kode_desa": "village_code",
    "desa": "village_code",
    "skala": "scale",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    CheckImport.Kind.WLKP: ("nib", "npp", "month", "workers_male", "workers_female", "total_wages"),
    CheckImport.Kind.BUSINESS: ("nib", "name", "kbli", "village_code", "address", "scale"),
}
MAX_ERRORS = 1000


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    read: int = 0

    def error(self, row: int, column: str, value: object, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                {"row": row, "column": column, "value": str(value), "message": message}
            )


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """Rows of cells as text: XLSX (first sheet, via calamine) or CSV (UTF-8, , or ;)."""
    if file_name.lower().endswith((".xlsx", ".xls", ".ods")):
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=True)]
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return str(value).strip()


def _header(cells: list[str]) -> list[str]:
    names = [re.sub(r"[^a-z0-9]+", "_", c.strip().lower()).strip("_") for c in cells]
    return [ALIASES.get(n, n) for n in names]


def _int(p: Parsed, row: int, column: str, value: str) -> int | None:
    text = value.replace(".", "").replace(",", "").strip() if value else "0"
    if not text.isdigit():
        p.error(row, column, value, "harus bilangan bulat >= 0 (whole number)")
        return None
    return int(text)


def _wlkp(p: Parsed, n: int, rec: dict[str, str]) -> dict[str, Any] | None:
    nib, npp = rec.get("nib", "").strip(), rec.get("npp", "").strip().upper()
    ok = True
    if nib and not NIB.match(nib):
        p.error(n, "nib", nib, "NIB harus 13 angka")
        ok = False
    if npp and not NPP.match(npp):
        p.error(n, "npp", npp, "NPP tidak valid")
        ok = False
    if not nib and not npp:
        p.error(n, "nib", "", "NIB atau NPP wajib diisi")
        ok = False
    try:
        month = date.fromisoformat(f"{rec.get('month', '').strip()[:7]}-01")
    except ValueError:
        p.error(n, "month", rec.get("month", ""), "bulan harus YYYY-MM")
        ok = False
    numbers = {c: _int(p, n, c, rec.get(c, "")) for c in COLUMNS["wlkp"][3:]}
    if not ok or None in numbers.values():
        return None
    return {"month": month, "ident": npp or nib, "nib": nib, "npp": npp, **numbers}


def _business(p: Parsed, n: int, rec: dict[str, str]) -> dict[str, Any] | None:
    nib = rec.get("nib", "").strip()
    village = undotted(rec.get("village_code", ""))
    scale = SCALES.get(rec.get("scale", "").strip().lower(), "")
    ok = True
    if not NIB.match(nib):
        p.error(n, "nib", nib, "NIB harus 13 angka")
        ok = False
    if not rec.get("name", "").strip():
        p.error(n, "name", "", "nama wajib diisi")
        ok = False
    if village and not VILLAGE.match(village):
        p.error(n, "village_code", rec.get("village_code", ""), "kode desa harus 10 angka")
        ok = False
    if rec.get("scale", "").strip() and not scale:
        p.error(n, "scale", rec.get("scale", ""), "skala: mikro, kecil, menengah, besar")
        ok = False
    if not ok:
        return None
    return {
        "nib": nib,
        "name": rec["name"].strip()[:200],
        "kbli": rec.get("kbli", "")[:5],
        "village_code": village,
        "address_line": rec.get("address", "")[:200],
        "scale": scale,
    }


PARSERS: dict[str, Callable[[Parsed, int, dict[str, str]], dict[str, Any] | None]] = {
    CheckImport.Kind.WLKP: _wlkp,
    CheckImport.Kind.BUSINESS: _business,
}


def parse(kind: str, table: list[list[str]]) -> Parsed:
    """Validated rows keyed by column name; duplicates within the file keep the first."""
    p = Parsed()
    if not table:
        raise ValidationError({"file": "Berkas kosong (empty file)"})
    header = _header(table[0])
    missing = [c for c in COLUMNS[kind] if c not in header and c not in {"npp", "nib"}]
    if missing:
        raise ValidationError({"file": f"Kolom wajib tidak ada: {', '.join(missing)}"})
    seen: set[Any] = set()
    for n, cells in enumerate(table[1:], start=2):
        p.read += 1
        rec = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        row = PARSERS[kind](p, n, rec)
        if row is None:
            continue
        key = (row.get("month"), row.get("ident", row["nib"]))
        if key in seen:
            p.error(n, "nib", row["nib"] or row.get("npp", ""), "duplikat dalam berkas")
            continue
        seen.add(key)
        p.rows.append(row)
    return p


def check_import(*, kind: str, file_name: str, content: bytes, actor: Actor | None) -> CheckImport:
    """Load a check-data file into staging; good rows replace those with the same key."""
    if actor is not None:
        access.require(actor, access.IMPORT_CHECK_DATA)
    if kind not in COLUMNS:
        raise ValidationError({"kind": "jenis: wlkp atau business"})
    parsed = parse(kind, read_table(file_name, content))
    with transaction.atomic():
        job = CheckImport.objects.create(
            kind=kind,
            file_name=file_name[:200],
            rows_read=parsed.read,
            rows_loaded=len(parsed.rows),
            errors=parsed.errors,
            imported_by=actor if isinstance(actor, User) else None,
        )
        _load(kind, job, parsed.rows)
        audit.record(
            actor=actor,
            action="compliance.check_import",
            obj=job,
            after={
                "kind": kind,
                "read": parsed.read,
                "loaded": len(parsed.rows),
                "errors": len(parsed.errors),
            },
        )
    return job


def _load(kind: str, job: CheckImport, rows: list[dict[str, Any]]) -> None:
    if kind == CheckImport.Kind.WLKP:
        for month in {r["month"] for r in rows}:
            idents = [r["ident"] for r in rows if r["month"] == month]
            for i in range(0, len(idents), 500):
                WlkpReport.objects.filter(month=month, ident__in=idents[i : i + 500]).delete()
        WlkpReport.objects.bulk_create([WlkpReport(source=job, **r) for r in rows], 2000)
        return
    nibs = [r["nib"] for r in rows]
    for i in range(0, len(nibs), 500):
        BusinessRecord.objects.filter(nib__in=nibs[i : i + 500]).delete()
    BusinessRecord.objects.bulk_create([BusinessRecord(source=job, **r) for r in rows], 2000)
