"""API of returned files, refill and renewal: shapes, scope (404), refusals that change nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.accounts.services import token_issue
from lindungi.core.models import AuditEvent
from lindungi.programs.models import Beneficiary, EnrolmentBatch, Programme, RefillRun, ReturnImport
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.registry.models import Membership, Worker

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
START = date(2026, 6, 1)
MONTH = 16_800


class Api:
    def __init__(self, user: User) -> None:
        _, secret = token_issue(user=user, name="test", actor=None)
        self.client, self.headers = Client(), {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            BASE + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def upload(self, path: str, content: bytes, name: str = "balikan.csv") -> Any:
        data = {"file": SimpleUploadedFile(name, content)}
        return self.client.post(BASE + path, data, headers=self.headers)


@pytest.fixture
def running(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Programme, EnrolmentBatch, dict[str, Worker]]:
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 25))
    programme = approved_programme(start_month=START, quota=2, budget=2 * 12 * MONTH)
    people = (("Ani", 1), ("Budi", 1), ("Citra", 2))
    workers = {name: make_worker(full_name=name, welfare_decile=d) for name, d in people}
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    return programme, batch, workers


def _state() -> tuple[Any, ...]:
    return (
        sorted(Membership.objects.values_list("pk", "kpj", "end", "end_reason")),
        sorted(Beneficiary.objects.values_list("pk", "worker_id", "end", "end_reason")),
        ReturnImport.objects.count(),
        RefillRun.objects.count(),
        Programme.objects.count(),
        AuditEvent.objects.count(),
    )


def test_return_import_then_refill_then_renew(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    kukar_staff: User,
) -> None:
    programme, batch, w = running
    planner, staff = Api(planner_kukar), Api(kukar_staff)
    content = (
        "ID peserta Lindungi;KPJ;Status;Alasan penolakan\n"
        f"{w['Ani'].pk};12345678901;Diterima;\n"
        f"{w['Budi'].pk};;Ditolak;NIK tidak valid\n"
        f"{w['Citra'].pk};123;Diterima;\n"
    ).encode()
    created = planner.upload(f"/programs/{programme.pk}/batches/{batch.pk}/returns", content)
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("rows_read", "accepted", "rejected", "already", "invalid")} == {
        "rows_read": 3,
        "accepted": 1,
        "rejected": 1,
        "already": 0,
        "invalid": 1,
    }
    assert [(p["row"], p["column"], p["value"], p["code"]) for p in body["problems"]] == [
        (4, "ID peserta Lindungi", str(w["Citra"].pk), "not_in_batch")
    ]
    listed = staff.get(f"/programs/{programme.pk}/returns")  # sponsors may read the outcome
    assert [r["id"] for r in listed.json()] == [body["id"]]
    one = staff.get(f"/programs/{programme.pk}/returns/{body['id']}")
    assert (one.status_code, one.json()["problems"][0]["code"]) == (200, "not_in_batch")

    preview = planner.get(f"/programs/{programme.pk}/refill", as_of="2026-11-25")
    assert preview.status_code == 200, preview.content
    assert {k: preview.json()[k] for k in ("start", "months", "open_places", "refill", "cost")} == {
        "start": "2026-12-01",
        "months": 6,
        "open_places": 1,
        "refill": 1,
        "cost": 6 * MONTH,
    }
    assert [q["full_name"] for q in preview.json()["next"]] == ["Citra"]
    done = planner.post(f"/programs/{programme.pk}/refill", {"as_of": "2026-11-25"})
    assert done.status_code == 201, done.content
    assert (done.json()["refilled"], done.json()["cost"]) == (1, 6 * MONTH)

    renewed = staff.post(f"/programs/{programme.pk}/renew", {"mode": "same", "budget": 10**9})
    assert renewed.status_code == 201, renewed.content
    assert {k: renewed.json()[k] for k in ("status", "predecessor_id", "renewal_mode")} == {
        "status": "draft",
        "predecessor_id": programme.pk,
        "renewal_mode": "same",
    }
    assert renewed.json()["start_month"] == "2027-06-01"
    shown = staff.get(f"/programs/{renewed.json()['id']}").json()
    assert (shown["predecessor_id"], shown["renewal_mode"]) == (programme.pk, "same")
    first = staff.get(f"/programs/{programme.pk}").json()
    assert (first["predecessor_id"], first["renewal_mode"]) == (None, "")


def test_bad_files_and_bodies_are_422_and_change_nothing(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    kukar_staff: User,
) -> None:
    programme, batch, _w = running
    planner, staff = Api(planner_kukar), Api(kukar_staff)
    url = f"/programs/{programme.pk}/batches/{batch.pk}/returns"
    before = _state()
    for content, name in [(b"", "kosong.csv"), (b"\x00\x01\x02", "x.bin"), (b"a;b\n1;2", "x.csv")]:
        response = planner.upload(url, content, name)
        assert response.status_code == 422, (name, response.content)
        assert list(response.json()["errors"]) == ["file"]
    bad = staff.post(f"/programs/{programme.pk}/renew", {"mode": "x", "budget": 1})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["mode"])
    extra = planner.post(f"/programs/{programme.pk}/refill", {"as_of": "2026-11-25", "x": 1})
    assert extra.status_code == 422
    assert _state() == before


def test_scope_and_permissions(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    kukar_staff: User,
    kubu_raya_staff: User,
    branch_officer_kubu_raya: User,
) -> None:
    programme, batch, w = running
    content = f"ID Lindungi;KPJ;Status\n{w['Ani'].pk};12345678901;Diterima".encode()
    staff, other, far = Api(kukar_staff), Api(kubu_raya_staff), Api(branch_officer_kubu_raya)
    before = _state()
    url = f"/programs/{programme.pk}/batches/{batch.pk}/returns"
    assert staff.upload(url, content).status_code == 403  # sponsors do not enrol
    assert staff.post(f"/programs/{programme.pk}/refill").status_code == 403
    assert staff.get(f"/programs/{programme.pk}/refill").status_code == 403
    assert far.upload(url, content).status_code == 404  # another region
    assert far.post(f"/programs/{programme.pk}/refill").status_code == 404
    assert other.get(f"/programs/{programme.pk}/returns").status_code == 404  # another sponsor
    assert (
        other.post(f"/programs/{programme.pk}/renew", {"mode": "same", "budget": 1}).status_code
        == 404
    )
    assert _state() == before


def test_return_list_query_count(
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    django_assert_max_num_queries: Any,
) -> None:
    programme, batch, w = running
    planner = Api(planner_kukar)
    for n in range(5):
        content = f"ID Lindungi;KPJ;Status\n{w['Ani'].pk};1234567890{n};Diterima".encode()
        planner.upload(f"/programs/{programme.pk}/batches/{batch.pk}/returns", content)
    with django_assert_max_num_queries(6):
        response = planner.get(f"/programs/{programme.pk}/returns")
    assert len(response.json()) == 5
