"""Arrears screens: by region (province → regency → district) and by payer, exact figures,
scoped to the officer's region; the per-region sums equal the per-payer list."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lindungi.accounts.models import User
from lindungi.contributions.arrears_regions import arrears_by_region
from lindungi.contributions.coverage.sample import Account, account
from lindungi.contributions.fines import arrears
from lindungi.contributions.payments import services
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.core.errors import PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
AS_OF = "2026-11-25"
KUBU_RAYA_VILLAGE = "6112012001"


@pytest.fixture
def data() -> dict[str, Any]:
    """Perian (64.02.01.2001): two BPU payers owing Sep-Nov (3 x 16,800) and an employer owing
    Rp1,000,000 of PU for October (due 15 Nov, 2 % fine); Sungai Raya (61.12.01.2001): one BPU
    payer owing September."""
    kukar = billed_payers(count=2, months=[SEP, OCT, NOV])
    kubu = billed_payers(count=1, months=[SEP], village=KUBU_RAYA_VILLAGE)
    employer: Account = account(segment="PU", employer=True)
    employer.bill(OCT, {"JHT": 1_000_000}, due=date(2026, 11, 15))
    return {"kukar": kukar, "kubu": kubu, "employer": employer}


def region_rows(html: str) -> dict[str, tuple[str, str]]:
    return {
        code: (unpaid, fine)
        for code, unpaid, fine in re.findall(
            r'data-region="(\d*)">.*?data-col="unpaid">([^<]+)<.*?data-col="fine">([^<]+)<',
            html,
            re.S,
        )
    }


def payer_rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'data-payer="(\d+)">.*?data-col="unpaid">([^<]+)<.*?data-col="fine">([^<]+)<', html, re.S
    )


def test_drill_down_province_regency_district(
    client_as: Callable[[User], Client], admin: User, data: dict[str, Any]
) -> None:
    client = client_as(admin)
    top = client.get("/arrears/", {"as_of": AS_OF}).content.decode()
    assert region_rows(top) == {
        "64": ("Rp1.100.800", "Rp20.000"),
        "61": ("Rp16.800", "Rp0"),
    }
    assert '<td class="num nowrap" id="total-unpaid">Rp1.117.600</td>' in top
    regency = client.get("/arrears/", {"as_of": AS_OF, "region": "64"}).content.decode()
    assert region_rows(regency) == {"6402": ("Rp1.100.800", "Rp20.000")}
    district = client.get("/arrears/", {"as_of": AS_OF, "region": "64.02"}).content.decode()
    assert region_rows(district) == {"640201": ("Rp1.100.800", "Rp20.000")}
    villages = client.get("/arrears/", {"as_of": AS_OF, "region": "640201"}).content.decode()
    assert region_rows(villages) == {"6402012001": ("Rp1.100.800", "Rp20.000")}
    assert "Kutai Kartanegara" in district


def test_by_payer_sorted_by_amount_with_months_and_fine(
    client_as: Callable[[User], Client], branch_officer_kukar: User, data: dict[str, Any]
) -> None:
    html = client_as(branch_officer_kukar).get("/arrears/payers/", {"as_of": AS_OF}).content
    kukar: Billed = data["kukar"]
    employer = data["employer"].payer.pk
    assert payer_rows(html.decode()) == [
        (str(employer), "Rp1.000.000", "Rp20.000"),
        (str(kukar.payer_ids[0]), "Rp50.400", "Rp0"),
        (str(kukar.payer_ids[1]), "Rp50.400", "Rp0"),
    ]
    months = re.findall(
        r'data-col="unpaid">[^<]+</td>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        html.decode(),
    )
    assert months == [("1", "1"), ("3", "2"), ("3", "2")]


def test_officer_sees_only_the_own_region(
    client_as: Callable[[User], Client], branch_officer_kubu_raya: User, data: dict[str, Any]
) -> None:
    client = client_as(branch_officer_kubu_raya)
    top = client.get("/arrears/", {"as_of": AS_OF}).content.decode()
    assert region_rows(top) == {"61": ("Rp16.800", "Rp0")}
    outside = client.get("/arrears/", {"as_of": AS_OF, "region": "64"}).content.decode()
    assert region_rows(outside) == {}
    payers = client.get("/arrears/payers/", {"as_of": AS_OF}).content.decode()
    assert [p for p, _, _ in payer_rows(payers)] == [str(data["kubu"].payer_ids[0])]


def test_a_payment_brings_the_arrears_down(
    client_as: Callable[[User], Client], branch_officer_kukar: User, data: dict[str, Any]
) -> None:
    payer = data["kukar"].payer_ids[0]
    services.payment_record(
        virtual_account=virtual_account(payer),
        amount=16_800,
        paid_on=date(2026, 11, 20),
        bank_reference="ARR-1",
        actor=branch_officer_kukar,
    )
    client = client_as(branch_officer_kukar)
    html = client.get("/arrears/payers/", {"as_of": AS_OF}).content.decode()
    assert (str(payer), "Rp33.600", "Rp0") in payer_rows(html)
    top = client.get("/arrears/", {"as_of": AS_OF}).content.decode()
    assert region_rows(top) == {"64": ("Rp1.084.000", "Rp20.000")}


def test_region_sums_equal_the_payer_list(admin: User, data: dict[str, Any]) -> None:
    as_of = date(2026, 11, 25)
    payers = arrears(actor=admin, as_of=as_of)
    regions = arrears_by_region(actor=admin, as_of=as_of)
    assert sum(r.unpaid for r in regions) == sum(p.unpaid for p in payers) == 1_117_600
    assert sum(r.fine for r in regions) == sum(p.fine for p in payers) == 20_000
    assert sum(r.payers for r in regions) == len(payers) == 4


def test_refused_without_view_arrears(
    client_as: Callable[[User], Client], village_officer_sungai_raya: User, data: dict[str, Any]
) -> None:
    client = client_as(village_officer_sungai_raya)
    assert client.get("/arrears/").status_code == 403
    assert client.get("/arrears/payers/").status_code == 403
    with pytest.raises(PermissionDenied):
        arrears_by_region(actor=village_officer_sungai_raya, as_of=date(2026, 11, 25))


def test_bad_region_code_is_a_form_error(
    client_as: Callable[[User], Client], admin: User, data: dict[str, Any]
) -> None:
    html = client_as(admin).get("/arrears/", {"region": "64.0"}).content.decode()
    assert "Kode wilayah tidak dikenal." in html
    with pytest.raises(ValidationError):
        arrears_by_region(actor=admin, as_of=date(2026, 11, 25), parent="6402012001")


def test_arrears_pages_use_a_fixed_number_of_queries(
    client_as: Callable[[User], Client],
    admin: User,
    data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    billed_payers(count=40, months=[SEP, OCT])
    client = client_as(admin)
    client.get("/")
    with django_assert_max_num_queries(6):
        assert client.get("/arrears/", {"as_of": AS_OF}).status_code == 200
    with django_assert_max_num_queries(6):
        html = client.get("/arrears/payers/", {"as_of": AS_OF, "limit": "50"}).content.decode()
    assert len(payer_rows(html)) == 44
