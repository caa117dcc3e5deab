"""Due dates, lapse and coverage status as pure functions over the rule values.

No ORM, no clock: the rows of the due-date, fine and lapse tables come in as `PaymentRules`
(built by `selectors.payment_rules`), the date in question as an argument. Each reading, its
source and its uncertainty are in docs/coverage.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from lindungi.contributions.rules.types import RuleRef

# Which table gives the due day of a segment's monthly contribution. JAKON members with known
# wages are billed to an employer like PU; PMI pay per placement, so have no monthly due.
DUE_TABLES: Mapping[str, str] = {"PU": "due_day_pu", "JAKON": "due_day_pu", "BPU": "due_day_bpu"}
FINE_TABLES: Mapping[str, str] = {"PU": "late_fine_pu", "BPU": "bpu_late_fine"}
LAPSE_TABLE = "bpu_lapse_months"
TABLES = ("due_day_pu", "due_day_bpu", "late_fine_pu", "bpu_late_fine", LAPSE_TABLE)
TRUSTED = frozenset({"REG", "OFF"})  # other statuses are shown with ⚠


class Status(StrEnum):
    COVERED = "covered"
    IN_GRACE = "in_grace"
    LAPSED = "lapsed"
    NOT_A_MEMBER = "not_a_member"


# When a worker holds several memberships of a programme, the best status is reported.
RANK: Mapping[Status, int] = {s: n for n, s in enumerate(Status)}


class Reason(StrEnum):
    """Why a status was given; `reason_text` turns it into a sentence naming the rule."""

    PAID_UP = "paid_up"  # the month of the date is paid
    NOT_YET_DUE = "not_yet_due"  # unpaid months, none past its due date
    ARREARS = "arrears"  # PU/JAKON: unpaid past due, the employer stays liable
    GRACE = "grace"  # BPU: unpaid past due, fewer months than the lapse rule
    LAPSED = "lapsed"  # BPU: as many overdue months as the lapse rule says
    NO_LAPSE_RULE = "no_lapse_rule"  # BPU: overdue, but no lapse rule in force on the date
    PERIOD_ONLY = "period_only"  # PMI: paid for the placement in advance
    NOT_STARTED = "not_started"
    ENDED = "ended"
    NO_MEMBERSHIP = "no_membership"


@dataclass(frozen=True)
class RuleValue:
    """One effective-dated rule row as a plain value."""

    ref: RuleRef
    valid_from: date
    valid_to: date | None
    value: Decimal
    month_offset: int = 0  # due-day tables: 0 = the contribution month, 1 = the next one

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


@dataclass(frozen=True)
class PaymentRules:
    """Every row of the due-day, late-fine and lapse tables (a few dozen in all)."""

    rows: tuple[RuleValue, ...]

    def at(self, table: str, on: date) -> RuleValue | None:
        """The row of `table` in force on `on` (tables hold one key, ""), or None."""
        return next((r for r in self.rows if r.ref.table == table and r.in_force(on)), None)


@dataclass(frozen=True)
class Term:
    """What the status of one membership depends on."""

    segment: str
    start: date
    end: date | None  # exclusive
    paid_through: date | None  # PaidThrough.month
    first_billed: date | None  # earliest month with an invoice line


@dataclass(frozen=True)
class Assessment:
    """The status of one membership on one date, and the figures behind it."""

    status: Status
    reason: Reason
    unpaid_months: int = 0  # from the first unpaid month through the month of the date
    overdue_months: int = 0  # of those, the ones past their due date on the date
    first_unpaid: date | None = None
    first_due: date | None = None  # due date of first_unpaid
    lapse_after: int | None = None  # months, when a lapse rule is in force
    rules: tuple[RuleRef, ...] = ()


# --- months -------------------------------------------------------------------------------


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def add_months(month: date, n: int) -> date:
    year, month_no = divmod(month_index(month) + n, 12)
    return date(year, month_no + 1, 1)


# --- due dates and status -----------------------------------------------------------------


def due_row(*, month: date, segment: str, rules: PaymentRules) -> RuleValue | None:
    """The due-day row for a contribution month (tables are keyed by contribution month)."""
    table = DUE_TABLES.get(segment)
    return rules.at(table, month_of(month)) if table else None


def due_date(*, month: date, segment: str, rules: PaymentRules) -> date | None:
    """The last day to pay `month` on time (the row's day, or the month's last day if shorter);
    None for PMI or when no due rule is in force for that month."""
    row = due_row(month=month, segment=segment, rules=rules)
    if row is None:
        return None
    target = add_months(month_of(month), row.month_offset)
    last = calendar.monthrange(target.year, target.month)[1]
    return target.replace(day=min(int(row.value), last))


def settled_until(term: Term) -> date:
    """The last month treated as paid: the paid-through month, else the month before the first
    billed month (earlier months were settled before this system), else before the start."""
    start = month_of(term.start)
    if term.paid_through is not None:
        return max(term.paid_through, add_months(start, -1))
    first = max(term.first_billed, start) if term.first_billed is not None else start
    return add_months(first, -1)


def assess(*, term: Term, on: date, rules: PaymentRules) -> Assessment:
    """Covered, in grace, lapsed or not a member on `on`, by the readings of docs/coverage.md."""
    if on < term.start:
        return Assessment(Status.NOT_A_MEMBER, Reason.NOT_STARTED)
    if term.end is not None and on >= term.end:
        return Assessment(Status.NOT_A_MEMBER, Reason.ENDED)
    if term.segment not in DUE_TABLES:
        return Assessment(Status.COVERED, Reason.PERIOD_ONLY)
    found = _unpaid(term, on, rules)
    if found.unpaid_months == 0:
        return found.as_(Status.COVERED, Reason.PAID_UP)
    if term.segment != "BPU":  # the employer owes the contributions and stays liable
        return found.as_(
            Status.COVERED, Reason.ARREARS if found.overdue_months else Reason.NOT_YET_DUE
        )
    if not found.overdue_months:
        return found.as_(Status.IN_GRACE, Reason.NOT_YET_DUE)
    lapse = rules.at(LAPSE_TABLE, on)
    if lapse is None:
        return found.as_(Status.IN_GRACE, Reason.NO_LAPSE_RULE)
    after = int(lapse.value)
    if found.overdue_months >= after:
        return found.as_(Status.LAPSED, Reason.LAPSED, lapse_after=after, lapse=lapse.ref)
    return found.as_(Status.IN_GRACE, Reason.GRACE, lapse_after=after, lapse=lapse.ref)


@dataclass(frozen=True)
class _Unpaid:
    unpaid_months: int
    overdue_months: int
    first_unpaid: date | None
    first_due: date | None
    rules: tuple[RuleRef, ...]

    def as_(
        self,
        status: Status,
        reason: Reason,
        *,
        lapse_after: int | None = None,
        lapse: RuleRef | None = None,
    ) -> Assessment:
        return Assessment(
            status,
            reason,
            self.unpaid_months,
            self.overdue_months,
            self.first_unpaid,
            self.first_due,
            lapse_after,
            (*self.rules, lapse) if lapse else self.rules,
        )


def _unpaid(term: Term, on: date, rules: PaymentRules) -> _Unpaid:
    """Unpaid months through the month of `on`, and those already past their due date."""
    first = add_months(settled_until(term), 1)
    current = month_of(on)
    unpaid = max(0, month_index(current) - month_index(first) + 1)
    overdue, first_due, refs = 0, None, {}
    for n in range(unpaid):
        month = add_months(first, n)
        row = due_row(month=month, segment=term.segment, rules=rules)
        due = due_date(month=month, segment=term.segment, rules=rules)
        if row is None or due is None:
            continue  # no due rule for that month: it cannot be shown overdue
        due = max(due, term.start)  # a first month joined after its due day falls due on joining
        first_due = first_due or due
        refs[row.ref.id] = row.ref
        if on > due:
            overdue += 1
    if unpaid == 0:
        row = due_row(month=current, segment=term.segment, rules=rules)
        refs = {row.ref.id: row.ref} if row else {}
    return _Unpaid(unpaid, overdue, first if unpaid else None, first_due, tuple(refs.values()))


# --- the reason as a sentence -------------------------------------------------------------


MESSAGES: Mapping[Reason, Any] = {
    Reason.PAID_UP: _(
        "Iuran %(segment)s sudah dibayar s.d. %(paid_through)s; perlindungan berlaku."
    ),
    Reason.NOT_YET_DUE: _(
        "Iuran %(segment)s bulan %(first)s belum dibayar dan belum jatuh tempo (%(due)s, "
        "%(due_rule)s)."
    ),
    Reason.ARREARS: _(
        "Peserta %(segment)s tetap terlindungi selama kepesertaan aktif: pemberi kerja menunggak "
        "%(overdue)s bulan sejak %(first)s (jatuh tempo %(due)s, %(due_rule)s) dan menanggung "
        "kewajibannya; aturan tunggakan pemberi kerja belum ditemukan (REGULATIONS.md §8 "
        "butir 11) ⚠."
    ),
    Reason.GRACE: _(
        "Iuran BPU terlambat %(overdue)s bulan sejak %(first)s (jatuh tempo %(due)s, "
        "%(due_rule)s); kepesertaan nonaktif bila %(lapse)s bulan tidak dibayar (%(lapse_rule)s)."
    ),
    Reason.LAPSED: _(
        "Iuran BPU %(overdue)s bulan berturut-turut tidak dibayar sejak %(first)s (jatuh tempo "
        "%(due)s, %(due_rule)s): perlindungan nonaktif setelah %(lapse)s bulan (%(lapse_rule)s); "
        "aktif kembali bila tunggakan dibayar (pembayaran melunasi bulan tertua lebih dulu)."
    ),
    Reason.NO_LAPSE_RULE: _(
        "Iuran BPU terlambat %(overdue)s bulan sejak %(first)s (jatuh tempo %(due)s, "
        "%(due_rule)s); tidak ada aturan bpu_lapse_months yang berlaku pada %(on)s, jadi "
        "kepesertaan belum nonaktif ⚠."
    ),
    Reason.PERIOD_ONLY: _(
        "Peserta %(segment)s terlindungi selama masa kepesertaan yang iurannya dibayar di muka "
        "(Permenaker 4/2023 Pasal 18)."
    ),
    Reason.NOT_STARTED: _("Kepesertaan %(segment)s baru dimulai %(start)s."),
    Reason.ENDED: _("Kepesertaan %(segment)s berakhir %(end)s%(end_reason)s."),
    Reason.NO_MEMBERSHIP: _("Tidak ada kepesertaan dengan program %(programme)s."),
}


def rule_label(ref: RuleRef | None) -> str:
    """`table (regulation)`, with ⚠ and the status when the source is not the regulation."""
    if ref is None:
        return "-"
    mark = "" if ref.status in TRUSTED else f" ⚠ {ref.status}"
    return f"{ref.table} ({ref.regulation}{mark})"


def reason_text(
    found: Assessment, *, term: Term | None, on: date, programme: str, end_reason: str = ""
) -> str:
    """The reason as one sentence in the active language, naming the rules it rests on."""
    due_ref = next((r for r in found.rules if r.table in DUE_TABLES.values()), None)
    lapse_ref = next((r for r in found.rules if r.table == LAPSE_TABLE), None)
    values: dict[str, Any] = {
        "segment": term.segment if term else "",
        "programme": programme,
        "paid_through": _month(settled_until(term) if term else None),
        "first": _month(found.first_unpaid),
        "due": found.first_due.isoformat() if found.first_due else "-",
        "due_rule": rule_label(due_ref),
        "overdue": found.overdue_months,
        "lapse": found.lapse_after if found.lapse_after is not None else "-",
        "lapse_rule": rule_label(lapse_ref),
        "on": on.isoformat(),
        "start": term.start.isoformat() if term else "-",
        "end": term.end.isoformat() if term and term.end else "-",
        "end_reason": f" ({end_reason})" if end_reason else "",
    }
    return str(MESSAGES[found.reason] % values)


def _month(month: date | None) -> str:
    return month.strftime("%Y-%m") if month else "-"
