"""The demo's compliance work: reports, the cross-check, a first case; nothing made twice."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.compliance.demo import UNREGISTERED_BUSINESSES, demo_compliance
from lindungi.compliance.models import Case, Finding, Letter
from lindungi.registry.demo.service import demo_generate, demo_logins_ensure, first_demo_employer

pytestmark = pytest.mark.django_db


def test_demo_compliance_finds_gaps_and_opens_one_case() -> None:
    demo_generate(workers=1_500, seed=7)
    demo_logins_ensure(password="demo-test-pass", employer_id=first_demo_employer())
    made = demo_compliance(month=date(2026, 10, 1), seed=7)
    assert made == Finding.objects.count() > 0
    assert Finding.objects.filter(kind="ptd").count() == UNREGISTERED_BUSINESSES
    assert Finding.objects.filter(kind="pds_tk").exists()
    case = Case.objects.get()
    assert case.state == "warning_1"
    assert Letter.objects.filter(case=case).count() == 1
    assert demo_compliance(month=date(2026, 10, 1), seed=7) == 0
    assert Case.objects.count() == 1
