"""Bulk loading of demo data: all or nothing, once per seed, encrypted, constraints intact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from lindungi.accounts.models import User
from lindungi.core import access, pii
from lindungi.core.errors import PermissionDenied
from lindungi.core.models import AuditEvent
from lindungi.registry import bulk
from lindungi.registry.demo import context_from_db, generate
from lindungi.registry.demo.service import (
    ACTION,
    demo_generate,
    demo_logins_ensure,
    first_demo_employer,
)
from lindungi.registry.models import Employer, Membership, Payer, Worker
from lindungi.registry.selectors import WorkerQuery, worker_search

N = 2_000
pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "workers": Worker.objects.count(),
        "employers": Employer.objects.count(),
        "payers": Payer.objects.count(),
        "memberships": Membership.objects.count(),
        "events": AuditEvent.objects.filter(action=ACTION).count(),
    }


@pytest.fixture
def loaded() -> dict[str, Any]:
    result = demo_generate(workers=N, seed=3)
    return result.as_dict()


def test_load_writes_every_generated_row_and_one_audit_event(loaded: dict[str, Any]) -> None:
    counts = loaded["counts"]
    assert _counts() == {
        "workers": N,
        "employers": counts["employers"],
        "payers": counts["payers"],
        "memberships": counts["memberships"],
        "events": 1,
    }
    event = AuditEvent.objects.get(action=ACTION)
    after = event.after or {}
    assert after["seed"] == 3
    assert after["workers"] == N
    assert after["counts"]["memberships"] == counts["memberships"]
    assert event.actor is None
    open_ = Membership.objects.filter(end__isnull=True)
    assert open_.count() == counts["active_pu"] + counts["active_bpu"]


def test_same_seed_again_adds_nothing(loaded: dict[str, Any]) -> None:
    before = _counts()
    again = demo_generate(workers=N, seed=3)
    assert again.already_loaded
    assert again.counts == loaded["counts"]
    assert _counts() == before


def test_another_seed_adds_its_own_people_without_clashes(loaded: dict[str, Any]) -> None:
    # An id once given (and named in audit events) is never given again, even after a delete.
    gone = Worker.objects.create(
        full_name="Sementara",
        name_search="sementara",
        birth_date=date(1990, 1, 1),
        sex="L",
        village_id="6402012001",
    )
    gone_id = gone.pk
    gone.delete()
    before = _counts()
    other = demo_generate(workers=500, seed=4)
    assert not other.already_loaded
    assert _counts()["workers"] == before["workers"] + 500
    assert Worker.objects.values("nik_index").distinct().count() == N + 500
    assert other.counts["first_worker_id"] > gone_id


def test_nik_and_phone_are_only_stored_encrypted(loaded: dict[str, Any]) -> None:
    data = generate(workers=N, seed=3, ctx=context_from_db())
    niks = data.workers["nik"].tolist()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_worker ORDER BY id")
        rows = cursor.fetchall()
    dump = " ".join(
        bytes(v).hex() + bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
        for row in rows
        for v in row
    )
    assert not [nik for nik in niks if nik in dump]
    phones = [p for p in data.workers["phone"].tolist() if p]
    assert not [p for p in phones[:200] if p in dump]
    worker = Worker.objects.order_by("pk").first()
    assert worker is not None
    assert worker.nik_enc is not None
    nik = pii.decrypt(worker.nik_enc, field="nik")
    assert nik == niks[0]
    assert worker.nik_index == pii.blind_index(nik, field="nik")


def test_loaded_workers_are_found_by_nik_and_by_name(
    loaded: dict[str, Any], admin: User, branch_officer_kukar: User
) -> None:
    worker = Worker.objects.filter(access.region_q("village_id", ["6402"])).order_by("pk").first()
    assert worker is not None
    assert worker.nik_enc is not None
    nik = pii.decrypt(worker.nik_enc, field="nik")
    for actor in (admin, branch_officer_kukar):
        page = worker_search(actor=actor, query=WorkerQuery(text=nik))
        assert [w.pk for w in page.items] == [worker.pk]
    page = worker_search(actor=admin, query=WorkerQuery(text=worker.full_name, limit=100))
    assert worker.pk in [w.pk for w in page.items]


def test_constraints_hold_after_the_load(loaded: dict[str, Any]) -> None:
    current = Membership.objects.filter(end__isnull=True).order_by("pk").first()
    assert current is not None
    overlap = Membership(
        worker_id=current.worker_id,
        segment=current.segment,
        payer_id=current.payer_id,
        declared_wage=1_000_000,
        start=date(2026, 9, 1),
        end=date(2026, 9, 30),
        end_reason="correction",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        overlap.save()
    twin = Worker.objects.order_by("pk").first()
    assert twin is not None
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_failure_midway_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, first: dict[str, int]) -> None:
        raise IntegrityError("simulated crash after the rows were written")

    writer = bulk._PostgresWriter if connection.vendor == "postgresql" else bulk._SqliteWriter
    monkeypatch.setattr(writer, "restore", broken)
    before = _counts()
    with pytest.raises(IntegrityError):
        demo_generate(workers=300, seed=9)
    assert _counts() == before


def test_only_an_administrator_may_generate(make_user: Callable[..., User]) -> None:
    planner = make_user("perencana", access.Role.REGIONAL_PLANNER, "6402")
    before = _counts()
    with pytest.raises(PermissionDenied):
        demo_generate(workers=100, seed=21, actor=planner)
    assert _counts() == before


def test_demo_logins_are_created_once(loaded: dict[str, Any], settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    employer = first_demo_employer()
    assert employer == loaded["counts"]["first_employer_id"]
    first = demo_logins_ensure(password="demo-pass-123", employer_id=employer)
    assert len(first) == len(access.Role.values)
    assert all(created for _, created in first)
    again = demo_logins_ensure(password="demo-pass-123", employer_id=employer)
    assert not any(created for _, created in again)
    hrd = User.objects.get(username="pemberi_kerja")
    assert hrd.organisation == ("employer", employer)
    village = User.objects.get(role=access.Role.VILLAGE_OFFICER).region_scope
    assert village.startswith("6112")
    assert Worker.objects.filter(village_id=village).exists()
