"""The case state machine: every allowed edge, forbidden edges, sides, deadlines, numbers."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.compliance import rules
from lindungi.compliance.rules import BPJS, INSPECTOR, State, TransitionRefused

ALL_EDGES = [(f, t) for f in State for t in State]
FORBIDDEN = [e for e in ALL_EDGES if e not in rules.TRANSITIONS]


@pytest.mark.parametrize(("current", "target"), list(rules.TRANSITIONS))
def test_every_allowed_edge_for_its_sides(current: State, target: State) -> None:
    step = rules.TRANSITIONS[(current, target)]
    for side in (BPJS, INSPECTOR):
        if side in step.actors:
            assert rules.step_for(current, target, side) is step
        else:
            with pytest.raises(TransitionRefused) as err:
                rules.step_for(current, target, side)
            assert err.value.reason == "not_your_step"


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_edges(current: State, target: State) -> None:
    with pytest.raises(TransitionRefused) as err:
        rules.step_for(current, target, BPJS)
    assert err.value.reason == "not_allowed"


def test_closed_is_terminal_and_resolution_always_verified() -> None:
    assert rules.allowed_targets("closed", BPJS) == []
    assert all(s.verify for (_, t), s in rules.TRANSITIONS.items() if t == State.RESOLVED)


def test_warnings_are_bpjs_steps_with_ten_working_days() -> None:
    for edge in [(State.DESK_REVIEW, State.WARNING_1), (State.WARNING_1, State.WARNING_2)]:
        step = rules.TRANSITIONS[edge]
        assert step.actors == frozenset({BPJS})
        assert (step.deadline, step.days) == (rules.Deadline.WORKING_DAYS, 10)
    assert rules.allowed_targets("warning_1", INSPECTOR) == [State.RESOLVED]


def test_due_dates() -> None:
    warning = rules.TRANSITIONS[(State.DESK_REVIEW, State.WARNING_1)]
    fine = rules.TRANSITIONS[(State.WARNING_2, State.FINE)]
    holidays = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
    assert rules.due_date(warning, date(2026, 12, 21), holidays) == date(2027, 1, 6)
    assert rules.due_date(fine, date(2026, 12, 21), holidays) == date(2027, 1, 20)
    assert (
        rules.due_date(rules.TRANSITIONS[(State.OPEN, State.CLOSED)], date(2026, 1, 5), holidays)
        is None
    )


def test_unknown_state() -> None:
    with pytest.raises(TransitionRefused) as err:
        rules.step_for("open", "bogus", BPJS)
    assert err.value.reason == "unknown_state"


@pytest.mark.parametrize(
    ("size", "programmes"),
    [
        ("micro", {"JKK", "JKM", "JHT"}),
        ("small", {"JKK", "JKM", "JHT"}),
        ("medium", {"JKK", "JKM", "JHT", "JP"}),
        ("large", {"JKK", "JKM", "JHT", "JP"}),
    ],
)
def test_mandatory_programmes(size: str, programmes: set[str]) -> None:
    assert rules.mandatory_programmes(size) == programmes


def test_letter_number() -> None:
    assert rules.letter_number(seq=7, kind="warning_1", office_code="6402", year=2026) == (
        "0007/TEG-1/6402/2026"
    )
