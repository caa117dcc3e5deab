"""Pure compliance rules: mandatory programmes by size, the case state machine, deadlines.

No ORM, no clock. Readings of the regulations (⚠ where uncertain) are in docs/compliance.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindungi.compliance.calendar import add_working_days

StrOrPromise = str | Promise

# REGULATIONS.md §3.2 (Perpres 109/2013 staging): large and medium employers at least JKK, JKM,
# JHT and JP; small and micro at least JKK, JKM and JHT. JKP costs the employer nothing.
MANDATORY: dict[str, frozenset[str]] = {
    "large": frozenset({"JKK", "JKM", "JHT", "JP"}),
    "medium": frozenset({"JKK", "JKM", "JHT", "JP"}),
    "small": frozenset({"JKK", "JKM", "JHT"}),
    "micro": frozenset({"JKK", "JKM", "JHT"}),
}
PROGRAMMES = ("JKK", "JKM", "JHT", "JP")


def mandatory_programmes(size_class: str) -> frozenset[str]:
    """Programmes an employer of this size class must register every worker in."""
    return MANDATORY.get(size_class, MANDATORY["small"])


def size_from_headcount(workers: int) -> str:
    """⚠ Fallback when no scale is known: BPS headcount bands (1-4, 5-19, 20-99, 100+).

    The legal classes (PP 7/2021) go by capital and turnover, which the check data lacks.
    """
    if workers >= 100:
        return "large"
    if workers >= 20:
        return "medium"
    if workers >= 5:
        return "small"
    return "micro"


class State(StrEnum):
    OPEN = "open"
    DESK_REVIEW = "desk_review"
    VISIT_SCHEDULED = "visit_scheduled"
    INSPECTED = "inspected"
    WARNING_1 = "warning_1"
    WARNING_2 = "warning_2"
    FINE = "fine"
    TMP2T_REQUESTED = "tmp2t_requested"
    REFERRED_INSPECTOR = "referred_inspector"
    REFERRED_PROSECUTOR = "referred_prosecutor"
    RESOLVED = "resolved"
    CLOSED = "closed"


STATE_LABELS: dict[State, StrOrPromise] = {
    State.OPEN: _("Terbuka"),
    State.DESK_REVIEW: _("Pemeriksaan dokumen"),
    State.VISIT_SCHEDULED: _("Kunjungan dijadwalkan"),
    State.INSPECTED: _("Sudah diperiksa"),
    State.WARNING_1: _("Teguran I"),
    State.WARNING_2: _("Teguran II"),
    State.FINE: _("Denda"),
    State.TMP2T_REQUESTED: _("TMP2T diajukan"),
    State.REFERRED_INSPECTOR: _("Dilimpahkan ke pengawas"),
    State.REFERRED_PROSECUTOR: _("Dilimpahkan ke kejaksaan"),
    State.RESOLVED: _("Selesai (patuh)"),
    State.CLOSED: _("Ditutup"),
}

BPJS = "bpjs"  # BPJS compliance officers (and administrators)
INSPECTOR = "inspector"  # provincial labour inspectors
BOTH = frozenset({BPJS, INSPECTOR})


class Deadline(StrEnum):
    NONE = "none"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class Step:
    """Who may move a case along one edge, and the deadline the new state sets."""

    actors: frozenset[str]
    deadline: Deadline = Deadline.NONE
    days: int = 0
    letter: str = ""  # the letter the move issues, if any
    verify: bool = False  # the registry must show the gaps closed first


S = State
# PP 86/2013: warnings are BPJS's (Pasal 6: two, each 10 working days), the fine is BPJS's
# (Pasal 7: within 30 days after the 2nd warning), TMP2T is requested by BPJS (Pasal 8-9).
# Desk review and visit SLAs of 10 working days are house rules (⚠ no regulation found).
TRANSITIONS: dict[tuple[State, State], Step] = {
    (S.OPEN, S.DESK_REVIEW): Step(BOTH, Deadline.WORKING_DAYS, 10),
    (S.OPEN, S.CLOSED): Step(BOTH),
    (S.DESK_REVIEW, S.VISIT_SCHEDULED): Step(BOTH, Deadline.WORKING_DAYS, 10),
    (S.DESK_REVIEW, S.WARNING_1): Step(frozenset({BPJS}), Deadline.WORKING_DAYS, 10, "warning_1"),
    (S.DESK_REVIEW, S.RESOLVED): Step(BOTH, verify=True),
    (S.DESK_REVIEW, S.CLOSED): Step(BOTH),
    (S.VISIT_SCHEDULED, S.INSPECTED): Step(BOTH, Deadline.WORKING_DAYS, 10),
    (S.INSPECTED, S.WARNING_1): Step(frozenset({BPJS}), Deadline.WORKING_DAYS, 10, "warning_1"),
    (S.INSPECTED, S.REFERRED_INSPECTOR): Step(frozenset({BPJS})),
    (S.INSPECTED, S.RESOLVED): Step(BOTH, verify=True),
    (S.INSPECTED, S.CLOSED): Step(BOTH),
    (S.WARNING_1, S.WARNING_2): Step(frozenset({BPJS}), Deadline.WORKING_DAYS, 10, "warning_2"),
    (S.WARNING_1, S.RESOLVED): Step(BOTH, verify=True),
    (S.WARNING_2, S.FINE): Step(frozenset({BPJS}), Deadline.CALENDAR_DAYS, 30),
    (S.WARNING_2, S.RESOLVED): Step(BOTH, verify=True),
    (S.FINE, S.TMP2T_REQUESTED): Step(frozenset({BPJS}), letter="tmp2t"),
    (S.FINE, S.REFERRED_INSPECTOR): Step(frozenset({BPJS})),
    (S.FINE, S.REFERRED_PROSECUTOR): Step(frozenset({BPJS})),
    (S.FINE, S.RESOLVED): Step(BOTH, verify=True),
    (S.TMP2T_REQUESTED, S.REFERRED_INSPECTOR): Step(frozenset({BPJS})),
    (S.TMP2T_REQUESTED, S.REFERRED_PROSECUTOR): Step(frozenset({BPJS})),
    (S.TMP2T_REQUESTED, S.RESOLVED): Step(BOTH, verify=True),
    (S.REFERRED_INSPECTOR, S.REFERRED_PROSECUTOR): Step(BOTH),
    (S.REFERRED_INSPECTOR, S.RESOLVED): Step(BOTH, verify=True),
    (S.REFERRED_PROSECUTOR, S.RESOLVED): Step(BOTH, verify=True),
    (S.REFERRED_PROSECUTOR, S.CLOSED): Step(frozenset({BPJS})),
    (S.RESOLVED, S.CLOSED): Step(BOTH),
}
TERMINAL = frozenset({S.RESOLVED, S.CLOSED})


class TransitionRefused(Exception):  # noqa: N818 (reads as the condition)
    """The move is not an edge of the table, or the actor's side may not make it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def step_for(current: str, target: str, side: str) -> Step:
    """The table's edge current → target if `side` may take it; else TransitionRefused."""
    try:
        edge = (State(current), State(target))
    except ValueError:
        raise TransitionRefused("unknown_state") from None
    step = TRANSITIONS.get(edge)
    if step is None:
        raise TransitionRefused("not_allowed")
    if side not in step.actors:
        raise TransitionRefused("not_your_step")
    return step


def allowed_targets(current: str, side: str) -> list[State]:
    """States the side may move a case to from `current`, in table order."""
    return [t for (f, t), s in TRANSITIONS.items() if f == current and side in s.actors]


def due_date(step: Step, on: date, holidays: frozenset[date]) -> date | None:
    """The deadline a step sets when taken on `on`."""
    if step.deadline is Deadline.WORKING_DAYS:
        return add_working_days(on, step.days, holidays)
    if step.deadline is Deadline.CALENDAR_DAYS:
        return on + timedelta(days=step.days)
    return None


LETTER_CODES = {"warning_1": "TEG-1", "warning_2": "TEG-2", "tmp2t": "TMP2T"}


def letter_number(*, seq: int, kind: str, office_code: str, year: int) -> str:
    """0007/TEG-1/6402/2026: sequence per office and year, then kind, office and year."""
    return f"{seq:04d}/{LETTER_CODES[kind]}/{office_code}/{year}"
