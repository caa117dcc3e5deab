from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from lindungi.accounts.models import User
from lindungi.core.access import Role
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.reference import selectors
from lindungi.reference.models import Occupation, Region, RuleRow, RuleStatus
from lindungi.reference.services import (
    LoadResult,
    reference_load,
    rule_row_create,
    rule_row_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_2024() -> RuleRow:
    return RuleRow.objects.get(table="jp_wage_cap", key="", valid_from=date(2024, 3, 1))


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user("cabang_samarinda", Role.BRANCH_OFFICER, "6472")


def test_reference_data_counts(reference_data: LoadResult) -> None:
    assert (
        reference_data.provinces,
        reference_data.regencies,
        reference_data.districts,
        reference_data.villages,
        reference_data.historic,
        reference_data.occupations,
        reference_data.rules,
    ) == (38, 514, 7_285, 83_762, 680, 46, 82)
    assert Region.objects.count() == 92_279
    assert Occupation.objects.count() == 46
    assert RuleRow.objects.count() == 82


def test_second_load_changes_nothing(reference_data: LoadResult) -> None:
    events = AuditEvent.objects.count()
    result = reference_load(actor=None)
    assert result.changed == 0
    assert (result.regions_added, result.regions_updated, result.rules_added) == (0, 0, 0)
    assert AuditEvent.objects.count() == events


def test_load_adds_missing_regions_occupations_and_rules() -> None:
    # The session's first load already filled an empty database. Here a part is removed and
    # put back: removing all 92k rows outside the load's savepoint makes SQLite's deferred
    # foreign-key bookkeeping quadratic, which a real (top-level) load never meets.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Region._meta.db_table} WHERE code LIKE '65%%' OR historic"  # noqa: S608
        )
    RuleRow.objects.all().delete()
    Occupation.objects.all().delete()
    selectors.clear_caches()
    assert len(selectors.district_codes_for_nik()) == 7_285 - 55
    loads = AuditEvent.objects.filter(action="reference.load").count()
    creations = AuditEvent.objects.filter(action="rule_row.create", note="rules.json").count()

    result = reference_load(actor=None)

    kaltara = 1 + 5 + 55 + 482  # REGULATIONS.md §5.3
    assert (result.regions_added, result.regions_updated) == (kaltara + 680, 0)
    assert (result.occupations_added, result.rules_added, result.rules_skipped) == (46, 82, 0)
    assert Region.objects.count() == 92_279
    assert AuditEvent.objects.filter(action="reference.load").count() == loads + 1
    created = AuditEvent.objects.filter(action="rule_row.create", note="rules.json")
    assert created.count() == creations + 82
    assert len(selectors.district_codes_for_nik()) == 7_285 + 649


def test_load_repairs_a_changed_region() -> None:
    Region.objects.filter(code="6402").update(name="Kutai")
    result = reference_load(actor=None)
    assert (result.regions_added, result.regions_updated) == (0, 1)
    assert Region.objects.get(code="6402").name == "Kabupaten Kutai Kartanegara"


def test_load_never_overwrites_an_administrators_edit(admin: User, cap_2024: RuleRow) -> None:
    rule_row_update(row=cap_2024, changes={"value": Decimal("10042400")}, actor=admin)
    occupation = Occupation.objects.get(code="nelayan")
    occupation.jkk_risk_group = 5
    occupation.save()

    result = reference_load(actor=None)

    assert result.changed == 0
    assert RuleRow.objects.get(pk=cap_2024.pk).value == 10_042_400
    assert Occupation.objects.get(code="nelayan").jkk_risk_group == 5


def test_load_skips_a_vendored_row_that_clashes_with_an_edited_period(
    admin: User, cap_2024: RuleRow
) -> None:
    # The administrator moved the 2024 step; the vendored 2024-03-01 row is now "absent".
    rule_row_update(row=cap_2024, changes={"valid_from": date(2024, 3, 2)}, actor=admin)
    RuleRow.objects.filter(table="jp_wage_cap", valid_to=date(2024, 3, 1)).update(
        valid_to=date(2024, 3, 2)
    )
    result = reference_load(actor=None)
    assert (result.rules_added, result.rules_skipped) == (0, 1)
    assert RuleRow.objects.filter(table="jp_wage_cap").count() == 12


def test_load_denied_to_a_non_admin_changes_nothing(officer: User) -> None:
    Region.objects.filter(code="6402").update(name="Kutai")
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        reference_load(actor=officer)
    assert Region.objects.get(code="6402").name == "Kutai"
    assert AuditEvent.objects.count() == events


def test_rule_row_update_is_audited_and_is_the_history(admin: User, cap_2024: RuleRow) -> None:
    row = rule_row_update(
        row=cap_2024,
        changes={"value": Decimal("10042400"), "note": "koreksi"},
        actor=admin,
    )
    assert row.value == 10_042_400
    history = list(selectors.rule_row_history(row))
    assert [e.action for e in history] == ["rule_row.create", "rule_row.update"]
    update = history[-1]
    assert update.actor == admin
    assert update.before == {"value": "10042300.000000", "note": ""}
    assert update.after == {"value": "10042400.000000", "note": "koreksi"}


def test_rule_row_update_without_a_change_writes_nothing(admin: User, cap_2024: RuleRow) -> None:
    events = AuditEvent.objects.count()
    rule_row_update(row=cap_2024, changes={"value": Decimal("10042300")}, actor=admin)
    assert AuditEvent.objects.count() == events


def test_rule_row_update_denied_to_a_non_admin(officer: User, cap_2024: RuleRow) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        rule_row_update(row=cap_2024, changes={"value": Decimal("1")}, actor=officer)
    assert RuleRow.objects.get(pk=cap_2024.pk).value == 10_042_300
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"regulation": ""}, "regulation"),
        ({"source": ""}, "source"),
        ({"status": "RUMOUR"}, "status"),
        ({"valid_to": date(2024, 3, 1)}, "__all__"),  # valid_to must be after valid_from
        ({"valid_to": date(2025, 6, 1)}, "valid_from"),  # overlaps the 2025 step
        ({"valid_from": date(2023, 12, 1)}, "valid_from"),  # overlaps the 2023 step
        ({"id": 5}, "id"),  # not editable
    ],
)
def test_rule_row_update_refuses_bad_changes(
    admin: User, cap_2024: RuleRow, changes: dict[str, object], field: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        rule_row_update(row=cap_2024, changes=changes, actor=admin)
    assert field in caught.value.errors
    unchanged = RuleRow.objects.get(pk=cap_2024.pk)
    assert (unchanged.valid_from, unchanged.valid_to, unchanged.value) == (
        date(2024, 3, 1),
        date(2025, 3, 1),
        10_042_300,
    )
    assert AuditEvent.objects.count() == events


def test_rule_row_create_is_audited(admin: User) -> None:
    cap_2026 = RuleRow.objects.get(table="jp_wage_cap", valid_from=date(2026, 3, 1))
    rule_row_update(row=cap_2026, changes={"valid_to": date(2027, 3, 1)}, actor=admin)
    row = rule_row_create(
        table="jp_wage_cap",
        valid_from=date(2027, 3, 1),
        value=Decimal("11600000"),
        regulation="PP 45/2015 Pasal 29",
        source="uji (test)",
        status=RuleStatus.UNVERIFIED,
        actor=admin,
    )
    assert selectors.rate_in_force("jp_wage_cap", "", date(2027, 3, 1)) == row
    assert selectors.rate_in_force("jp_wage_cap", "", date(2027, 2, 28)) == cap_2026
    [event] = selectors.rule_row_history(row)
    assert (event.action, event.actor, event.after["value"]) == (
        "rule_row.create",
        admin,
        "11600000.000000",
    )


def test_rule_row_create_denied_to_a_non_admin(officer: User) -> None:
    rows, events = RuleRow.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        rule_row_create(
            table="ump",
            key="64",
            valid_from=date(2027, 1, 1),
            value=Decimal("4000000"),
            regulation="SK Gubernur",
            source="uji",
            status=RuleStatus.NEWS,
            actor=officer,
        )
    assert (RuleRow.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_rule_row_create_refuses_an_overlapping_row(admin: User) -> None:
    rows = RuleRow.objects.count()
    with pytest.raises(ValidationError) as caught:
        rule_row_create(
            table="ump",
            key="64",
            valid_from=date(2026, 6, 1),
            value=Decimal("4000000"),
            regulation="SK Gubernur",
            source="uji",
            status=RuleStatus.NEWS,
            actor=admin,
        )
    assert "valid_from" in caught.value.errors
    assert RuleRow.objects.count() == rows
