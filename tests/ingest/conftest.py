"""Ingest fixtures: files as offices send them, built in memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest
import xlsxwriter

from lindungi.registry.models import Worker
from lindungi.registry.services import WorkerInput, worker_register

# Kutai Kartanegara, kecamatan Muara Muntai (64.02.01), desa Perian; Kubu Raya's Sungai Raya.
KUKAR = "6402012001"
KUBU_RAYA = "6112012001"
HEADER = ["NIK", "Nama Lengkap", "Tanggal Lahir", "Jenis Kelamin", "Kode Desa"]


def nik(serial: int, *, day: str = "17", month: str = "08", year: str = "85") -> str:
    """A valid Kukar NIK (district 640201) for a man born on the given day."""
    return f"640201{day}{month}{year}{serial:04d}"


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    header: Sequence[str] = HEADER,
    title: bool = False,
) -> bytes:
    lines = []
    if title:
        lines += ["Daftar Penerima Bantuan Desa Perian", ""]
    lines.append(sep.join(header))
    lines += [sep.join(str(c) for c in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    title_rows: int = 0,
    merge: Callable[[Any], None] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    if title_rows:
        sheet.merge_range(0, 0, 0, len(header) - 1, "DAFTAR DTKS KECAMATAN MUARA MUNTAI")
    sheet.write_row(title_rows, 0, header)
    for i, row in enumerate(rows, start=title_rows + 1):
        for j, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(i, j, value)
            elif value is not None:
                sheet.write_string(i, j, str(value))
    if merge:
        merge(sheet)
    book.close()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _inline_runner(settings: Any) -> None:
    settings.INGEST_RUNNER = "inline"


@pytest.fixture
def exact_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Link with the exact-NIK fallback: outcomes that do not depend on a trained model."""
    from lindungi.ingest import linker

    monkeypatch.setattr(linker, "_real", lambda: None)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Any]], None]:
    """Script the linkage: full name -> (outcome, worker id, agreements) for each row of that
    name, or a list of them, one per row of that name in file order."""
    from lindungi.ingest import linker

    def install(script: dict[str, Any]) -> None:
        def fake(rows: Sequence[Any], *, model_name: str = "default") -> list[Any]:
            out = []
            first: dict[str, int] = {}
            seen: dict[str, int] = {}
            for r in rows:
                planned = script.get(r.full_name, ("new", None, {}))
                if isinstance(planned, list):  # one plan per row of that name, in file order
                    seen[r.full_name] = seen.get(r.full_name, -1) + 1
                    planned = planned[seen[r.full_name]]
                outcome, worker, agreements = planned
                dup = first.get(r.full_name) if outcome == "duplicate_in_file" else None
                first.setdefault(r.full_name, r.key)
                prob = 0.9 if outcome in ("merge", "review") else None
                out.append(linker.LinkResult(r.key, outcome, worker, prob, agreements, dup))
            return out

        monkeypatch.setattr(linker, "link", fake)

    return install


@pytest.fixture
def good_rows() -> list[list[Any]]:
    return [
        [nik(1), "Budi Santoso", "17-08-1985", "L", KUKAR],
        [nik(2, day="03", month="02", year="79"), "Agus Salim", "03/02/79", "L", KUKAR],
        [nik(3, day="61", month="11", year="92"), "Siti Rahmawati", "1992-11-21", "P", KUKAR],
    ]


def known_worker(actor: Any, name: str = "Budi Santoso", **kw: Any) -> Worker:
    """A worker registered before the import: Budi Santoso, born 17 Aug 1985 in Kukar."""
    values: dict[str, Any] = {
        "full_name": name,
        "birth_date": date(1985, 8, 17),
        "sex": "L",
        "village_code": KUKAR,
    }
    return worker_register(data=WorkerInput(**(values | kw)), actor=actor)
