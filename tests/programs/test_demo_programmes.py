"""The demo's sponsors and programme, made through the services by the demo personas."""

from __future__ import annotations

from datetime import date

import pytest

from lindungi.programs.demo import demo_programmes
from lindungi.programs.models import Programme, Sponsor
from lindungi.registry.demo.service import demo_generate, demo_logins_ensure, first_demo_employer
from lindungi.registry.models import Membership

pytestmark = pytest.mark.django_db


def test_demo_programmes_once_with_the_csr_sponsor_first() -> None:
    demo_generate(workers=1_500, seed=7)
    demo_logins_ensure(password="demo-test-pass", employer_id=first_demo_employer())
    assert demo_programmes(start=date(2026, 12, 1)) == 1
    first = Sponsor.objects.order_by("id").first()
    assert first is not None
    assert (first.name, first.kind) == ("Mitra CSR", "csr")
    programme = Programme.objects.get()
    assert programme.status == "active"
    enrolled = Membership.objects.filter(payer__kind="program").count()
    assert enrolled > 0
    assert demo_programmes(start=date(2026, 12, 1)) == 0
    assert Membership.objects.filter(payer__kind="program").count() == enrolled
