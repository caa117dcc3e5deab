"""Every edge of the transition table taken through `case_move` on a real case, and a table
of forbidden moves that leave the case, its timeline, letters and audit trail untouched."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.compliance import rules, services
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import Case, CaseEvent, Finding, Letter
from lindungi.compliance.rules import State
from lindungi.core.errors import Conflict
from lindungi.core.models import AuditEvent

from .conftest import MONTH

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


def path_to(target: State) -> list[State]:
    """Shortest route from open to `target` over the table (BPJS side)."""
    seen, queue = {State.OPEN: [State.OPEN]}, deque([State.OPEN])
    while queue:
        here = queue.popleft()
        for f, t in rules.TRANSITIONS:
            if f == here and t not in seen:
                seen[t] = [*seen[here], t]
                queue.append(t)
    return seen[target]


@pytest.fixture
def new_case(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    compliance_officer_kaltim: Any,
) -> Callable[[], tuple[Case, Callable[[], None]]]:
    def make() -> tuple[Case, Callable[[], None]]:
        employer = make_employer(kukar_village, size="small")
        add_members(employer, 1, wage=4_000_000)
        import_wlkp([(employer.nib, "", "2026-10", 3, 0, 12_000_000)])
        crosscheck_run(month=MONTH, actor=None)
        finding = Finding.objects.get(kind="pds_tk", employer=employer)
        case = services.case_open(finding_id=finding.pk, actor=compliance_officer_kaltim, today=DAY)

        def fix() -> None:
            add_members(employer, 2, wage=4_000_000, start=date(2026, 11, 1))

        return case, fix

    return make


def walk(case: Case, states: list[State], actor: Any, fix: Callable[[], None]) -> Case:
    for state in states[1:]:
        if state == State.RESOLVED:
            fix()
        case = services.case_move(case_id=case.pk, to=state, actor=actor, today=DAY)
    return case


@pytest.mark.parametrize(("current", "target"), list(rules.TRANSITIONS))
def test_every_allowed_edge(
    current: State, target: State, new_case: Any, compliance_officer_kaltim: Any
) -> None:
    case, fix = new_case()
    case = walk(case, path_to(current), compliance_officer_kaltim, fix)
    assert case.state == current
    moved = walk(case, [current, target], compliance_officer_kaltim, fix)
    assert moved.state == target
    last = CaseEvent.objects.filter(case=case).last()
    assert last is not None
    assert (last.from_state, last.to_state) == (current, target)
    letter = rules.TRANSITIONS[(current, target)].letter
    if letter:
        assert Letter.objects.filter(case=case, kind=letter).count() == 1


FORBIDDEN = [
    (State.OPEN, State.WARNING_1),
    (State.OPEN, State.FINE),
    (State.OPEN, State.RESOLVED),
    (State.DESK_REVIEW, State.WARNING_2),
    (State.DESK_REVIEW, State.TMP2T_REQUESTED),
    (State.WARNING_1, State.FINE),
    (State.WARNING_1, State.DESK_REVIEW),
    (State.WARNING_2, State.WARNING_1),
    (State.WARNING_2, State.TMP2T_REQUESTED),
    (State.FINE, State.WARNING_2),
    (State.TMP2T_REQUESTED, State.FINE),
    (State.RESOLVED, State.OPEN),
    (State.RESOLVED, State.WARNING_1),
    (State.CLOSED, State.OPEN),
    (State.CLOSED, State.RESOLVED),
    (State.INSPECTED, State.VISIT_SCHEDULED),
    (State.WARNING_1, State.WARNING_1),
]


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_move_changes_nothing(
    current: State, target: State, new_case: Any, compliance_officer_kaltim: Any
) -> None:
    assert (current, target) not in rules.TRANSITIONS
    case, fix = new_case()
    case = walk(case, path_to(current), compliance_officer_kaltim, fix)
    case.refresh_from_db()
    before = (
        case.state,
        case.due_on,
        case.state_since,
        CaseEvent.objects.count(),
        Letter.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(Conflict):
        services.case_move(case_id=case.pk, to=target, actor=compliance_officer_kaltim, today=DAY)
    case.refresh_from_db()
    after = (
        case.state,
        case.due_on,
        case.state_since,
        CaseEvent.objects.count(),
        Letter.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
