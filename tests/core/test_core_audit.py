"""core.audit: snapshots without secrets, diffs, events only inside the change's transaction,
append-only at the database, and reads limited to core.view_audit in scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from lindungi.accounts.models import User
from lindungi.core import audit
from lindungi.core.access import Role
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.core.models import AuditEvent
from lindungi.reference.models import RuleRow
from lindungi.registry.models import Worker
from lindungi.registry.services import WorkerInput, worker_register


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_snapshot_leaves_out_ciphertext_indexes_and_search_keys() -> None:
    worker = Worker(
        pk=7,
        nik_index="ab" * 16,
        nik_enc=b"\x02k1secret",
        phone_enc=b"\x02k1secret",
        full_name="Budi",
        name_search="budi",
        birth_date=date(1985, 8, 12),
        sex="L",
        village_id="6402012001",
        registered_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    snap = audit.snapshot(worker, exclude=("updated_at",))
    assert {"nik_index", "nik_enc", "phone_enc", "name_search", "updated_at"}.isdisjoint(snap)
    assert (snap["birth_date"], snap["registered_at"]) == (
        "1985-08-12",
        "2025-01-02T03:04:05+00:00",
    )
    assert (snap["id"], snap["village_id"], snap["full_name"]) == (7, "6402012001", "Budi")


def test_snapshot_writes_decimals_as_text() -> None:
    row = RuleRow(table="t", valid_from=date(2025, 1, 1), value=Decimal("0.0024"), regulation="PP")
    assert audit.snapshot(row)["value"] == "0.0024"


def test_diff_keeps_only_changed_keys() -> None:
    before = {"a": 1, "b": "x", "c": None}
    after = {"a": 1, "b": "y", "c": 3}
    assert audit.diff(before, after) == ({"b": "x", "c": None}, {"b": "y", "c": 3})
    assert audit.diff(before, before) == ({}, {})


def test_record_outside_a_transaction_is_refused() -> None:
    # No database access needed: the check comes first.
    with pytest.raises(RuntimeError, match="must run inside the change's transaction"):
        audit.record(actor=None, action="x.y", object_type="t", object_id="1")


@pytest.mark.django_db
def test_record_by_the_system() -> None:
    event = audit.record(actor=None, action="reference.load", object_type="ds", object_id="v")
    assert (event.actor_id, event.actor_label, event.before, event.after) == (
        None,
        "system",
        None,
        None,
    )


@pytest.mark.django_db
def test_audit_events_are_append_only() -> None:
    event = audit.record(actor=None, action="x.y", object_type="t", object_id="1", note="asli")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.note == "asli"


@pytest.fixture
def events(admin: User) -> dict[str, AuditEvent]:
    """One registration in Kutai Kartanegara, one in Kubu Raya, one user event (no region)."""
    out = {}
    for key, village, nik in (("kukar", "6402012001", ""), ("kubu", "6112012001", "")):
        w = worker_register(
            data=WorkerInput("Budi", date(1985, 8, 12), "L", village, nik=nik), actor=admin
        )
        out[key] = AuditEvent.objects.get(action="worker.register", object_id=str(w.pk))
    out["user"] = AuditEvent.objects.get(action="user.create", object_id=str(admin.pk))
    return out


def test_event_reads_need_the_permission(
    events: dict[str, AuditEvent], branch_officer_kukar: User
) -> None:
    with pytest.raises(PermissionDenied, match=r"core\.view_audit"):
        audit.event_list(actor=branch_officer_kukar)
    with pytest.raises(PermissionDenied, match=r"core\.view_audit"):
        audit.event_get(actor=branch_officer_kukar, event_id=events["kukar"].pk)


def test_a_national_auditor_reads_everything(events: dict[str, AuditEvent], auditor: User) -> None:
    listed = audit.event_list(actor=auditor, action="worker.register")
    assert [e.pk for e in listed] == [events["kubu"].pk, events["kukar"].pk]
    assert audit.event_get(actor=auditor, event_id=events["user"].pk).action == "user.create"
    by_object = audit.event_list(
        actor=auditor, object_type="registry.worker", object_id=events["kukar"].object_id
    )
    assert [e.pk for e in by_object] == [events["kukar"].pk]
    older = audit.event_list(actor=auditor, action="worker.register", before_id=events["kubu"].pk)
    assert [e.pk for e in older] == [events["kukar"].pk]


def test_a_regional_auditor_reads_only_the_region(
    events: dict[str, AuditEvent], make_user: Callable[..., User]
) -> None:
    regional = make_user("auditor_kaltim", Role.AUDITOR, "64")
    listed = audit.event_list(actor=regional)
    assert {e.region_code for e in listed} == {"6402012001"}
    answers = []
    for pk in (events["kubu"].pk, events["user"].pk, 10**9):
        with pytest.raises(NotFound) as exc:
            audit.event_get(actor=regional, event_id=pk)
        answers.append(str(exc.value))
    assert answers == ["audit event not found"] * 3
