"""The case timeline names events without a person "sistem", in the interface language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.models import CaseEvent, Finding
from lindungi.compliance.services import case_open

from .conftest import MONTH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "word"), [("id", "sistem"), ("en", "system")])
def test_event_without_actor_reads_system_in_the_language(
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    compliance_officer_kaltim: Any,
    language: str,
    word: str,
) -> None:
    employer = make_employer(kukar_village, size="small", name="PT Mahakam Uji")
    add_members(employer, 2, wage=3_000_000)  # under the minimum wage: a finding
    crosscheck_run(month=MONTH, actor=None)
    finding = Finding.objects.get()
    case = case_open(finding_id=finding.pk, actor=compliance_officer_kaltim)
    CaseEvent.objects.filter(case=case).update(actor=None)  # as a scheduled job records them
    client = Client()
    client.force_login(compliance_officer_kaltim)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get(f"/compliance/cases/{case.pk}/").content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert f" · {word}</small>" in timeline
