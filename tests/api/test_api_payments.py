"""API: payments (list, get, record, import, match, reverse), the unmatched queue, arrears by
region and payer, a worker's coverage on a date and contribution history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.accounts.models import User
from lindungi.contributions.coverage.sample import account
from lindungi.contributions.models import Allocation, LedgerEntry, Payment, PaymentImport
from lindungi.contributions.payments import services
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
BASE = "/api/v1"


def money() -> dict[str, int]:
    return {
        "payments": Payment.objects.count(),
        "allocations": Allocation.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "imports": PaymentImport.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def kukar() -> Billed:
    return billed_payers(count=2, months=[SEP, OCT, NOV])


@pytest.fixture
def kubu_raya() -> Billed:
    return billed_payers(count=1, months=[SEP], village="6112012001")


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "virtual_account": "",
        "amount": 16_800,
        "paid_on": "2026-11-05",
        "bank_reference": "API-1",
    } | overrides


def test_record_get_and_list(
    api_as: Callable[[User], Any], branch_officer_kukar: User, kukar: Billed
) -> None:
    api = api_as(branch_officer_kukar)
    payer = kukar.payer_ids[0]
    response = api.post("/payments", body(virtual_account=virtual_account(payer), amount=20_000))
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("status", "payer_id", "amount", "allocated", "region_code")} == {
        "status": "matched",
        "payer_id": payer,
        "amount": 20_000,
        "allocated": 20_000,
        "region_code": "6402012001",
    }
    assert [(a["month"], a["programme"], a["amount"]) for a in data["allocations"]] == [
        ("2026-09-01", "JKK", 10_000),
        ("2026-09-01", "JKM", 6_800),
        ("2026-10-01", "JKK", 3_200),
    ]
    assert api.get(f"/payments/{data['id']}").json() == data
    page = api.get("/payments", status="matched").json()
    assert [p["id"] for p in page["items"]] == [data["id"]]
    assert page["next_before"] is None
    # The same reference again returns the first payment and records nothing.
    before = money()
    again = api.post("/payments", body(virtual_account=virtual_account(payer), amount=20_000))
    assert again.json()["id"] == data["id"]
    assert money() == before


def test_list_keyset_pages_and_query_count(
    api_as: Callable[[User], Any], admin: User, django_assert_max_num_queries: Any
) -> None:
    made = [
        services.payment_record(
            virtual_account="",
            amount=100 + i,
            paid_on=date(2026, 11, 5),
            bank_reference=f"K-{i:02d}",
            actor=admin,
        )
        for i in range(7)
    ]
    api = api_as(admin)
    api.get("/payments", limit=3)
    with django_assert_max_num_queries(3):
        first = api.get("/payments", limit=3).json()
    assert [p["id"] for p in first["items"]] == [p.pk for p in made[::-1][:3]]
    second = api.get("/payments", limit=3, before=first["next_before"]).json()
    assert [p["id"] for p in second["items"]] == [p.pk for p in made[::-1][3:6]]
    queue = api.get("/payments/unmatched", limit=5).json()
    assert (queue["count"], queue["amount"], len(queue["items"])) == (7, 721, 5)
    assert api.get("/payments", paid_from="2026-11-06").json()["items"] == []


def test_validation_errors_name_the_field(
    api_as: Callable[[User], Any], branch_officer_kukar: User
) -> None:
    api = api_as(branch_officer_kukar)
    before = money()
    response = api.post("/payments", body(virtual_account="abc", amount=0, bank_reference=""))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"virtual_account", "amount", "bank_reference"}
    assert money() == before


@pytest.mark.parametrize("persona", ["planner_kukar", "compliance_officer_kaltim", "dprd_kaltim"])
def test_record_import_match_reverse_refused_without_permission(
    api_as: Callable[[User], Any],
    request: pytest.FixtureRequest,
    branch_officer_kukar: User,
    kukar: Billed,
    persona: str,
) -> None:
    queued = services.payment_record(
        virtual_account="",
        amount=500,
        paid_on=date(2026, 11, 5),
        bank_reference="Q-1",
        actor=branch_officer_kukar,
    )
    api = api_as(request.getfixturevalue(persona))
    before = money()
    assert (
        api.post("/payments", body(virtual_account=virtual_account(kukar.payer_ids[0]))).status_code
        == 403
    )
    upload = SimpleUploadedFile("m.csv", b"No VA;Jumlah;Tanggal;Referensi\n")
    response = api.client.post(f"{BASE}/payments/imports", {"file": upload}, headers=api.headers)
    assert response.status_code == 403
    assert (
        api.post(f"/payments/{queued.pk}/match", {"payer_id": kukar.payer_ids[0]}).status_code
        == 403
    )
    assert api.post(f"/payments/{queued.pk}/reverse", {"reason": "x"}).status_code == 403
    assert money() == before


def test_import_upload_returns_the_report(
    api_as: Callable[[User], Any], branch_officer_kukar: User, kukar: Billed
) -> None:
    va = virtual_account(kukar.payer_ids[0])
    csv = (
        "No VA,Jumlah,Tanggal,Referensi\n"
        f"{va},16800,2026-11-05,I-1\n"
        ",5000,2026-11-05,I-2\n"
        f"{va},16800,2099-01-01,I-3\n"
    ).encode()
    api = api_as(branch_officer_kukar)
    upload = SimpleUploadedFile("bank.csv", csv, content_type="text/csv")
    response = api.client.post(f"{BASE}/payments/imports", {"file": upload}, headers=api.headers)
    assert response.status_code == 201
    report = response.json()
    counts = {
        k: report[k]
        for k in (
            "rows_read",
            "created",
            "duplicates",
            "matched",
            "unmatched",
            "invalid",
            "allocations",
        )
    }
    assert counts == {
        "rows_read": 3,
        "created": 2,
        "duplicates": 0,
        "matched": 1,
        "unmatched": 1,
        "invalid": 1,
        "allocations": 2,
    }
    assert [(p["row"], p["column"], p["value"]) for p in report["problems"]] == [
        (4, "Tanggal", "2099-01-01")
    ]
    assert api.get(f"/payments/imports/{report['id']}").json()["created"] == 2
    items = api.get("/payments", import_id=report["id"]).json()["items"]
    assert sorted(p["bank_reference"] for p in items) == ["I-1", "I-2"]


def test_match_and_reverse(
    api_as: Callable[[User], Any], branch_officer_kukar: User, kukar: Billed
) -> None:
    api = api_as(branch_officer_kukar)
    queued = api.post("/payments", body(amount=16_800, bank_reference="M-1")).json()
    assert (queued["status"], queued["payer_id"]) == ("unmatched", None)
    payer = kukar.payer_ids[1]
    found = api.get("/payments/payers", q=virtual_account(payer)).json()
    assert [(p["id"], p["kind"]) for p in found] == [(payer, "self")]
    firm = account(segment="PU", employer=True)
    npp = firm.payer.employer.npp  # type: ignore[union-attr]
    by_npp = api.get("/payments/payers", q=npp).json()
    assert [(p["id"], p["kind"], p["npp"]) for p in by_npp] == [(firm.payer.pk, "employer", npp)]
    matched = api.post(f"/payments/{queued['id']}/match", {"payer_id": payer}).json()
    assert (matched["status"], matched["payer_id"], matched["allocated"]) == (
        "matched",
        payer,
        16_800,
    )
    before = money()
    assert api.post(f"/payments/{queued['id']}/match", {"payer_id": payer}).status_code == 409
    assert api.post(f"/payments/{queued['id']}/reverse", {"reason": " "}).status_code == 422
    assert money() == before
    reversed_ = api.post(f"/payments/{queued['id']}/reverse", {"reason": "Dana kembali"}).json()
    assert (reversed_["status"], reversed_["allocated"]) == ("reversed", 0)


def test_other_region_gets_404_and_nothing_changes(
    api_as: Callable[[User], Any],
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
    kukar: Billed,
    kubu_raya: Billed,
) -> None:
    mine = api_as(branch_officer_kukar)
    queued = mine.post("/payments", body(bank_reference="S-1")).json()
    paid = mine.post(
        "/payments", body(bank_reference="S-2", virtual_account=virtual_account(kukar.payer_ids[0]))
    ).json()
    other = api_as(branch_officer_kubu_raya)
    before = money()
    assert other.get(f"/payments/{paid['id']}").status_code == 404
    assert (
        other.post(
            f"/payments/{queued['id']}/match", {"payer_id": kubu_raya.payer_ids[0]}
        ).status_code
        == 404
    )
    assert other.post(f"/payments/{paid['id']}/reverse", {"reason": "x"}).status_code == 404
    assert other.get("/payments/unmatched").json()["count"] == 0
    found = other.get("/payments/payers", q="Peserta Contoh").json()
    assert [(p["id"], p["virtual_account"]) for p in found] == [
        (kubu_raya.payer_ids[0], virtual_account(kubu_raya.payer_ids[0]))
    ]
    # Matching my queued payment to a payer outside my region: refused on payer_id.
    refused = mine.post(f"/payments/{queued['id']}/match", {"payer_id": kubu_raya.payer_ids[0]})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["payer_id"]
    assert money() == before


def test_arrears_by_region_and_payer(
    api_as: Callable[[User], Any],
    admin: User,
    branch_officer_kukar: User,
    kukar: Billed,
    kubu_raya: Billed,
) -> None:
    regions = api_as(admin).get("/arrears/regions", as_of="2026-11-25").json()
    assert [(r["code"], r["unpaid"], r["payers"]) for r in regions] == [
        ("64", 100_800, 2),
        ("61", 16_800, 1),
    ]
    regency = api_as(admin).get("/arrears/regions", as_of="2026-11-25", parent="64").json()
    assert [(r["code"], r["name"]) for r in regency] == [("6402", "Kabupaten Kutai Kartanegara")]
    payers = api_as(branch_officer_kukar).get("/arrears/payers", as_of="2026-11-25").json()
    assert [
        (p["payer_id"], p["unpaid"], p["months_unpaid"], p["months_overdue"], p["oldest_due"])
        for p in payers
    ] == [
        (kukar.payer_ids[0], 50_400, 3, 2, "2026-09-15"),
        (kukar.payer_ids[1], 50_400, 3, 2, "2026-09-15"),
    ]
    assert api_as(admin).get("/arrears/regions", parent="6402012001").status_code == 422


def test_worker_coverage_and_history(
    api_as: Callable[[User], Any], branch_officer_kukar: User, branch_officer_kubu_raya: User
) -> None:
    acct = account(segment="BPU")
    lines = acct.bill(SEP, {"JKK": 10_000, "JKM": 6_800}, due=date(2026, 9, 15))
    acct.bill(OCT, {"JKK": 10_000, "JKM": 6_800}, due=date(2026, 10, 15))
    acct.pay_all(date(2026, 9, 10), lines)
    from lindungi.contributions.coverage.services import paid_through_refresh

    paid_through_refresh(membership_ids=[acct.membership.pk])
    api = api_as(branch_officer_kukar)
    worker = acct.worker.pk
    covered = api.get(f"/workers/{worker}/coverage", on="2026-09-20", programme="JKK").json()
    assert (covered["status"], covered["paid_through"]) == ("covered", "2026-09")
    grace = api.get(f"/workers/{worker}/coverage", on="2026-10-20").json()
    assert (grace["status"], grace["overdue_months"]) == ("in_grace", 1)
    assert (
        api.get(f"/workers/{worker}/coverage", on="2026-10-20", programme="JHT").json()["status"]
        == "not_a_member"
    )
    assert api.get(f"/workers/{worker}/coverage", programme="XYZ").status_code == 422
    history = api.get(f"/workers/{worker}/contributions").json()
    assert [
        (m["month"], m["billed"], m["allocated"], m["state"], m["last_paid_on"]) for m in history
    ] == [
        ("2026-10-01", 16_800, 0, "unpaid", None),
        ("2026-09-01", 16_800, 16_800, "paid", "2026-09-10"),
    ]
    assert history[0]["programmes"] == {"JKK": 10_000, "JKM": 6_800}
    other = api_as(branch_officer_kubu_raya)
    assert other.get(f"/workers/{worker}/coverage").status_code == 404
    assert other.get(f"/workers/{worker}/contributions").status_code == 404
