"""Receipts: numbered per pool and year in the order donations are recorded, stored as issued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lindungi.accounts.models import User
from lindungi.core.errors import NotFound, PermissionDenied
from lindungi.donations import funding, selectors
from lindungi.donations.models import Donation, Donor, Pool, Receipt

pytestmark = pytest.mark.django_db


def test_numbers_run_per_pool_and_year_without_gaps(
    pool: Pool, donor: Donor, person: Donor, give: Callable[..., Donation]
) -> None:
    give(donor, 100_000, on=date(2025, 12, 31))
    for who in (donor, person, donor):
        give(who, 50_000, on=date(2026, 1, 2))
    numbers = list(Receipt.objects.order_by("id").values_list("number", flat=True))
    assert numbers == [
        f"00001/GNL-{pool.pk}/2025",
        f"00001/GNL-{pool.pk}/2026",
        f"00002/GNL-{pool.pk}/2026",
        f"00003/GNL-{pool.pk}/2026",
    ]


def test_the_receipt_says_who_gave_what_in_figures_and_words(
    person: Donor, give: Callable[..., Donation]
) -> None:
    donation = give(person, 1_500_000, on=date(2026, 10, 1), reference="QR-123")
    pdf = bytes(Receipt.objects.get(donation=donation).pdf)
    assert pdf.startswith(b"%PDF")
    for text in (
        b"TANDA TERIMA DONASI",
        b"Siti Rahmawati",
        b"Rp1.500.000",
        b"Satu juta lima ratus ribu rupiah",
        b"1 Oktober 2026",
        b"QR-123",
    ):
        assert text in pdf, text


def test_a_download_returns_the_stored_bytes(
    donor: Donor, csr_user: User, branch_officer_kukar: User, give: Callable[..., Donation]
) -> None:
    donation = give(donor, 75_000)
    stored = bytes(Receipt.objects.get(donation=donation).pdf)
    first = bytes(selectors.receipt_get(actor=csr_user, donation_id=donation.pk).pdf)
    second = bytes(selectors.receipt_get(actor=branch_officer_kukar, donation_id=donation.pk).pdf)
    assert first == second == stored


def test_other_donors_receipts_read_as_missing(
    person: Donor,
    csr_user: User,
    branch_officer_kubu_raya: User,
    dprd_kaltim: User,
    give: Callable[..., Donation],
    branch_officer_kukar: User,
) -> None:
    donation = give(person, 75_000)
    for actor in (csr_user, branch_officer_kubu_raya):
        with pytest.raises(NotFound):
            selectors.receipt_get(actor=actor, donation_id=donation.pk)
    with pytest.raises(PermissionDenied):
        selectors.receipt_get(actor=dprd_kaltim, donation_id=donation.pk)
    reversal = funding.donation_reverse(
        donation_id=donation.pk, reason="salah catat", actor=branch_officer_kukar
    )
    with pytest.raises(NotFound):
        selectors.receipt_get(actor=branch_officer_kukar, donation_id=reversal.pk)
