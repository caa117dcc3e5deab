"""Due dates and coverage status, pure: figures from the rule tables of rules.json (REGULATIONS.md
§1.1, §1.2, §1.5), no database."""

from __future__ import annotations

import pytest

from lindungi.contributions.coverage.rules import (
    Reason,
    Status,
    Term,
    add_months,
    assess,
    due_date,
    reason_text,
    settled_until,
)
from lindungi.contributions.coverage.sample import d, rules_from_file

RULES = rules_from_file()


@pytest.mark.parametrize(
    ("segment", "month", "due"),
    [
        ("PU", "2026-10", "2026-11-15"),  # PP 44/2015: 15th of the following month
        ("JAKON", "2026-10", "2026-11-15"),
        ("PU", "2020-07", "2020-08-15"),
        ("PU", "2020-08", "2020-09-30"),  # PP 49/2020: 30th of the following month
        ("PU", "2020-09", "2020-10-30"),
        ("PU", "2021-01", "2021-02-28"),  # day 30 in February: its last day
        ("PU", "2021-02", "2021-03-15"),
        ("BPU", "2026-11", "2026-11-15"),  # 15th of the same month
        ("BPU", "2020-09", "2020-09-15"),
    ],
)
def test_due_date(segment: str, month: str, due: str) -> None:
    assert due_date(month=d(month), segment=segment, rules=RULES) == d(due)


@pytest.mark.parametrize(("segment", "month"), [("PMI", "2026-10"), ("PU", "2015-06")])
def test_no_due_date(segment: str, month: str) -> None:
    assert due_date(month=d(month), segment=segment, rules=RULES) is None


def bpu(paid: str | None, *, start: str = "2026-01-01", first: str | None = None) -> Term:
    return Term("BPU", d(start), None, d(paid) if paid else None, d(first) if first else None)


def pu(paid: str | None, *, start: str = "2026-01-01", segment: str = "PU") -> Term:
    return Term(segment, d(start), None, d(paid) if paid else None, None)


@pytest.mark.parametrize(
    ("term", "on", "status", "reason", "unpaid", "overdue"),
    [
        (bpu("2026-11"), "2026-11-20", Status.COVERED, Reason.PAID_UP, 0, 0),
        (bpu("2026-12"), "2026-11-20", Status.COVERED, Reason.PAID_UP, 0, 0),
        (bpu("2026-10"), "2026-11-10", Status.IN_GRACE, Reason.NOT_YET_DUE, 1, 0),
        (bpu("2026-10"), "2026-11-15", Status.IN_GRACE, Reason.NOT_YET_DUE, 1, 0),  # on time
        (bpu("2026-10"), "2026-11-16", Status.IN_GRACE, Reason.GRACE, 1, 1),
        (bpu("2026-08"), "2026-11-10", Status.IN_GRACE, Reason.GRACE, 3, 2),
        (bpu("2026-08"), "2026-11-16", Status.LAPSED, Reason.LAPSED, 3, 3),  # Permenaker 5/2021
        (bpu("2026-05"), "2026-11-16", Status.LAPSED, Reason.LAPSED, 6, 6),
        # Nothing paid, nothing billed: months count from the start; joining after the 15th
        # makes the first month fall due on joining.
        (bpu(None, start="2026-11-20"), "2026-11-20", Status.IN_GRACE, Reason.NOT_YET_DUE, 1, 0),
        (bpu(None, start="2026-11-20"), "2026-11-21", Status.IN_GRACE, Reason.GRACE, 1, 1),
        # Billing began in 2026-09: earlier months were settled before this system.
        (
            bpu(None, start="2025-01-01", first="2026-09"),
            "2026-11-16",
            Status.LAPSED,
            Reason.LAPSED,
            3,
            3,
        ),
        (
            bpu(None, start="2025-01-01", first="2026-09"),
            "2026-09-10",
            Status.IN_GRACE,
            Reason.NOT_YET_DUE,
            1,
            0,
        ),
        # No lapse rule before 2021-04-01 (bpu_lapse_months): overdue, but not lapsed.
        (
            bpu("2020-06", start="2020-01-01"),
            "2020-12-20",
            Status.IN_GRACE,
            Reason.NO_LAPSE_RULE,
            6,
            6,
        ),
        # PU: the employer owes and stays liable; the worker stays covered.
        (pu("2026-10"), "2026-10-20", Status.COVERED, Reason.PAID_UP, 0, 0),
        (pu("2026-10"), "2026-11-20", Status.COVERED, Reason.NOT_YET_DUE, 1, 0),
        (pu("2026-08"), "2026-11-20", Status.COVERED, Reason.ARREARS, 3, 2),
        (pu(None), "2026-11-20", Status.COVERED, Reason.ARREARS, 11, 10),
        (pu("2026-08", segment="JAKON"), "2026-11-20", Status.COVERED, Reason.ARREARS, 3, 2),
        # PP 49/2020: September and October 2020 fall due on the 30th of the next month.
        (pu("2020-08", start="2020-01-01"), "2020-10-20", Status.COVERED, Reason.NOT_YET_DUE, 2, 0),
        (pu("2020-08", start="2020-01-01"), "2020-10-31", Status.COVERED, Reason.ARREARS, 2, 1),
        (pu(None, segment="PMI"), "2026-11-20", Status.COVERED, Reason.PERIOD_ONLY, 0, 0),
    ],
)
def test_assess(
    term: Term, on: str, status: Status, reason: Reason, unpaid: int, overdue: int
) -> None:
    found = assess(term=term, on=d(on), rules=RULES)
    assert (found.status, found.reason) == (status, reason)
    assert (found.unpaid_months, found.overdue_months) == (unpaid, overdue)


@pytest.mark.parametrize(
    ("start", "end", "on", "reason"),
    [
        ("2026-01-01", None, "2025-12-31", Reason.NOT_STARTED),
        ("2026-01-01", "2026-06-01", "2026-06-01", Reason.ENDED),  # periods are half-open
        ("2026-01-01", "2026-06-01", "2026-07-10", Reason.ENDED),
    ],
)
def test_outside_the_period(start: str, end: str | None, on: str, reason: Reason) -> None:
    term = Term("BPU", d(start), d(end) if end else None, d("2026-12"), None)
    found = assess(term=term, on=d(on), rules=RULES)
    assert (found.status, found.reason) == (Status.NOT_A_MEMBER, reason)


def test_end_day_is_still_inside_until_it() -> None:
    term = Term("BPU", d("2026-01-01"), d("2026-06-01"), d("2026-05"), None)
    assert assess(term=term, on=d("2026-05-31"), rules=RULES).status == Status.COVERED


def test_lapsed_names_first_unpaid_month_due_date_and_rules() -> None:
    found = assess(term=bpu("2026-08"), on=d("2026-11-16"), rules=RULES)
    assert (found.first_unpaid, found.first_due, found.lapse_after) == (
        d("2026-09"),
        d("2026-09-15"),
        3,
    )
    assert {r.table for r in found.rules} == {"due_day_bpu", "bpu_lapse_months"}
    text = reason_text(found, term=bpu("2026-08"), on=d("2026-11-16"), programme="JKK")
    assert text == (
        "Iuran BPU 3 bulan berturut-turut tidak dibayar sejak 2026-09 (jatuh tempo 2026-09-15, "
        "due_day_bpu (PP 44/2015 ⚠ NEWS)): perlindungan nonaktif setelah 3 bulan "
        "(bpu_lapse_months (Permenaker 5/2021 (article not retrieved) ⚠ NEWS)); aktif kembali "
        "bila tunggakan dibayar (pembayaran melunasi bulan tertua lebih dulu)."
    )


def test_pu_arrears_reason_names_the_missing_rule() -> None:
    found = assess(term=pu("2026-08"), on=d("2026-11-20"), rules=RULES)
    text = reason_text(found, term=pu("2026-08"), on=d("2026-11-20"), programme="JKK")
    assert text == (
        "Peserta PU tetap terlindungi selama kepesertaan aktif: pemberi kerja menunggak 2 bulan "
        "sejak 2026-09 (jatuh tempo 2026-10-15, due_day_pu (PP 44/2015 ⚠ NEWS)) dan menanggung "
        "kewajibannya; aturan tunggakan pemberi kerja belum ditemukan (REGULATIONS.md §8 "
        "butir 11) ⚠."
    )


@pytest.mark.parametrize(
    ("term", "settled"),
    [
        (bpu("2026-10"), "2026-10"),
        (bpu(None), "2025-12"),  # nothing billed: the month before the start
        (bpu(None, first="2026-09"), "2026-08"),  # the month before the first billed month
        (bpu(None, start="2026-11-20", first="2026-09"), "2026-10"),  # never before the start
    ],
)
def test_settled_until(term: Term, settled: str) -> None:
    assert settled_until(term) == d(settled)


def test_add_months_crosses_years() -> None:
    assert add_months(d("2026-11"), 3) == d("2027-02")
    assert add_months(d("2026-01"), -1) == d("2025-12")
