"""API of GN Lingkaran pools: open, donors, pledges, donations, reversal, receipt, allocation,
impact; scope and refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.accounts.services import token_issue
from lindungi.donations.models import Donation, Donor, Pool
from lindungi.programs.models import Programme
from lindungi.registry.models import Worker

pytestmark = pytest.mark.django_db
BASE = "/api/v1/donations"


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


def test_full_flow(
    programme: Programme,
    branch_officer_kukar: User,
    csr_user: User,
    csr_company: Any,
    make_worker: Callable[..., Worker],
    enrol: Callable[..., int],
) -> None:
    officer, company = Api(branch_officer_kukar), Api(csr_user)
    opened = officer.post("/pools", {"programme_id": programme.pk})
    assert opened.status_code == 201, opened.content
    pool_id = opened.json()["id"]
    assert opened.json()["target"] == 50_000_000
    donor = officer.post(
        f"/pools/{pool_id}/donors",
        {"kind": "organisation", "name": "PT Peduli Pekerja", "sponsor_id": csr_company.pk},
    )
    assert donor.status_code == 201, donor.content
    donor_id = donor.json()["id"]
    pledge = officer.post(
        f"/pools/{pool_id}/pledges",
        {"donor_id": donor_id, "amount": 403_200, "start_month": "2026-10-01", "months": 2},
    )
    assert (pledge.status_code, pledge.json()["status"]) == (201, "open")
    body = {
        "donor_id": donor_id,
        "amount": 403_200,
        "received_on": "2026-10-01",
        "channel": "transfer",
        "reference": "BRI-001",
        "pledge_id": pledge.json()["id"],
    }
    recorded = officer.post(f"/pools/{pool_id}/donations", body)
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["receipt_number"] == f"00001/GNL-{pool_id}/2026"
    again = officer.post(f"/pools/{pool_id}/donations", body)
    assert again.json()["id"] == recorded.json()["id"]
    assert Donation.objects.count() == 1
    assert officer.get(f"/pools/{pool_id}/pledges").json()[0]["status"] == "fulfilled"

    for _ in range(3):
        make_worker()
    assert enrol(programme) == 2
    allocation = officer.post(f"/pools/{pool_id}/allocate")
    assert allocation.status_code == 200, allocation.content
    assert {k: allocation.json()[k] for k in ("funded", "allocated", "paid_months")} == {
        "funded": 403_200,
        "allocated": 403_200,
        "paid_months": 24,
    }
    detail = officer.get(f"/pools/{pool_id}").json()
    assert (detail["budget"], detail["enrolled"], detail["allocation_stale"]) == (403_200, 2, False)

    impact = company.get(f"/donors/{donor_id}/impact")
    assert impact.status_code == 200, impact.content
    assert {k: impact.json()[k] for k in ("workers", "worker_months", "claims_paid")} == {
        "workers": "<10",
        "worker_months": 24,
        "claims_paid": None,
    }
    assert company.get("/donors").json()[0]["id"] == donor_id
    pdf = company.get(f"/donors/{donor_id}/impact.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    receipt = company.get(f"/donations/{recorded.json()['id']}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")

    reversed_ = officer.post(f"/donations/{recorded.json()['id']}/reverse", {"reason": "ditolak"})
    assert (reversed_.status_code, reversed_.json()["amount"]) == (201, -403_200)
    assert officer.get(f"/pools/{pool_id}").json()["shortfall"] == 403_200


def test_errors_name_the_field(pool: Pool, donor: Donor, branch_officer_kukar: User) -> None:
    officer = Api(branch_officer_kukar)
    response = officer.post(
        f"/pools/{pool.pk}/donations",
        {
            "donor_id": donor.pk,
            "amount": -5,
            "received_on": "2026-10-01",
            "channel": "pos",
            "reference": "X",
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"amount", "channel"}
    unknown = officer.post(f"/pools/{pool.pk}/donors", {"kind": "organisation", "nama": "X"})
    assert unknown.status_code == 422
    assert Donation.objects.count() == 0


def test_scope_and_refusals(
    pool: Pool,
    donor: Donor,
    person: Donor,
    give: Callable[..., Donation],
    csr_user: User,
    gn_user: User,
    branch_officer_kubu_raya: User,
    dprd_kaltim: User,
    counts: Callable[[], dict[str, int]],
) -> None:
    donation = give(person, 10_000)
    company, gn = Api(csr_user), Api(gn_user)
    outsider, dprd = Api(branch_officer_kubu_raya), Api(dprd_kaltim)
    before = counts()
    assert company.get("/pools").json() == []
    assert company.get(f"/pools/{pool.pk}").status_code == 404
    assert company.get(f"/donors/{person.pk}/impact").status_code == 404
    assert company.get(f"/donations/{donation.pk}/receipt.pdf").status_code == 404
    assert [d["id"] for d in company.get("/donors").json()] == [donor.pk]
    assert [p["id"] for p in gn.get("/pools").json()] == [pool.pk]
    assert gn.get(f"/donors/{person.pk}/impact").status_code == 200
    assert gn.post(f"/pools/{pool.pk}/allocate").status_code == 403
    assert outsider.get(f"/pools/{pool.pk}").status_code == 404
    assert outsider.post(f"/pools/{pool.pk}/allocate").status_code == 404
    assert dprd.get("/pools").status_code == 403
    refused = company.post(
        f"/pools/{pool.pk}/donations",
        {
            "donor_id": donor.pk,
            "amount": 5,
            "received_on": "2026-10-01",
            "channel": "qris",
            "reference": "Q",
        },
    )
    assert refused.status_code == 403
    assert company.post(f"/donations/{donation.pk}/reverse", {"reason": "x"}).status_code == 403
    assert counts() == before


def test_lists_have_bounded_queries(
    pool: Pool,
    donor: Donor,
    person: Donor,
    give: Callable[..., Donation],
    branch_officer_kukar: User,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(5):
        give(donor if i % 2 else person, 10_000 + i)
    officer = Api(branch_officer_kukar)
    for path in ("/pools", f"/pools/{pool.pk}/donors", f"/pools/{pool.pk}/donations", "/donors"):
        with django_assert_max_num_queries(6):
            assert officer.get(path).status_code == 200
