"""Payment screens: list, record, import with its report, reverse, the unmatched queue and
matching, and the worker's coverage partial. Exact values, scope, refusals change nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lindungi.accounts.models import User
from lindungi.contributions.coverage.sample import account
from lindungi.contributions.models import (
    Allocation,
    LedgerEntry,
    Payment,
    PaymentImport,
    PaymentStatus,
)
from lindungi.contributions.payments import services
from lindungi.contributions.payments.sample import Billed, billed_payers, virtual_account
from lindungi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
PAID = date(2026, 11, 5)
KUBU_RAYA_VILLAGE = "6112012001"


def money() -> dict[str, int]:
    """Rows a payment write leaves behind; a refused request must leave them unchanged."""
    return {
        "payments": Payment.objects.count(),
        "allocations": Allocation.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "imports": PaymentImport.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def kukar() -> Billed:
    """Two self-paying BPU payers in Perian (Kutai Kartanegara), billed 16,800 for Sep-Nov."""
    return billed_payers(count=2, months=[SEP, OCT, NOV])


@pytest.fixture
def kubu_raya() -> Billed:
    return billed_payers(count=1, months=[SEP], village=KUBU_RAYA_VILLAGE)


def record(payer_id: int | None, amount: int, ref: str, actor: Any = None) -> Payment:
    return services.payment_record(
        virtual_account=virtual_account(payer_id) if payer_id else "",
        amount=amount,
        paid_on=PAID,
        bank_reference=ref,
        actor=actor,
    )


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)">', html)]


def allocations_of(payment: Payment) -> list[tuple[str, str, int]]:
    return [
        (f"{a.line.month:%Y-%m}", a.line.programme, a.amount)
        for a in Allocation.objects.filter(payment=payment).select_related("line").order_by("pk")
    ]


# --- list -----------------------------------------------------------------------------------


def test_list_shows_the_payments_in_scope_newest_first(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    kukar: Billed,
    kubu_raya: Billed,
) -> None:
    first = record(kukar.payer_ids[0], 16_800, "REF-1")
    second = record(kukar.payer_ids[1], 5_000, "REF-2")
    record(kubu_raya.payer_ids[0], 16_800, "REF-KR")
    html = client_as(branch_officer_kukar).get("/payments/").content.decode()
    assert row_ids(html) == [second.pk, first.pk]
    assert "Rp16.800" in html
    assert "Rp5.000" in html
    assert "REF-KR" not in html


def test_list_filters_by_status_date_and_payer(
    client_as: Callable[[User], Client], admin: User, kukar: Billed
) -> None:
    matched = record(kukar.payer_ids[0], 16_800, "REF-1")
    queued = record(None, 7_000, "REF-Q", actor=admin)
    client = client_as(admin)
    assert row_ids(client.get("/payments/?status=unmatched").content.decode()) == [queued.pk]
    payer = f"/payments/?payer={kukar.payer_ids[0]}"
    assert row_ids(client.get(payer).content.decode()) == [matched.pk]
    by_va = f"/payments/?payer={virtual_account(kukar.payer_ids[0])}"
    assert row_ids(client.get(by_va).content.decode()) == [matched.pk]
    assert row_ids(client.get("/payments/?payer=889999999999").content.decode()) == []
    assert row_ids(client.get("/payments/?paid_from=2026-11-06").content.decode()) == []
    both = "/payments/?paid_from=2026-11-05&paid_to=2026-11-05"
    assert row_ids(client.get(both).content.decode()) == [queued.pk, matched.pk]


def test_list_pages_with_a_keyset(client_as: Callable[[User], Client], admin: User) -> None:
    made = [record(None, 1_000 + i, f"REF-{i:03d}", actor=admin) for i in range(55)]
    client = client_as(admin)
    html = client.get("/payments/").content.decode()
    ids = row_ids(html)
    assert ids == [p.pk for p in reversed(made)][:50]
    assert f"before={ids[-1]}" in html
    rest = row_ids(client.get(f"/payments/?before={ids[-1]}").content.decode())
    assert rest == [p.pk for p in reversed(made)][50:]


@pytest.mark.parametrize("n", [3, 20])
def test_list_and_queue_queries_do_not_grow(
    client_as: Callable[[User], Client],
    admin: User,
    kukar: Billed,
    n: int,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(n):
        record(kukar.payer_ids[i % 2], 100, f"REF-M-{i}")
        record(None, 100, f"REF-U-{i}", actor=admin)
    client = client_as(admin)
    client.get("/payments/")  # session warm-up
    with django_assert_max_num_queries(4):
        assert len(row_ids(client.get("/payments/").content.decode())) == 2 * n
    with django_assert_max_num_queries(5):
        assert len(row_ids(client.get("/payments/unmatched/").content.decode())) == n


# --- record ---------------------------------------------------------------------------------


def test_record_allocates_to_the_oldest_lines(
    client_as: Callable[[User], Client], branch_officer_kukar: User, kukar: Billed
) -> None:
    payer = kukar.payer_ids[0]
    response = client_as(branch_officer_kukar).post(
        "/payments/new/",
        {
            "virtual_account": virtual_account(payer),
            "amount": "20000",
            "paid_on": "2026-11-05",
            "bank_reference": "BNI-001",
        },
    )
    payment = Payment.objects.get(bank_reference="BNI-001")
    assert response.status_code == 302
    assert response["Location"] == f"/payments/{payment.pk}/"
    assert (payment.status, payment.payer_id) == (PaymentStatus.MATCHED, payer)
    assert allocations_of(payment) == [
        ("2026-09", "JKK", 10_000),
        ("2026-09", "JKM", 6_800),
        ("2026-10", "JKK", 3_200),
    ]
    html = client_as(branch_officer_kukar).get(response["Location"]).content.decode()
    assert '<dd id="payment-allocated">Rp20.000</dd>' in html
    assert AuditEvent.objects.filter(action="payment.record").count() == 1


def test_record_form_errors_come_from_the_service(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    before = money()
    response = client_as(branch_officer_kukar).post(
        "/payments/new/",
        {
            "virtual_account": "12ab",
            "amount": "500",
            "paid_on": "2026-11-05",
            "bank_reference": "R",
        },
    )
    assert response.status_code == 422
    assert 'id="id_virtual_account_error"' in response.content.decode()
    assert money() == before


@pytest.mark.parametrize("persona", ["planner_kukar", "compliance_officer_kaltim", "auditor"])
def test_record_refused_without_the_permission_changes_nothing(
    client_as: Callable[[User], Client], request: pytest.FixtureRequest, kukar: Billed, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    before = money()
    client = client_as(user)
    assert client.get("/payments/new/").status_code == 403
    response = client.post(
        "/payments/new/",
        {
            "virtual_account": virtual_account(kukar.payer_ids[0]),
            "amount": "16800",
            "paid_on": "2026-11-05",
            "bank_reference": "DENIED-1",
        },
    )
    assert response.status_code == 403
    upload = SimpleUploadedFile("m.csv", b"No VA;Jumlah;Tanggal;Referensi\n")
    assert client.post("/payments/import/", {"file": upload}).status_code == 403
    assert money() == before


# --- import ---------------------------------------------------------------------------------


def statement(kukar: Billed) -> bytes:
    va1, va2 = virtual_account(kukar.payer_ids[0]), virtual_account(kukar.payer_ids[1])
    return (
        "Mutasi rekening BNI November 2026\n"
        "No VA;Jumlah;Tanggal;Referensi\n"
        f"{va1};16.800;05/11/2026;TRX-1\n"
        f"{va2};Rp 33.600,00;2026-11-06;TRX-2\n"
        "8899999999999999;10000;2026-11-06;TRX-3\n"
        f"{va1};abc;2026-11-06;TRX-4\n"
        f"{va1};16.800;05/11/2026;TRX-1\n"
    ).encode()


def test_import_reports_exact_counts_and_problems(
    client_as: Callable[[User], Client], branch_officer_kukar: User, kukar: Billed
) -> None:
    client = client_as(branch_officer_kukar)
    upload = SimpleUploadedFile("bni-nov.csv", statement(kukar), content_type="text/csv")
    response = client.post("/payments/import/", {"file": upload})
    imported = PaymentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/imports/{imported.pk}/"
    html = client.get(response["Location"]).content.decode()
    counts = dict(re.findall(r'<dd data-count="(\w+)">(\d+)', html))
    assert counts == {
        "rows_read": "5",
        "created": "3",
        "duplicates": "1",
        "matched": "2",
        "unmatched": "1",
        "invalid": "1",
        "allocations": "6",
    }
    problems = re.findall(
        r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td class="mono">([^<]*)</td>', html
    )
    assert problems == [("6", "Jumlah", "abc")]
    assert Payment.objects.filter(status=PaymentStatus.UNMATCHED).get().region_code == "6402"
    # The same file again: every reference known, nothing new, a report all the same.
    again = client.post(
        "/payments/import/", {"file": SimpleUploadedFile("b.csv", statement(kukar))}
    )
    report = client.get(again["Location"]).content.decode()
    assert dict(re.findall(r'<dd data-count="(\w+)">(\d+)', report)) == {
        "rows_read": "5",
        "created": "0",
        "duplicates": "4",
        "matched": "0",
        "unmatched": "0",
        "invalid": "1",
        "allocations": "0",
    }
    assert Payment.objects.count() == 3


def test_import_of_a_file_without_the_columns_is_refused_whole(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    before = money()
    upload = SimpleUploadedFile("x.csv", b"a;b\n1;2\n")
    response = client_as(branch_officer_kukar).post("/payments/import/", {"file": upload})
    assert response.status_code == 422
    assert 'id="id_file_error"' in response.content.decode()
    assert money() == before


def test_import_report_is_scoped(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
    kukar: Billed,
) -> None:
    imported = services.payment_import(
        data=statement(kukar), file_name="a.csv", actor=branch_officer_kukar
    )
    url = f"/payments/imports/{imported.pk}/"
    assert client_as(branch_officer_kukar).get(url).status_code == 200
    assert client_as(branch_officer_kubu_raya).get(url).status_code == 404


# --- reverse --------------------------------------------------------------------------------


def test_reverse_asks_first_then_reverses_with_the_reason(
    client_as: Callable[[User], Client], branch_officer_kukar: User, kukar: Billed
) -> None:
    payment = record(kukar.payer_ids[0], 16_800, "REF-R")
    client = client_as(branch_officer_kukar)
    url = f"/payments/{payment.pk}/reverse/"
    confirm = client.get(url).content.decode()
    assert "Ya, batalkan pembayaran" in confirm
    before = money()
    assert client.post(url, {"reason": ""}).status_code == 422
    assert money() == before
    response = client.post(url, {"reason": "Salah transfer"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED
    assert sum(a.amount for a in Allocation.objects.filter(payment=payment)) == 0
    event = AuditEvent.objects.get(action="payment.reverse")
    assert event.note == "Salah transfer"
    before = money()
    again = client.post(url, {"reason": "lagi"})
    assert again.status_code == 422
    assert "Pembayaran ini sudah dibatalkan." in again.content.decode()
    assert money() == before


def test_other_region_sees_404_and_changes_nothing(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    branch_officer_kubu_raya: User,
    kukar: Billed,
) -> None:
    payment = record(kukar.payer_ids[0], 16_800, "REF-S")
    queued = record(None, 9_000, "REF-SQ", actor=branch_officer_kukar)
    other = client_as(branch_officer_kubu_raya)
    before = money()
    assert other.get(f"/payments/{payment.pk}/").status_code == 404
    assert other.get(f"/payments/{payment.pk}/reverse/").status_code == 404
    assert other.post(f"/payments/{payment.pk}/reverse/", {"reason": "x"}).status_code == 404
    assert other.get(f"/payments/{queued.pk}/match/").status_code == 404
    response = other.post(f"/payments/{queued.pk}/match/submit/", {"payer_id": kukar.payer_ids[0]})
    assert response.status_code == 404
    assert "REF-SQ" not in other.get("/payments/unmatched/").content.decode()
    assert money() == before
    payment.refresh_from_db()
    queued.refresh_from_db()
    assert (payment.status, queued.status) == ("matched", "unmatched")


# --- unmatched queue and matching -------------------------------------------------------------


def test_queue_match_flow(
    client_as: Callable[[User], Client], branch_officer_kukar: User, kukar: Billed
) -> None:
    queued = record(None, 20_000, "REF-Q1", actor=branch_officer_kukar)
    client = client_as(branch_officer_kukar)
    queue = client.get("/payments/unmatched/").content.decode()
    assert row_ids(queue) == [queued.pk]
    assert "1 pembayaran (Rp20.000) menunggu" in queue
    payer = kukar.payer_ids[1]
    found = client.get(
        f"/payments/{queued.pk}/match/", {"q": virtual_account(payer)}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert found.startswith('<section id="payer-results"')
    assert re.findall(r'data-payer="(\d+)"', found) == [str(payer)]
    by_name = client.get(f"/payments/{queued.pk}/match/", {"q": "Peserta Contoh"}).content
    assert len(re.findall(r'data-payer="(\d+)"', by_name.decode())) == 2
    response = client.post(f"/payments/{queued.pk}/match/submit/", {"payer_id": payer})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert (queued.status, queued.payer_id, queued.region_code) == ("matched", payer, "6402012001")
    assert allocations_of(queued) == [
        ("2026-09", "JKK", 10_000),
        ("2026-09", "JKM", 6_800),
        ("2026-10", "JKK", 3_200),
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "dialokasikan Rp20.000" in detail
    assert row_ids(client.get("/payments/unmatched/").content.decode()) == []


def test_match_to_a_payer_outside_the_scope_is_refused(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    kubu_raya: Billed,
) -> None:
    queued = record(None, 20_000, "REF-Q2", actor=branch_officer_kukar)
    client = client_as(branch_officer_kukar)
    found = client.get(f"/payments/{queued.pk}/match/", {"q": "Peserta Contoh"}).content.decode()
    assert re.findall(r'data-payer="(\d+)"', found) == []
    before = money()
    response = client.post(
        f"/payments/{queued.pk}/match/submit/", {"payer_id": kubu_raya.payer_ids[0]}
    )
    assert response.status_code == 400
    assert money() == before


def test_match_refused_without_record_permission(
    client_as: Callable[[User], Client],
    planner_kukar: User,
    branch_officer_kukar: User,
    kukar: Billed,
) -> None:
    queued = record(None, 20_000, "REF-Q3", actor=branch_officer_kukar)
    client = client_as(planner_kukar)
    assert "REF-Q3" in client.get("/payments/unmatched/").content.decode()
    before = money()
    assert client.get(f"/payments/{queued.pk}/match/").status_code == 403
    response = client.post(f"/payments/{queued.pk}/match/submit/", {"payer_id": kukar.payer_ids[0]})
    assert response.status_code == 403
    assert money() == before


# --- worker coverage and history partial -------------------------------------------------------


def test_worker_page_loads_the_contributions_partial(
    client_as: Callable[[User], Client], branch_officer_kukar: User, kukar: Billed
) -> None:
    payer = kukar.payer_ids[0]
    record(payer, 20_000, "REF-H")
    worker_id = Payment.objects.get(bank_reference="REF-H").payer.worker_id  # type: ignore[union-attr]
    client = client_as(branch_officer_kukar)
    page_html = client.get(f"/workers/{worker_id}/").content.decode()
    assert f'hx-get="/workers/{worker_id}/contributions/"' in page_html
    html = client.get(f"/workers/{worker_id}/contributions/?on=2026-11-20").content.decode()
    statuses = dict(re.findall(r'data-programme="(\w+)">.*?data-status="(\w+)"', html, re.S))
    assert statuses == {
        "JKK": "in_grace",
        "JKM": "in_grace",
        "JHT": "not_a_member",
        "JP": "not_a_member",
        "JKP": "not_a_member",
    }
    months = re.findall(
        r'data-month="([\d-]+)">.*?<td class="num nowrap">(Rp[\d.]+)</td>\s*'
        r'<td class="num nowrap">(Rp[\d.]+)</td>\s*<td class="num nowrap">(Rp[\d.]+)</td>',
        html,
        re.S,
    )
    assert months == [
        ("2026-11", "Rp16.800", "Rp0", "Rp16.800"),
        ("2026-10", "Rp16.800", "Rp3.200", "Rp13.600"),
        ("2026-09", "Rp16.800", "Rp16.800", "Rp0"),
    ]


def test_worker_partial_is_scoped_and_money_needs_billing_view(
    client_as: Callable[[User], Client],
    branch_officer_kubu_raya: User,
    make_user: Callable[..., User],
) -> None:
    acct = account(segment="BPU")
    acct.bill(SEP, {"JKK": 10_000, "JKM": 6_800}, due=date(2026, 9, 15))
    url = f"/workers/{acct.worker.pk}/contributions/?on=2026-09-20"
    assert client_as(branch_officer_kubu_raya).get(url).status_code == 404
    village = make_user("desa_perian", "village_officer", "6402012001")
    html = client_as(village).get(url).content.decode()
    assert 'data-programme="JKK"' in html
    assert "Riwayat iuran per bulan" not in html


@pytest.mark.parametrize("months", [1, 3])
def test_worker_partial_queries_do_not_grow_with_history(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    months: int,
    django_assert_max_num_queries: Any,
) -> None:
    acct = account(segment="BPU")
    for month in [SEP, OCT, NOV][:months]:
        lines = acct.bill(month, {"JKK": 10_000, "JKM": 6_800}, due=month.replace(day=15))
        acct.pay_all(month.replace(day=10), lines)
    client = client_as(branch_officer_kukar)
    client.get("/")
    with django_assert_max_num_queries(18):
        html = client.get(f"/workers/{acct.worker.pk}/contributions/").content.decode()
    assert len(re.findall(r'data-month="', html)) == months
