"""Every statement download (PDF or XLSX, web or API) is audited: who, which payer, format and
period; a refused or JSON read writes no event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.services import token_issue
from lindungi.contributions.statements.download import statement_download
from lindungi.contributions.statements.selectors import payer_statement
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Employer, Payer

pytestmark = pytest.mark.django_db
VILLAGE = "6402012001"  # Kutai Kartanegara
PERIOD = {"from_month": "2026-10", "to_month": "2026-11"}


@pytest.fixture
def payer() -> Payer:
    firm = Employer.objects.create(
        npp="00000078",
        name="PT Uji Unduhan",
        size_class="small",
        jkk_risk_group=1,
        village_id=VILLAGE,
    )
    return Payer.objects.create(kind="employer", employer=firm, label=firm.name)


def _events() -> list[tuple[str, str, str, str, dict[str, Any]]]:
    return [
        (e.action, e.actor_label, e.object_id, e.region_code, e.after)
        for e in AuditEvent.objects.filter(action="statement.download").order_by("id")
    ]


def _after(payer: Payer, kind: str) -> dict[str, Any]:
    return {"payer": payer.pk, "format": kind, "from_month": "2026-10-01", "to_month": "2026-11-01"}


def test_the_service_audits_each_download(payer: Payer, admin: Any) -> None:
    found = payer_statement(
        actor=admin,
        payer_id=payer.pk,
        from_month=dt.date(2026, 10, 1),
        to_month=dt.date(2026, 11, 1),
    )
    for kind in ("pdf", "xlsx"):
        assert statement_download(found, kind, actor=admin).status_code == 200
    assert _events() == [
        ("statement.download", "admin_pusat", str(payer.pk), VILLAGE, _after(payer, "pdf")),
        ("statement.download", "admin_pusat", str(payer.pk), VILLAGE, _after(payer, "xlsx")),
    ]
    event = AuditEvent.objects.filter(action="statement.download").first()
    assert event is not None
    assert (event.actor_id, event.object_type) == (admin.pk, "registry.payer")


def test_web_and_api_downloads_are_audited(payer: Payer, branch_officer_kukar: Any) -> None:
    web = Client()
    web.force_login(branch_officer_kukar)
    url = f"/billing/payers/{payer.pk}/statement/"
    assert web.get(url, PERIOD | {"format": "xlsx"}).status_code == 200
    _, secret = token_issue(user=branch_officer_kukar, name="uji", actor=None)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    path = f"/api/v1/payers/{payer.pk}/statement"
    assert api.get(path, PERIOD | {"format": "pdf"}).status_code == 200
    assert api.get(path, PERIOD).status_code == 200  # JSON: a read, not a download
    assert web.get(url, PERIOD).status_code == 200  # the page itself: not a download
    assert _events() == [
        ("statement.download", "cabang_kukar", str(payer.pk), VILLAGE, _after(payer, "xlsx")),
        ("statement.download", "cabang_kukar", str(payer.pk), VILLAGE, _after(payer, "pdf")),
    ]


@pytest.mark.parametrize(
    ("persona", "period", "status"),
    [
        ("branch_officer_kubu_raya", PERIOD, 404),  # another region's payer
        ("labour_inspector_kaltim", PERIOD, 403),  # may see bills, not payments
        ("branch_officer_kukar", {"from_month": "2026-11", "to_month": "2026-10"}, 422),
    ],
)
def test_refused_downloads_write_no_event(
    payer: Payer,
    request: pytest.FixtureRequest,
    persona: str,
    period: dict[str, str],
    status: int,
) -> None:
    web = Client()
    web.force_login(request.getfixturevalue(persona))
    before = AuditEvent.objects.count()
    url = f"/billing/payers/{payer.pk}/statement/"
    assert web.get(url, period | {"format": "pdf"}).status_code == status
    assert AuditEvent.objects.count() == before
