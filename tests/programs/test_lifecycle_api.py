"""API of returned files, refill and renewal: shapes, scope (404), refusals that change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.programs.test_api import Api

from lindungi.accounts.models import User
from lindungi.programs.models import EnrolmentBatch, Programme
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db
MONTH = 16_800  # tests/programs/conftest.py: LIFECYCLE_MONTH


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
    lifecycle_state: Callable[[], tuple[Any, ...]],
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    planner_kukar: User,
    kukar_staff: User,
) -> None:
    programme, batch, _w = running
    planner, staff = Api(planner_kukar), Api(kukar_staff)
    url = f"/programs/{programme.pk}/batches/{batch.pk}/returns"
    before = lifecycle_state()
    for content, name in [(b"", "kosong.csv"), (b"\x00\x01\x02", "x.bin"), (b"a;b\n1;2", "x.csv")]:
        response = planner.upload(url, content, name)
        assert response.status_code == 422, (name, response.content)
        assert list(response.json()["errors"]) == ["file"]
    bad = staff.post(f"/programs/{programme.pk}/renew", {"mode": "x", "budget": 1})
    assert (bad.status_code, list(bad.json()["errors"])) == (422, ["mode"])
    extra = planner.post(f"/programs/{programme.pk}/refill", {"as_of": "2026-11-25", "x": 1})
    assert extra.status_code == 422
    assert lifecycle_state() == before


def test_scope_and_permissions(
    lifecycle_state: Callable[[], tuple[Any, ...]],
    running: tuple[Programme, EnrolmentBatch, dict[str, Worker]],
    kukar_staff: User,
    kubu_raya_staff: User,
    branch_officer_kubu_raya: User,
) -> None:
    programme, batch, w = running
    content = f"ID Lindungi;KPJ;Status\n{w['Ani'].pk};12345678901;Diterima".encode()
    staff, other, far = Api(kukar_staff), Api(kubu_raya_staff), Api(branch_officer_kubu_raya)
    before = lifecycle_state()
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
    assert lifecycle_state() == before


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
