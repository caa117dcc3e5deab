"""SQLite triggers carry rules the schema cannot; they must survive every migration."""

from __future__ import annotations

import pytest
from django.db import connection

from lindungi.core.dbrules import all_triggers, ensure_sqlite_triggers, missing_sqlite_triggers

pytestmark = pytest.mark.django_db


def test_every_declared_trigger_exists_after_migrate() -> None:
    assert missing_sqlite_triggers(connection) == []
    if connection.vendor == "sqlite":
        assert {t.name for t in all_triggers()} >= {
            "core_auditevent_no_update",
            "registry_membership_no_overlap_ins",
            "registry_worker_name_ai",
        }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="triggers are SQLite's mechanism")
def test_a_dropped_trigger_is_recreated() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER registry_worker_name_ai")
    assert [t.name for t in missing_sqlite_triggers(connection)] == ["registry_worker_name_ai"]
    assert ensure_sqlite_triggers(connection) == ["registry_worker_name_ai"]
    assert missing_sqlite_triggers(connection) == []


def test_every_membership_segment_has_its_no_overlap_rule() -> None:
    """A segment added to the choices without its exclusion constraint would allow overlaps."""
    from lindungi.registry.dbrules import SEGMENTS, no_overlap_constraint
    from lindungi.registry.models import Segment

    assert set(SEGMENTS) == set(Segment.values)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'registry_membership'::regclass"
            " AND contype = 'x'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {no_overlap_constraint(s) for s in SEGMENTS}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage setting")
def test_worker_pages_keep_room_for_in_place_updates() -> None:
    """A DTKS list's decile updates stay in their page (HOT) only if the page has room."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'registry_worker'")
        assert cursor.fetchone()[0] == ["fillfactor=70"]
