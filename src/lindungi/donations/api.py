"""API: GN Lingkaran pools, donors, pledges, donations, receipts, allocation and impact reports.

Thin: every endpoint calls a service or a selector; typed errors become responses in api/root.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from lindungi.accounts.models import User
from lindungi.donations import funding, impact, selectors, services
from lindungi.donations.allocation import pool_allocate
from lindungi.donations.models import AllocationRun, Donation, Donor, Pledge, Pool

router = Router(tags=["donations"])


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)  # set by the API's token or session authentication


class Strict(Schema):
    model_config = {"extra": "forbid"}


class PoolIn(Strict):
    programme_id: int
    name: str = ""


class PoolOut(Schema):
    id: int
    name: str
    programme_id: int
    target: int
    opened_at: datetime


class AllocationOut(Schema):
    id: int
    created_at: datetime
    funded: int
    allocated: int
    unallocated: int
    paid_months: int
    worker_months: int
    unpaid_months: int
    beneficiaries: int
    month_costs: list[tuple[str, int]]


class PoolDetailOut(PoolOut):
    budget: int
    received: int
    reversed: int
    funded: int
    pledged_open: int
    per_worker: int
    enrolled: int
    committed: int
    places_left: int
    shortfall: int
    allocation: AllocationOut | None
    allocation_stale: bool


class DonorIn(Strict):
    kind: str = Field(description="organisation or individual")
    name: str = ""
    anonymous: bool = False
    sponsor_id: int | None = None


class DonorOut(Schema):
    id: int
    pool_id: int
    code: str
    kind: str
    label: str
    sponsor_id: int | None
    received: int = 0


class PledgeIn(Strict):
    donor_id: int
    amount: int = Field(description="Whole rupiah")
    start_month: date
    months: int
    note: str = ""


class PledgeOut(Schema):
    id: int
    donor_id: int
    amount: int
    start_month: date
    months: int
    status: str
    received: int = 0
    cancel_reason: str


class ReasonIn(Strict):
    reason: str


class DonationIn(Strict):
    donor_id: int
    amount: int = Field(description="Whole rupiah")
    received_on: date
    channel: str = Field(description="transfer, va, qris, cash, other")
    reference: str = Field(description="Bank or payment reference; recorded once per pool")
    pledge_id: int | None = None


class ReverseIn(Strict):
    reason: str
    reference: str = ""


class DonationOut(Schema):
    id: int
    pool_id: int
    donor_id: int
    pledge_id: int | None
    amount: int
    received_on: date
    channel: str
    reference: str
    reverses_id: int | None
    reason: str
    receipt_number: str | None


class RowOut(Schema):
    code: str
    name: str
    workers: int | str
    worker_months: int | None
    amount: int | None


class ImpactOut(Schema):
    donor_id: int
    donor: str
    pool: str
    programme: str
    region: str
    received: int
    donations: int
    allocated: int
    worker_months: int
    workers: int | str = Field(description='"<10" when fewer than ten')
    by_province: list[RowOut]
    by_regency: list[RowOut]
    by_occupation: list[RowOut]
    allocated_at: datetime | None
    stale: bool
    claims_paid: int | None = Field(description="null: no claims data yet")


def _donation(donation: Donation) -> dict[str, Any]:
    receipt = getattr(donation, "receipt", None)
    return {
        "id": donation.pk,
        "pool_id": donation.pool_id,
        "donor_id": donation.donor_id,
        "pledge_id": donation.pledge_id,
        "amount": donation.amount,
        "received_on": donation.received_on,
        "channel": donation.channel,
        "reference": donation.reference,
        "reverses_id": donation.reverses_id,
        "reason": donation.reason,
        "receipt_number": receipt.number if receipt else None,
    }


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@router.get("/donations/pools", response=list[PoolOut], summary="Pools in scope")
def pool_list(request: HttpRequest) -> list[Pool]:
    return list(selectors.pool_list(actor=_actor(request))[:200])


@router.post("/donations/pools", response={201: PoolOut}, summary="Open a programme's pool")
def pool_open(request: HttpRequest, body: PoolIn) -> tuple[int, Pool]:
    pool = services.pool_open(programme_id=body.programme_id, name=body.name, actor=_actor(request))
    return 201, pool


@router.get("/donations/pools/{pool_id}", response=PoolDetailOut, summary="Balance, allocation")
def pool_get(request: HttpRequest, pool_id: int) -> dict[str, Any]:
    pool = selectors.pool_get(actor=_actor(request), pool_id=pool_id)
    balance = selectors.pool_balance(pool)
    return {
        **{f: getattr(pool, f) for f in ("id", "name", "programme_id", "target", "opened_at")},
        **{
            f: getattr(balance, f)
            for f in (
                "budget",
                "received",
                "reversed",
                "funded",
                "pledged_open",
                "per_worker",
                "enrolled",
                "committed",
                "places_left",
                "shortfall",
            )
        },
        "allocation": balance.run,
        "allocation_stale": balance.stale,
    }


@router.get("/donations/pools/{pool_id}/donors", response=list[DonorOut])
def pool_donors(request: HttpRequest, pool_id: int) -> list[Donor]:
    pool = selectors.pool_get(actor=_actor(request), pool_id=pool_id)
    return list(selectors.pool_donors(pool))


@router.post("/donations/pools/{pool_id}/donors", response={201: DonorOut})
def donor_create(request: HttpRequest, pool_id: int, body: DonorIn) -> tuple[int, Donor]:
    donor = services.donor_create(pool_id=pool_id, actor=_actor(request), **body.dict())
    return 201, donor


@router.get("/donations/donors", response=list[DonorOut], summary="Donors the user may read")
def donor_list(request: HttpRequest) -> list[Donor]:
    return list(selectors.donor_list(actor=_actor(request))[:500])


@router.get("/donations/pools/{pool_id}/pledges", response=list[PledgeOut])
def pool_pledges(request: HttpRequest, pool_id: int) -> list[Pledge]:
    pool = selectors.pool_get(actor=_actor(request), pool_id=pool_id)
    return list(selectors.pool_pledges(pool))


@router.post("/donations/pools/{pool_id}/pledges", response={201: PledgeOut})
def pledge_record(request: HttpRequest, pool_id: int, body: PledgeIn) -> tuple[int, Pledge]:
    pledge = services.pledge_record(pool_id=pool_id, actor=_actor(request), **body.dict())
    return 201, pledge


@router.post("/donations/pledges/{pledge_id}/cancel", response=PledgeOut)
def pledge_cancel(request: HttpRequest, pledge_id: int, body: ReasonIn) -> Pledge:
    return services.pledge_cancel(pledge_id=pledge_id, reason=body.reason, actor=_actor(request))


@router.get("/donations/pools/{pool_id}/donations", response=list[DonationOut])
def pool_donations(request: HttpRequest, pool_id: int) -> list[dict[str, Any]]:
    pool = selectors.pool_get(actor=_actor(request), pool_id=pool_id)
    return [_donation(d) for d in selectors.pool_donations(pool)]


@router.post(
    "/donations/pools/{pool_id}/donations",
    response={201: DonationOut},
    summary="Record a donation (once per reference) and issue its receipt",
)
def donation_record(request: HttpRequest, pool_id: int, body: DonationIn) -> tuple[int, Any]:
    donation = funding.donation_record(pool_id=pool_id, actor=_actor(request), **body.dict())
    return 201, _donation(donation)


@router.post("/donations/donations/{donation_id}/reverse", response={201: DonationOut})
def donation_reverse(request: HttpRequest, donation_id: int, body: ReverseIn) -> tuple[int, Any]:
    reversal = funding.donation_reverse(
        donation_id=donation_id, reason=body.reason, reference=body.reference, actor=_actor(request)
    )
    return 201, _donation(reversal)


@router.get("/donations/donations/{donation_id}/receipt.pdf", summary="A donation's receipt")
def receipt_pdf(request: HttpRequest, donation_id: int) -> HttpResponse:
    receipt = selectors.receipt_get(actor=_actor(request), donation_id=donation_id)
    return _pdf(bytes(receipt.pdf), f"kuitansi-{receipt.number.replace('/', '-')}")


@router.post(
    "/donations/pools/{pool_id}/allocate",
    response=AllocationOut,
    summary="Allocate the pool's money to beneficiaries' months",
)
def allocate(request: HttpRequest, pool_id: int) -> AllocationRun:
    return pool_allocate(pool_id=pool_id, actor=_actor(request))


@router.get("/donations/donors/{donor_id}/impact", response=ImpactOut, summary="Impact report")
def donor_impact(request: HttpRequest, donor_id: int) -> dict[str, Any]:
    return impact.donor_impact(actor=_actor(request), donor_id=donor_id).as_dict()


@router.get("/donations/donors/{donor_id}/impact.pdf", summary="Impact report as PDF")
def donor_impact_pdf(request: HttpRequest, donor_id: int) -> HttpResponse:
    report = impact.donor_impact(actor=_actor(request), donor_id=donor_id)
    return _pdf(impact.impact_pdf(report), f"dampak-donatur-{donor_id}")
