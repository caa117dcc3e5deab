"""Cases: open from findings, the transition function, deadlines, letters, verification,
assignment, notes, attachments; every refusal and denial leaves everything as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.compliance import selectors, services
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import Case, CaseEvent, Finding, Letter, LetterSequence
from lindungi.core.access import OrgKind, Role
from lindungi.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent

from .conftest import MONTH

pytestmark = pytest.mark.django_db
MON = date(2026, 3, 16)  # Monday before the 2026 Nyepi + Idul Fitri week


@pytest.fixture
def gap(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> Any:
    """An employer in Kutai Kartanegara with 1 member of 3 reported workers."""
    employer = make_employer(kukar_village, npp="K2000001", size="small")
    add_members(employer, 1, wage=4_000_000)
    import_wlkp([("", "K2000001", "2026-10", 3, 0, 12_000_000)])
    crosscheck_run(month=MONTH, actor=None)
    return employer


@pytest.fixture
def case(gap: Any, compliance_officer_kaltim: Any) -> Case:
    finding = Finding.objects.get(kind="pds_tk")
    return services.case_open(finding_id=finding.pk, actor=compliance_officer_kaltim, today=MON)


def state_of(case: Case) -> tuple[str, date | None, int, int, int]:
    case.refresh_from_db()
    return (
        case.state,
        case.due_on,
        CaseEvent.objects.filter(case=case).count(),
        Letter.objects.count(),
        AuditEvent.objects.count(),
    )


def move(case: Case, to: str, actor: Any, day: date = MON) -> Case:
    return services.case_move(case_id=case.pk, to=to, actor=actor, today=day)


def test_open_groups_the_employers_findings(case: Case, gap: Any) -> None:
    assert case.subject == f"E{gap.pk}"
    assert case.office_code == case.region_code[:4] == "6402"
    assert set(Finding.objects.filter(case=case).values_list("kind", flat=True)) == {"pds_tk"}
    assert case.workers_unprotected == 2
    assert [e.kind for e in CaseEvent.objects.filter(case=case)] == ["opened"]


def test_open_twice_conflicts(case: Case, compliance_officer_kaltim: Any) -> None:
    finding = Finding.objects.get(kind="pds_tk")
    with pytest.raises(Conflict):
        services.case_open(finding_id=finding.pk, actor=compliance_officer_kaltim)


def test_warning_deadline_skips_the_lebaran_week(
    case: Case, compliance_officer_kaltim: Any
) -> None:
    move(case, "desk_review", compliance_officer_kaltim)
    moved = move(case, "warning_1", compliance_officer_kaltim)
    # 17 Mar, then 18-24 Mar off (Nyepi, Idul Fitri, cuti bersama), 3 Apr Good Friday.
    assert moved.due_on == date(2026, 4, 7)
    letter = Letter.objects.get(case=case)
    assert letter.number == "0001/TEG-1/6402/2026"
    assert bytes(letter.pdf).startswith(b"%PDF")


def test_full_path_to_tmp2t_numbers_letters_without_gaps(
    case: Case, compliance_officer_kaltim: Any
) -> None:
    for to in ["desk_review", "warning_1", "warning_2", "fine", "tmp2t_requested"]:
        move(case, to, compliance_officer_kaltim, date(2026, 11, 2))
    assert list(Letter.objects.order_by("seq").values_list("number", flat=True)) == [
        "0001/TEG-1/6402/2026",
        "0002/TEG-2/6402/2026",
        "0003/TMP2T/6402/2026",
    ]
    assert LetterSequence.objects.get(office_code="6402", year=2026).last == 3
    case.refresh_from_db()
    assert case.due_on is None
    assert [e.to_state for e in CaseEvent.objects.filter(case=case, kind="transition")] == [
        "desk_review",
        "warning_1",
        "warning_2",
        "fine",
        "tmp2t_requested",
    ]


def test_forbidden_transition_changes_nothing(case: Case, compliance_officer_kaltim: Any) -> None:
    before = state_of(case)
    with pytest.raises(Conflict):
        move(case, "fine", compliance_officer_kaltim)
    assert state_of(case) == before


def test_inspector_may_not_issue_warnings(case: Case, labour_inspector_kaltim: Any) -> None:
    move(case, "desk_review", labour_inspector_kaltim)
    before = state_of(case)
    with pytest.raises(PermissionDenied):
        move(case, "warning_1", labour_inspector_kaltim)
    assert state_of(case) == before
    move(case, "visit_scheduled", labour_inspector_kaltim)
    assert move(case, "inspected", labour_inspector_kaltim).state == "inspected"


@pytest.mark.parametrize("persona", ["branch_officer_kukar", "dprd_kaltim", "employer_user"])
def test_roles_without_work_case_change_nothing(
    case: Case, persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    before = state_of(case)
    with pytest.raises((PermissionDenied, NotFound)):
        move(case, "desk_review", actor)
    with pytest.raises((PermissionDenied, NotFound)):
        services.case_note(case_id=case.pk, text="x", actor=actor)
    assert state_of(case) == before


def test_out_of_region_reads_as_missing(case: Case, make_user: Callable[..., Any]) -> None:
    kalbar = make_user("kepatuhan_kalbar", Role.COMPLIANCE_OFFICER, "61")
    before = state_of(case)
    with pytest.raises(NotFound):
        move(case, "desk_review", kalbar)
    with pytest.raises(NotFound):
        selectors.case_get(actor=kalbar, case_id=case.pk)
    assert selectors.findings(actor=kalbar, query=selectors.FindingQuery()) == []
    assert state_of(case) == before


def test_resolution_needs_the_workers_registered(
    case: Case, gap: Any, compliance_officer_kaltim: Any, add_members: Callable[..., Any]
) -> None:
    move(case, "desk_review", compliance_officer_kaltim)
    before = state_of(case)
    with pytest.raises(Conflict, match="pds_tk"):
        move(case, "resolved", compliance_officer_kaltim, date(2026, 11, 2))
    assert state_of(case) == before
    add_members(gap, 2, wage=4_000_000, start=date(2026, 11, 1))
    done = move(case, "resolved", compliance_officer_kaltim, date(2026, 11, 2))
    assert (done.state, done.workers_recovered) == ("resolved", 3)
    assert selectors.recovery(actor=compliance_officer_kaltim) == {
        "resolved": 1,
        "workers": 2,
        "contributions": 2 * 249_600,
    }
    assert set(Finding.objects.filter(case=case).values_list("status", flat=True)) == {"resolved"}
    assert move(case, "closed", compliance_officer_kaltim).state == "closed"


def test_assign_note_attach(
    case: Case,
    compliance_officer_kaltim: Any,
    labour_inspector_kaltim: Any,
    branch_officer_kukar: Any,
    make_user: Callable[..., Any],
) -> None:
    services.case_assign(
        case_id=case.pk, assignee_id=labour_inspector_kaltim.pk, actor=compliance_officer_kaltim
    )
    kalbar = make_user("pengawas_kalbar", Role.LABOUR_INSPECTOR, "61")
    for assignee in (branch_officer_kukar, kalbar):
        before = state_of(case)
        with pytest.raises(ValidationError):
            services.case_assign(
                case_id=case.pk, assignee_id=assignee.pk, actor=compliance_officer_kaltim
            )
        assert state_of(case) == before
    services.case_note(case_id=case.pk, text="Telepon HRD", actor=labour_inspector_kaltim)
    item = services.case_attach(
        case_id=case.pk,
        file_name="bap.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.4 x",
        actor=labour_inspector_kaltim,
    )
    assert (
        bytes(
            selectors.attachment_get(actor=compliance_officer_kaltim, attachment_id=item.pk).content
        )
        == b"%PDF-1.4 x"
    )
    kinds = [e.kind for e in selectors.case_timeline(case=case)]
    assert kinds == ["opened", "assigned", "note", "attachment"]
    case.refresh_from_db()
    assert case.assigned_to_id == labour_inspector_kaltim.pk
    with pytest.raises(ValidationError):
        services.case_note(case_id=case.pk, text="  ", actor=labour_inspector_kaltim)


@pytest.fixture
def employer_user(make_user: Callable[..., Any], gap: Any) -> Any:
    return make_user("hrd_pt_uji", Role.EMPLOYER, "", OrgKind.EMPLOYER, gap.pk)


def test_employer_sees_only_own_findings_and_no_cases(
    case: Case,
    employer_user: Any,
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> None:
    add_members(make_employer(kukar_village), 1, wage=1_000_000)
    crosscheck_run(month=MONTH, actor=None)
    assert Finding.objects.count() == 2
    own = selectors.findings(actor=employer_user, query=selectors.FindingQuery())
    assert [f.employer_id for f in own] == [employer_user.organisation_id]
    with pytest.raises(PermissionDenied):
        selectors.case_get(actor=employer_user, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        list(selectors.cases(actor=employer_user))


def test_board_overdue_workload(case: Case, compliance_officer_kaltim: Any) -> None:
    services.case_assign(
        case_id=case.pk, assignee_id=compliance_officer_kaltim.pk, actor=compliance_officer_kaltim
    )
    move(case, "desk_review", compliance_officer_kaltim)
    board = selectors.case_board(actor=compliance_officer_kaltim)
    assert board["desk_review"] == 1
    assert sum(board.values()) == 1
    late = list(selectors.cases(actor=compliance_officer_kaltim, overdue_on=date(2026, 5, 1)))
    assert [c.pk for c in late] == [case.pk]
    rows = selectors.workload(actor=compliance_officer_kaltim, today=date(2026, 5, 1))
    assert [(r["assigned_to"], r["open"], r["overdue"]) for r in rows] == [
        (compliance_officer_kaltim.pk, 1, 1)
    ]


def test_a_gap_found_after_resolution_opens_a_new_case(
    case: Case,
    gap: Any,
    compliance_officer_kaltim: Any,
    add_members: Callable[..., Any],
    import_wlkp: Callable[..., Any],
) -> None:
    add_members(gap, 2, wage=4_000_000, start=date(2026, 11, 1))
    move(case, "desk_review", compliance_officer_kaltim)
    move(case, "resolved", compliance_officer_kaltim, date(2026, 11, 2))
    import_wlkp([("", "K2000001", "2026-11", 5, 0, 20_000_000)])
    crosscheck_run(month=date(2026, 11, 1), actor=None)
    later = Finding.objects.get(kind="pds_tk", month=date(2026, 11, 1))
    second = services.case_open(finding_id=later.pk, actor=compliance_officer_kaltim)
    assert second.pk != case.pk
    assert second.state == "open"
    case.refresh_from_db()
    assert case.state == "resolved"
