"""The admin saves rule rows through the services, so edits are validated and audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lindungi.accounts.models import User
from lindungi.core.models import AuditEvent
from lindungi.reference import selectors
from lindungi.reference.models import RuleRow

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def _form(row: RuleRow, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "table": row.table,
        "key": row.key,
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else "",
        "value": str(row.value),
        "params": "{}",
        "regulation": row.regulation,
        "source": row.source,
        "status": row.status,
        "note": row.note,
        "_save": "Simpan",
    }
    return data | changes


def test_admin_edit_goes_through_the_service(admin_client: Client, admin: User) -> None:
    row = RuleRow.objects.get(table="pu_jkk_rate", key="V")
    url = reverse("admin:reference_rulerow_change", args=[row.pk])

    response = admin_client.post(url, _form(row, value="0.0180", note="uji"))

    assert response.status_code == 302, response.content
    row.refresh_from_db()
    assert row.value == Decimal("0.0180")
    [update] = selectors.rule_row_history(row).filter(action="rule_row.update")
    assert update.actor == admin
    assert update.before == {"value": "0.017400", "note": ""}
    assert update.after == {"value": "0.018000", "note": "uji"}
    page = admin_client.get(url)
    assert b"rule_row.update" in page.content  # the history shows on the row's page


def test_admin_add_is_audited(admin_client: Client) -> None:
    ended = RuleRow.objects.get(table="ump", key="64", valid_from=date(2026, 1, 1))
    admin_client.post(
        reverse("admin:reference_rulerow_change", args=[ended.pk]),
        _form(ended, valid_to="2027-01-01"),
    )
    data = _form(ended, valid_from="2027-01-01", valid_to="", value="4000000", status="NEWS")
    response = admin_client.post(reverse("admin:reference_rulerow_add"), data)

    assert response.status_code == 302, response.content
    new = selectors.rate_in_force("ump", "64", date(2027, 1, 1))
    assert new.value == 4_000_000
    assert [e.action for e in selectors.rule_row_history(new)] == ["rule_row.create"]


def test_admin_refuses_an_overlapping_period(admin_client: Client) -> None:
    row = RuleRow.objects.get(table="jp_wage_cap", valid_from=date(2024, 3, 1))
    events = AuditEvent.objects.count()

    response = admin_client.post(
        reverse("admin:reference_rulerow_change", args=[row.pk]),
        _form(row, valid_to="2025-06-01"),
    )

    assert response.status_code == 200  # the form again, with the error
    assert b"tumpang tindih" in response.content
    row.refresh_from_db()
    assert row.valid_to == date(2025, 3, 1)
    assert AuditEvent.objects.count() == events


def test_regions_are_read_only_and_rule_rows_never_deleted(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:reference_region_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:reference_region_add")).status_code == 403
    row = RuleRow.objects.get(table="pu_jkm_rate")
    delete = reverse("admin:reference_rulerow_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert RuleRow.objects.filter(pk=row.pk).exists()


def test_non_admin_staff_cannot_edit_rules(make_user: Callable[..., User]) -> None:
    officer = make_user("cabang_staf", "branch_officer", "6472")
    officer.is_staff = True  # even if someone made them staff, EDIT_RULES decides
    officer.save()
    client = Client()
    client.force_login(officer)
    row = RuleRow.objects.get(table="pu_jkm_rate")
    url = reverse("admin:reference_rulerow_change", args=[row.pk])
    response = client.post(url, _form(row, value="0.5"))
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.value == Decimal("0.003")
