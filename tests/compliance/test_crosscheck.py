"""Each finding kind on crafted data, with exact figures; re-runs are idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.imports import check_import
from lindungi.compliance.models import Finding
from lindungi.contributions.billing.services import billing_run_execute, billing_run_request
from lindungi.core.errors import PermissionDenied
from lindungi.core.models import AuditEvent

from .conftest import MONTH

pytestmark = pytest.mark.django_db

# Kalimantan Timur, October 2026: UMP Rp3,762,431 (SK Gubernur 100.3.3.1/K.481/2025).
# Small employer, JKK group I: JKK 0.24 % + JKM 0.30 % + JHT 5.7 % = 6.24 % → Rp249,600 at 4 M.
SMALL_AT_4M = 249_600


def only(kind: str) -> Finding:
    found = list(Finding.objects.filter(kind=kind))
    assert len(found) == 1, [(f.kind, f.subject) for f in Finding.objects.all()]
    return found[0]


def test_ptd_unknown_business_priced_at_reported_wage(
    import_wlkp: Callable[..., Any], kukar_village: str
) -> None:
    business = (
        "nib,name,kbli,village_code,address,scale\n"
        f"1234567890123,CV Sawit Baru,01262,{kukar_village},Jl. Poros,kecil\n"
    ).encode()
    check_import(kind="business", file_name="oss.csv", content=business, actor=None)
    import_wlkp([("1234567890123", "", "2026-10", 3, 2, 20_000_000)])
    result = crosscheck_run(month=MONTH, actor=None)
    assert result.counts == {"ptd": 1, "pds_tk": 0, "pds_upah": 0, "pds_program": 0, "arrears": 0}
    f = only("ptd")
    assert (f.subject, f.name, f.region_code, f.size_class) == (
        "N1234567890123",
        "CV Sawit Baru",
        kukar_village,
        "small",
    )
    assert f.workers_unprotected == 5
    assert f.contributions_lost == 5 * SMALL_AT_4M
    assert f.evidence["reported_workers"] == 5
    assert f.evidence["in_registry"] is False


def test_ptd_registry_employer_without_members(
    import_wlkp: Callable[..., Any], make_employer: Callable[..., Any], kukar_village: str
) -> None:
    employer = make_employer(kukar_village, nib="1111111111111", size="small")
    import_wlkp([("1111111111111", "", "2026-10", 2, 0, 8_000_000)])
    crosscheck_run(month=MONTH, actor=None)
    f = only("ptd")
    assert (f.subject, f.employer_id, f.workers_unprotected) == (f"E{employer.pk}", employer.pk, 2)
    assert f.contributions_lost == 2 * SMALL_AT_4M


def test_pds_tk_reported_above_members(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> None:
    employer = make_employer(kukar_village, npp="K1000001", size="small")
    add_members(employer, 3, wage=4_000_000)
    import_wlkp([("", "K1000001", "2026-10", 4, 1, 20_000_000)])
    result = crosscheck_run(month=MONTH, actor=None)
    assert result.counts["pds_tk"] == 1
    assert result.counts["pds_upah"] == 0
    f = only("pds_tk")
    assert f.workers_unprotected == 2
    assert f.contributions_lost == 2 * SMALL_AT_4M
    assert f.evidence["registered_members"] == 3
    assert f.evidence["reported_workers"] == 5


def test_pds_upah_below_ump(
    make_employer: Callable[..., Any], add_members: Callable[..., Any], kukar_village: str
) -> None:
    employer = make_employer(kukar_village, size="small")
    add_members(employer, 2, wage=3_000_000)
    add_members(employer, 1, wage=3_762_431)  # exactly the UMP: not below
    crosscheck_run(month=MONTH, actor=None)
    f = only("pds_upah")
    assert f.employer_id == employer.pk
    assert f.evidence["ump"] == 3_762_431
    assert f.evidence["members_below_ump"] == 2
    assert f.workers_unprotected == 2
    # 6.24 % of (3,762,431 - 3,000,000) per worker, each programme share rounded half up
    assert f.contributions_lost == 2 * (234_776 - 187_200)


def test_pds_upah_below_reported_average(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> None:
    employer = make_employer(kukar_village, npp="K1000002", size="small")
    add_members(employer, 2, wage=4_000_000)
    import_wlkp([("", "K1000002", "2026-10", 2, 0, 10_000_000)])  # 5 M each reported
    crosscheck_run(month=MONTH, actor=None)
    f = only("pds_upah")
    assert f.evidence["reported_average_wage"] == 5_000_000
    assert f.evidence["declared_average_wage"] == 4_000_000
    assert f.workers_unprotected == 2
    assert f.contributions_lost == 2 * (312_000 - SMALL_AT_4M)


def test_pds_program_medium_without_jp(
    make_employer: Callable[..., Any], add_members: Callable[..., Any], kukar_village: str
) -> None:
    medium = make_employer(kukar_village, size="medium")
    add_members(medium, 4, wage=4_000_000, jp=False)
    small = make_employer(kukar_village, size="small")
    add_members(small, 4, wage=4_000_000, jp=False)  # JP not mandatory for small
    crosscheck_run(month=MONTH, actor=None)
    f = only("pds_program")
    assert f.employer_id == medium.pk
    assert f.evidence["missing"] == {"JP": 4}
    assert f.workers_unprotected == 4
    assert f.contributions_lost == 4 * 120_000  # JP 2 % + 1 % of 4 M


def test_arrears_from_the_ledger(
    make_employer: Callable[..., Any], add_members: Callable[..., Any], kukar_village: str
) -> None:
    employer = make_employer(kukar_village, size="small")
    add_members(employer, 2, wage=4_000_000)
    run = billing_run_request(month=date(2026, 9, 1), actor=None)
    billing_run_execute(run_id=run.pk)
    crosscheck_run(month=MONTH, actor=None)
    f = only("arrears")
    assert f.employer_id == employer.pk
    assert f.evidence["months_unpaid"] == 1
    assert f.contributions_lost == f.evidence["unpaid"]
    assert f.workers_unprotected == 2


def test_rerun_is_idempotent_and_keeps_cased_findings(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    compliance_officer_kaltim: Any,
) -> None:
    from lindungi.compliance.services import case_open

    employer = make_employer(kukar_village, npp="K1000003", size="small")
    add_members(employer, 1, wage=4_000_000)
    import_wlkp([("", "K1000003", "2026-10", 3, 0, 12_000_000)])
    first = crosscheck_run(month=MONTH, actor=None)
    rows = sorted(Finding.objects.values_list("kind", "subject", "contributions_lost"))
    second = crosscheck_run(month=MONTH, actor=None)
    assert first.counts == second.counts
    assert sorted(Finding.objects.values_list("kind", "subject", "contributions_lost")) == rows
    case = case_open(finding_id=only("pds_tk").pk, actor=compliance_officer_kaltim)
    third = crosscheck_run(month=MONTH, actor=None)
    assert third.counts["pds_tk"] == 0
    assert third.kept_in_cases == 1
    assert only("pds_tk").case_id == case.pk


def test_run_scoped_to_actor_region(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
    kubu_raya_village: str,
    compliance_officer_kaltim: Any,
) -> None:
    add_members(make_employer(kukar_village), 1, wage=1_000_000)
    add_members(make_employer(kubu_raya_village), 1, wage=1_000_000)
    crosscheck_run(month=MONTH, actor=None)
    assert Finding.objects.count() == 2
    result = crosscheck_run(month=MONTH, actor=compliance_officer_kaltim)
    assert result.counts["pds_upah"] == 1
    assert Finding.objects.count() == 2  # Kalimantan Barat's finding untouched


def test_run_denied_changes_nothing(
    branch_officer_kukar: Any,
    kukar_village: str,
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
) -> None:
    add_members(make_employer(kukar_village), 1, wage=1_000_000)
    audits = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        crosscheck_run(month=MONTH, actor=branch_officer_kukar)
    assert Finding.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_business_reported_under_npp_and_nib_is_one_finding(
    import_wlkp: Callable[..., Any],
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> None:
    employer = make_employer(kukar_village, npp="K1000009", nib="2222222222222", size="small")
    add_members(employer, 1, wage=4_000_000)
    import_wlkp(
        [
            ("", "K1000009", "2026-10", 2, 0, 8_000_000),
            ("2222222222222", "", "2026-10", 4, 0, 16_000_000),
        ]
    )
    result = crosscheck_run(month=MONTH, actor=None)
    assert result.counts["pds_tk"] == 1
    assert only("pds_tk").workers_unprotected == 3
