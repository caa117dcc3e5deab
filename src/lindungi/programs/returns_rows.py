"""Check each row of a returned registration file against the batch; no database here.

`check_row` decides one row: a KPJ to write, a place to end as rejected, "already applied",
or a `RowProblem` naming the column and value at fault. Known facts (the batch's members, who
holds which KPJ) are read in bulk by returns.py beforehand and passed in as `Known`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from lindungi.ingest.rules import CellProblem, parse_date, text_of
from lindungi.programs.models import BeneficiaryEnd
from lindungi.programs.returns_file import ReturnedFile, ReturnedRow
from lindungi.registry.rules import IdentifierError, name_search_key, normalise_kpj

ACCEPTED, REJECTED = "accepted", "rejected"
STATUS_WORDS = {
    **dict.fromkeys(("diterima", "accepted", "berhasil", "sukses", "terdaftar", "ok"), ACCEPTED),
    **dict.fromkeys(("ditolak", "rejected", "gagal", "tolak"), REJECTED),
}
SHOWN = 100  # characters of a cell kept in a problem


@dataclass(frozen=True)
class Member:
    """A beneficiary of the batch with what a returned row is checked against."""

    beneficiary_id: int
    membership_id: int
    worker_id: int
    start: date
    end: date
    end_reason: str
    kpj: str | None
    name_key: str
    birth_date: date


class RowProblem(Exception):  # noqa: N818 (a reported row, not a crash)
    def __init__(self, field: str, value: Any, code: str, message: str) -> None:
        super().__init__(message)
        self.field, self.value, self.code, self.message = field, value, code, message


@dataclass
class Outcome:
    kpj: dict[int, str] = field(default_factory=dict)  # membership id → KPJ to write
    rejected: dict[int, str] = field(default_factory=dict)  # beneficiary id → reason
    already: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[int, int] = field(default_factory=dict)  # worker id → first line
    seen_kpj: dict[str, tuple[int, int]] = field(default_factory=dict)  # KPJ → (worker, line)


@dataclass(frozen=True)
class Known:
    """What the database says about the file's workers and KPJ numbers, read in bulk."""

    today: date  # reads two-digit birth years
    members: dict[int, Member]  # worker id → member of the batch
    by_name: dict[tuple[str, date], list[Member]]
    existing: set[int]  # worker ids in the file that exist (in this batch or not)
    holders: dict[str, int]  # KPJ in the file → the worker holding it on any membership
    own: dict[int, set[str]]  # worker of the batch → KPJ on their other memberships


# --- checking one row -----------------------------------------------------------------------


def check_row(row: ReturnedRow, known: Known, outcome: Outcome) -> None:
    """Record the row's effect in `outcome`, or raise RowProblem (nothing recorded then)."""
    status = _status(row)
    member = _member(row, known)
    first = outcome.seen.get(member.worker_id)
    if first is not None:
        where = "worker_id" if text_of(row.cells.get("worker_id")) else "full_name"
        raise RowProblem(
            where,
            row.cells.get(where),
            "duplicate",
            _("Peserta yang sama sudah ada di baris %(line)s (duplicate row).") % {"line": first},
        )
    if status == ACCEPTED:
        _accept(row, member, known, outcome)
    else:
        _reject_row(row, member, outcome)
    outcome.seen[member.worker_id] = row.line  # only a row that passed counts as the first


def _status(row: ReturnedRow) -> str:
    raw = row.cells.get("status")
    status = STATUS_WORDS.get(text_of(raw).lower())
    if status is None:
        raise RowProblem(
            "status",
            raw,
            "status",
            _("Status tidak dikenal; gunakan Diterima atau Ditolak (unknown status)."),
        )
    return status


def _member(row: ReturnedRow, known: Known) -> Member:
    raw_id = row.cells.get("worker_id")
    text = text_of(raw_id)
    if text:
        if not text.isdigit():
            raise RowProblem(
                "worker_id", raw_id, "worker_id", _("ID peserta harus angka (id must be digits).")
            )
        member = known.members.get(int(text))
        if member is None:
            code, message = (
                ("not_in_batch", _("Peserta bukan bagian dari batch ini (not in this batch)."))
                if int(text) in known.existing
                else ("unknown_worker", _("Tidak ada peserta dengan ID ini (unknown id)."))
            )
            raise RowProblem("worker_id", raw_id, code, message)
        _same_birth_date(row, member, known)
        return member
    return _member_by_name(row, known)


def _birth_date(row: ReturnedRow, known: Known) -> date | None:
    raw = row.cells.get("birth_date")
    if not text_of(raw):
        return None
    try:
        return parse_date(raw, today=known.today)
    except CellProblem as exc:
        raise RowProblem("birth_date", raw, "birth_date", exc.message) from None


def _same_birth_date(row: ReturnedRow, member: Member, known: Known) -> None:
    born = _birth_date(row, known)
    if born is not None and born != member.birth_date:
        raise RowProblem(
            "birth_date",
            row.cells.get("birth_date"),
            "birth_date",
            _("Tanggal lahir berbeda dengan data peserta ini (birth date does not match the id)."),
        )


def _member_by_name(row: ReturnedRow, known: Known) -> Member:
    name = text_of(row.cells.get("full_name"))
    born = _birth_date(row, known)
    if not name or born is None:
        raise RowProblem(
            "worker_id" if "worker_id" in row.cells else "full_name",
            "",
            "no_worker",
            _("Baris tanpa ID peserta maupun nama + tanggal lahir (no way to find the worker)."),
        )
    found = known.by_name.get((name_search_key(name), born), [])
    if len(found) != 1:
        code, message = (
            ("no_match", _("Tidak ada penerima batch ini dengan nama dan tanggal lahir ini."))
            if not found
            else ("ambiguous", _("Lebih dari satu penerima dengan nama dan tanggal lahir ini."))
        )
        raise RowProblem("full_name", name, code, message)
    return found[0]


def _accept(row: ReturnedRow, member: Member, known: Known, outcome: Outcome) -> None:
    kpj = _kpj(row)
    holder, line = outcome.seen_kpj.get(kpj, (member.worker_id, row.line))
    if holder != member.worker_id:
        message = _("KPJ yang sama dipakai peserta lain di baris %(line)s.") % {"line": line}
        raise RowProblem("kpj", row.cells.get("kpj"), "duplicate_kpj", message)
    if member.end_reason == BeneficiaryEnd.REJECTED:
        raise RowProblem(
            "status",
            row.cells.get("status"),
            "status_changed",
            _("Pendaftaran ini sudah tercatat ditolak; tidak diubah (already recorded rejected)."),
        )
    if known.holders.get(kpj, member.worker_id) != member.worker_id:
        raise RowProblem(
            "kpj", kpj, "kpj_taken", _("KPJ sudah dipakai peserta lain (KPJ held by another).")
        )
    held = ({member.kpj} if member.kpj else set()) | known.own.get(member.worker_id, set())
    if held and kpj not in held:
        message = _("Peserta sudah memiliki KPJ lain: %(kpj)s; tidak ditimpa (not overwritten).")
        raise RowProblem("kpj", kpj, "kpj_differs", message % {"kpj": ", ".join(sorted(held))})
    if kpj in held:
        outcome.already += 1
    else:
        outcome.kpj[member.membership_id] = kpj
    outcome.seen_kpj[kpj] = (member.worker_id, row.line)


def _kpj(row: ReturnedRow) -> str:
    raw = row.cells.get("kpj")
    if not text_of(raw):
        raise RowProblem(
            "kpj", raw, "kpj_missing", _("KPJ wajib diisi untuk yang diterima (KPJ missing).")
        )
    try:
        return normalise_kpj(text_of(raw))
    except IdentifierError as exc:
        raise RowProblem("kpj", raw, "kpj_malformed", exc.first_message) from None


def _reject_row(row: ReturnedRow, member: Member, outcome: Outcome) -> None:
    if member.end_reason == BeneficiaryEnd.REJECTED:
        outcome.already += 1
        return
    if member.end_reason:
        label = BeneficiaryEnd(member.end_reason).label
        message = _("Penerima sudah berakhir (%(why)s); penolakan tidak dicatat.") % {"why": label}
        raise RowProblem("status", row.cells.get("status"), "ended", message)
    if member.kpj:
        message = _("Peserta sudah tercatat diterima dengan KPJ %(kpj)s; tidak diubah.")
        raise RowProblem(
            "status", row.cells.get("status"), "status_changed", message % {"kpj": member.kpj}
        )
    outcome.rejected[member.beneficiary_id] = text_of(row.cells.get("reason"))[:300]


def problem_of(row: ReturnedRow, returned: ReturnedFile, problem: RowProblem) -> dict[str, Any]:
    return {
        "row": row.line,
        "column": returned.columns.get(problem.field, problem.field),
        "value": text_of(problem.value)[:SHOWN],
        "code": problem.code,
        "message": problem.message,
    }
