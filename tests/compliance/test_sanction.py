"""The administrative fine of PP 86/2013 Pasal 7: 0.1 % of the contributions due per month
(REGULATIONS.md §3.3), rounded once half up, recorded when a case reaches the fine step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lindungi.compliance import services
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import CaseEvent, Finding
from lindungi.compliance.sanction import fine_amount, months_between
from lindungi.core.models import AuditEvent

from .conftest import MONTH

RATE = Decimal("0.001")


@pytest.mark.parametrize(
    ("due", "months", "fine"),
    [
        (1_000_000, 1, 1_000),
        (1_234_567, 1, 1_235),  # 1,234.567 → 1,235
        (1_500, 1, 2),  # 1.5 → 2, half up
        (1_499, 1, 1),
        (462_000, 3, 1_386),
        (0, 1, 0),
        (-5_000, 1, 0),  # a credit owes no fine
    ],
)
def test_fine_amount(due: int, months: int, fine: int) -> None:
    assert fine_amount(contributions_due=due, rate=RATE, months=months) == fine


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2026-10-01", "2026-10-20", 1),
        ("2026-10-01", "2026-11-02", 1),
        ("2026-08-01", "2026-11-02", 3),
    ],
)
def test_months_between(start: str, end: str, months: int) -> None:
    assert months_between(date.fromisoformat(start), date.fromisoformat(end)) == months


@pytest.mark.django_db
def test_reaching_the_fine_step_records_the_fine(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    compliance_officer_kaltim: Any,
) -> None:
    employer = make_employer(kukar_village, npp="K2000009", size="small")
    add_members(employer, 1, wage=4_000_000)
    import_wlkp([("", "K2000009", "2026-10", 3, 0, 12_000_000)])
    crosscheck_run(month=MONTH, actor=None)
    finding = Finding.objects.get(kind="pds_tk", employer=employer)
    case = services.case_open(finding_id=finding.pk, actor=compliance_officer_kaltim)
    day = date(2026, 12, 20)  # two contribution months after October
    for to in ["desk_review", "warning_1", "warning_2", "fine"]:
        services.case_move(case_id=case.pk, to=to, actor=compliance_officer_kaltim, today=day)
    due = finding.contributions_lost * 2
    assert finding.contributions_lost > 0
    expected = {
        "fine_amount": fine_amount(contributions_due=due, rate=RATE),
        "fine_basis": due,
        "fine_rate": "0.001000",
        "fine_rule": "sanction_fine PP 86/2013 Pasal 7 from 2014-01-01",
    }
    event = CaseEvent.objects.get(case=case, to_state="fine")
    assert {k: event.data[k] for k in expected} == expected
    audit = AuditEvent.objects.get(action="compliance.case_move", after__state="fine")
    assert audit.after is not None
    assert audit.after["fine_amount"] == expected["fine_amount"]
