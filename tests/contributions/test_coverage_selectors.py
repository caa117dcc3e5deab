"""coverage_on / coverage_for_nik and `lindungi status`: status, reason, paid-through and payer
kind from the rule tables as loaded; scope and permissions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from lindungi.cli import main
from lindungi.cli import status as _status_command  # noqa: F401 (attaches `status`)
from lindungi.contributions.coverage.rules import Reason, Status
from lindungi.contributions.coverage.sample import Account, account, d, rules_from_file
from lindungi.contributions.coverage.selectors import (
    coverage_for_nik,
    coverage_on,
    payment_rules,
)
from lindungi.contributions.models import PaidThrough
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db
NIK = "6402011505900001"  # man born 15-05-1990, Kutai Kartanegara


def paid(acct: Account, month: str | None) -> Account:
    PaidThrough.objects.create(membership=acct.membership, month=d(month) if month else None)
    return acct


def test_payment_rules_are_the_loaded_tables() -> None:
    loaded = payment_rules()
    from_file = rules_from_file()
    strip = [(r.ref.table, r.valid_from, r.valid_to, r.value, r.month_offset) for r in loaded.rows]
    assert sorted(strip) == sorted(
        (r.ref.table, r.valid_from, r.valid_to, r.value, r.month_offset) for r in from_file.rows
    )
    assert all(r.ref.regulation for r in loaded.rows)


@pytest.mark.parametrize(
    ("segment", "employer", "paid_through", "on", "status", "reason", "payer_kind"),
    [
        ("BPU", False, "2026-11", "2026-11-20", Status.COVERED, Reason.PAID_UP, "self"),
        ("BPU", False, "2026-10", "2026-11-10", Status.IN_GRACE, Reason.NOT_YET_DUE, "self"),
        ("BPU", False, "2026-09", "2026-11-16", Status.IN_GRACE, Reason.GRACE, "self"),
        ("BPU", False, "2026-08", "2026-11-16", Status.LAPSED, Reason.LAPSED, "self"),
        ("PU", True, "2026-08", "2026-11-16", Status.COVERED, Reason.ARREARS, "employer"),
        ("PU", True, "2026-10", "2026-11-16", Status.COVERED, Reason.NOT_YET_DUE, "employer"),
        ("BPU", False, "2026-11", "2025-12-31", Status.NOT_A_MEMBER, Reason.NOT_STARTED, "self"),
    ],
)
def test_coverage_on(
    segment: str,
    employer: bool,
    paid_through: str,
    on: str,
    status: Status,
    reason: Reason,
    payer_kind: str,
) -> None:
    acct = paid(account(segment=segment, employer=employer), paid_through)
    found = coverage_on(worker_id=acct.worker.pk, on=d(on), programme="JKK", actor=None)
    assert (found.status, found.reason_code) == (status, reason)
    assert (found.paid_through, found.membership_id) == (d(paid_through), acct.membership.pk)
    assert (found.segment, found.payer_kind) == (segment, payer_kind)


def test_lapsed_reason_and_json() -> None:
    acct = paid(account(segment="BPU"), "2026-08")
    found = coverage_on(worker_id=acct.worker.pk, on=d("2026-11-16"), actor=None)
    data = found.as_dict()
    rules = data.pop("rules")
    assert data == {
        "status": "lapsed",
        "reason": (
            "Iuran BPU 3 bulan berturut-turut tidak dibayar sejak 2026-09 (jatuh tempo "
            "2026-09-15, due_day_bpu (PP 44/2015 ⚠ NEWS)): perlindungan nonaktif setelah 3 bulan "
            "(bpu_lapse_months (Permenaker 5/2021 (article not retrieved) ⚠ NEWS)); aktif kembali "
            "bila tunggakan dibayar (pembayaran melunasi bulan tertua lebih dulu)."
        ),
        "reason_code": "lapsed",
        "on": "2026-11-16",
        "programme": "JKK",
        "paid_through": "2026-08",
        "membership_id": acct.membership.pk,
        "segment": "BPU",
        "payer_kind": "self",
        "unpaid_months": 3,
        "overdue_months": 3,
        "first_unpaid": "2026-09",
        "first_due": "2026-09-15",
    }
    assert [r["table"] for r in rules] == ["due_day_bpu", "bpu_lapse_months"]


def test_first_billed_month_starts_the_count() -> None:
    acct = account(segment="BPU", start=date(2025, 1, 1))
    acct.bill(d("2026-10"), {"JKK": 10_000, "JKM": 6_800}, due=d("2026-10-15"))
    found = coverage_on(worker_id=acct.worker.pk, on=d("2026-11-16"), actor=None)
    assert (found.status, found.overdue_months, found.paid_through) == (Status.IN_GRACE, 2, None)


def test_programme_not_in_the_membership_is_not_a_member() -> None:
    acct = paid(account(segment="BPU"), "2026-11")
    found = coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), programme="jht", actor=None)
    assert (found.status, found.reason_code, found.membership_id) == (
        Status.NOT_A_MEMBER,
        Reason.NO_MEMBERSHIP,
        None,
    )
    assert found.reason == "Tidak ada kepesertaan dengan program JHT."


def test_ended_membership_names_its_end_and_reason() -> None:
    acct = account(segment="BPU", end=date(2026, 6, 1), end_reason="resigned")
    found = coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), actor=None)
    assert (found.status, found.reason) == (
        Status.NOT_A_MEMBER,
        "Kepesertaan BPU berakhir 2026-06-01 (Berhenti bekerja).",
    )


def test_best_of_several_memberships() -> None:
    self_paid = paid(account(segment="BPU"), "2026-05")  # lapsed
    wage = paid(account(segment="PU", employer=True, worker=self_paid.worker), "2026-10")
    found = coverage_on(worker_id=self_paid.worker.pk, on=d("2026-11-20"), actor=None)
    assert (found.status, found.membership_id, found.payer_kind) == (
        Status.COVERED,
        wage.membership.pk,
        "employer",
    )


def test_unknown_programme() -> None:
    acct = account(segment="BPU")
    with pytest.raises(ValidationError) as err:
        coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), programme="XYZ", actor=None)
    assert err.value.errors == {
        "programme": ["Program XYZ tidak dikenal; pilih dari: JKK, JKM, JHT, JP, JKP."]
    }


def test_scope_and_permission(
    branch_officer_kukar: Any, branch_officer_kubu_raya: Any, dprd_kaltim: Any
) -> None:
    acct = paid(account(segment="BPU"), "2026-11")
    seen = coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), actor=branch_officer_kukar)
    assert seen.status == Status.COVERED
    with pytest.raises(NotFound):
        coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), actor=branch_officer_kubu_raya)
    with pytest.raises(PermissionDenied):
        coverage_on(worker_id=acct.worker.pk, on=d("2026-11-20"), actor=dprd_kaltim)


def test_by_nik() -> None:
    acct = paid(account(segment="BPU", nik=NIK), "2026-11")
    found = coverage_for_nik(nik=f" {NIK} ", on=d("2026-11-20"), actor=None)
    assert (found.status, found.membership_id) == (Status.COVERED, acct.membership.pk)
    with pytest.raises(NotFound):
        coverage_for_nik(nik="6402011505900002", on=d("2026-11-20"), actor=None)
    with pytest.raises(ValidationError):
        coverage_for_nik(nik="64020115", on=d("2026-11-20"), actor=None)


# --- lindungi status ----------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["status", *args])
    return result.exit_code, result.output


def test_cli_json() -> None:
    acct = paid(account(segment="BPU", nik=NIK), "2026-09")
    code, output = run(NIK, "--on", "2026-11-10", "--programme", "jkm", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert {k: data[k] for k in ("nik", "status", "paid_through", "payer_kind", "programme")} == {
        "nik": "6402••••••••0001",
        "status": "in_grace",
        "paid_through": "2026-09",
        "payer_kind": "self",
        "programme": "JKM",
    }
    assert data["membership_id"] == acct.membership.pk
    assert NIK not in output


def test_cli_human() -> None:
    paid(account(segment="PU", employer=True, nik=NIK), "2026-10")
    code, output = run(NIK, "--on", "2026-11-20")
    assert code == 0, output
    assert output.splitlines() == [
        "NIK 6402••••••••0001 · JKK · 2026-11-20",
        "  Status: TERLINDUNGI (covered)",
        "  Alasan (reason): Iuran PU bulan 2026-11 belum dibayar dan belum jatuh tempo "
        "(2026-12-15, due_day_pu (PP 44/2015 ⚠ NEWS)).",
        "  Lunas s.d. (paid through): 2026-10",
        "  Kepesertaan: PU, pembayar employer",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["6402011505900002", "--on", "2026-11-20"], "tidak ditemukan"),
        (["123", "--on", "2026-11-20"], "NIK harus 16 angka"),
        ([NIK, "--on", "2026-13-01"], "bukan tanggal"),
        ([NIK, "--programme", "XYZ"], "XYZ"),
    ],
)
def test_cli_errors(args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code != 0
    assert message in output
