"""Demo compliance work: holidays, a month of WLKP manpower reports in which some employers
report more workers or higher wages than they registered, a few businesses with no NPP at all,
the cross-check over them, and one case carried to its first warning letter.

All of it goes through the services (the import reads a CSV as an office would upload it);
nothing is made twice.
"""

from __future__ import annotations

import random
from datetime import date

from django.db.models import Count, Q, Sum

from lindungi.accounts.models import User
from lindungi.compliance import services
from lindungi.compliance.calendar import holidays_load
from lindungi.compliance.crosscheck import crosscheck_run
from lindungi.compliance.imports import check_import
from lindungi.compliance.models import Case, Finding
from lindungi.registry.models import Membership

UNDER_REGISTERED, UNDER_WAGED = 0.15, 0.10  # shares of employers reporting more than registered
UNREGISTERED_BUSINESSES = 8  # NIBs with workers and no NPP (PTD)


def demo_compliance(*, month: date, seed: int) -> int:
    """Cross-check `month` against generated WLKP reports; returns findings made (0 if done)."""
    if Finding.objects.exists():
        return 0
    holidays_load(actor=None)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    rows = [*_reports(month, rng), *_unregistered(month, rng)]
    check_import(kind="wlkp", file_name="demo-wlkp.csv", content=_csv(rows), actor=None)
    result = crosscheck_run(month=month, actor=None)
    _first_case(month)
    return sum(result.counts.values())


def _reports(month: date, rng: random.Random) -> list[tuple[str, ...]]:
    active = Q(start__lte=month) & (Q(end__isnull=True) | Q(end__gt=month))
    registered = (
        Membership.objects.filter(
            active, payer__kind="employer", payer__employer__npp__isnull=False
        )
        .values("payer__employer__npp")
        .annotate(members=Count("id"), wages=Sum("declared_wage"))
        .order_by("payer__employer__npp")
    )
    rows: list[tuple[str, ...]] = []
    for e in registered:
        members, wages = int(e["members"]), int(e["wages"] or 0)
        workers, draw = members, rng.random()
        if draw < UNDER_REGISTERED:
            workers += rng.randint(1, max(1, members // 2))
            wages = wages * workers // members
        elif draw < UNDER_REGISTERED + UNDER_WAGED:
            wages = wages * rng.randint(120, 160) // 100
        male = workers * rng.randint(40, 70) // 100
        npp = str(e["payer__employer__npp"])
        rows.append(("", npp, f"{month:%Y-%m}", str(male), str(workers - male), str(wages)))
    return rows


def _unregistered(month: date, rng: random.Random) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for n in range(UNREGISTERED_BUSINESSES):
        workers = rng.randint(3, 40)
        nib = f"91{n:011d}"
        wages = workers * rng.randint(3_500_000, 5_000_000)
        rows.append((nib, "", f"{month:%Y-%m}", str(workers), "0", str(wages)))
    return rows


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    lines = ["nib,npp,month,workers_male,workers_female,total_wages"]
    lines += [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _first_case(month: date) -> None:
    officer = User.objects.filter(username="kepatuhan_kaltim").first()
    finding = Finding.objects.filter(kind="pds_tk", region_code__startswith="64").first()
    if officer is None or finding is None or Case.objects.exists():
        return
    case = services.case_open(finding_id=finding.pk, actor=officer)
    for to in ("desk_review", "warning_1"):
        services.case_move(case_id=case.pk, to=to, actor=officer)
