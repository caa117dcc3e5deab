"""The audit page: filters, keyset pages, scope, and never a plaintext NIK or phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.core.access import Role
from lindungi.core.models import AuditEvent
from lindungi.registry.models import Worker
from lindungi.registry.services import worker_reveal

BUDI_NIK = "6402011208850001"


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)">', html)]


def test_audit_page_shows_reveals_without_personal_data(
    client_as: Callable[[User], Client],
    auditor: User,
    branch_officer_kukar: User,
    worker_kukar: Worker,
) -> None:
    client_as(branch_officer_kukar).post(f"/workers/{worker_kukar.pk}/reveal/", {"field": "nik"})
    client_as(branch_officer_kukar).post(f"/workers/{worker_kukar.pk}/reveal/", {"field": "phone"})
    html = client_as(auditor).get("/audit/").content.decode()
    assert "worker.reveal_nik" in html
    assert "worker.reveal_phone" in html
    assert "worker.register" in html
    assert "6402••••••••0001" in html  # the masked NIK the register event carries
    for plain in (BUDI_NIK, "081234567890", "6281234567890"):
        assert plain not in html


@pytest.mark.parametrize(
    ("params", "actions"),
    [
        ({"action": "worker.reveal"}, ["worker.reveal_nik"]),
        ({"action": "worker.register"}, ["worker.register"]),
        ({"actor": "cabang_kukar"}, ["worker.reveal_nik", "worker.register"]),
        ({"actor": "auditor_pusat"}, []),
        ({"object_type": "registry.worker"}, ["worker.reveal_nik", "worker.register"]),
        ({"object_type": "accounts.user"}, ["user.create"] * 2),
    ],
)
def test_audit_filters(
    client_as: Callable[[User], Client],
    auditor: User,
    branch_officer_kukar: User,
    worker_kukar: Worker,
    params: dict[str, str],
    actions: list[str],
) -> None:
    worker_reveal(worker_id=worker_kukar.pk, field="nik", actor=branch_officer_kukar)
    html = client_as(auditor).get("/audit/", params).content.decode()
    ids = row_ids(html)
    assert [AuditEvent.objects.get(pk=i).action for i in ids] == actions


def test_audit_filter_by_object_id_and_dates(
    client_as: Callable[[User], Client], auditor: User, worker_kukar: Worker
) -> None:
    client = client_as(auditor)
    today = AuditEvent.objects.get(action="worker.register").at.astimezone().date()
    base = {"object_type": "registry.worker", "object_id": str(worker_kukar.pk)}
    assert len(row_ids(client.get("/audit/", base).content.decode())) == 1
    same_day = base | {"date_from": today.isoformat(), "date_to": today.isoformat()}
    assert len(row_ids(client.get("/audit/", same_day).content.decode())) == 1
    later = base | {"date_from": today.replace(year=today.year + 1).isoformat()}
    assert row_ids(client.get("/audit/", later).content.decode()) == []


def test_audit_bad_date_is_shown_on_the_form(
    client_as: Callable[[User], Client], auditor: User
) -> None:
    response = client_as(auditor).get("/audit/", {"date_from": "kemarin"})
    assert response.status_code == 200
    assert 'id="id_date_from_error"' in response.content.decode()


def test_audit_keyset_pages(
    client_as: Callable[[User], Client],
    auditor: User,
    branch_officer_kukar: User,
    worker_kukar: Worker,
) -> None:
    for _ in range(29):
        worker_reveal(worker_id=worker_kukar.pk, field="nik", actor=branch_officer_kukar)
    client = client_as(auditor)
    first = client.get("/audit/", {"action": "worker."}).content.decode()
    ids = row_ids(first)
    assert len(ids) == 25  # 30 worker events: 1 register + 29 reveals
    assert ids == sorted(ids, reverse=True)
    assert f"?action=worker.&amp;after={ids[-1]}" in first
    second = client.get("/audit/", {"action": "worker.", "after": str(ids[-1])}).content.decode()
    assert len(row_ids(second)) == 5
    assert row_ids(second)[0] < ids[-1]
    assert 'rel="next"' not in second


def test_scoped_auditor_sees_only_events_of_their_region(
    client_as: Callable[[User], Client],
    make_user: Callable[..., User],
    worker_kukar: Worker,
    worker_kubu_raya: Worker,
) -> None:
    auditor_kubu_raya = make_user("auditor_kubu_raya", Role.AUDITOR, "6112")
    html = client_as(auditor_kubu_raya).get("/audit/", {"action": "worker."}).content.decode()
    objects = {AuditEvent.objects.get(pk=i).object_id for i in row_ids(html)}
    assert objects == {str(worker_kubu_raya.pk)}


def test_worker_page_shows_its_history(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    client.post(f"/workers/{worker_kukar.pk}/reveal/", {"field": "nik"})
    html = client.get(f"/workers/{worker_kukar.pk}/").content.decode()
    history = html.split("Riwayat perubahan")[1]
    assert "worker.reveal_nik" in history
    assert "worker.register" in history
    assert "cabang_kukar" in history
    assert BUDI_NIK not in html
