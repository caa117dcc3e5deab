"""Is a case's non-compliance gone? Checked against the registry and the ledger as of a date.

Each finding kind states what "fixed" means with the figures its evidence recorded: the
reported workers are now members, no member is below the province's UMP or the reported
average wage, every mandatory programme is held, nothing is past due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from lindungi.compliance import rules
from lindungi.compliance.estimate import Estimator
from lindungi.compliance.models import Case, Finding, FindingKind
from lindungi.contributions import fines
from lindungi.registry.models import Employer, Membership, Payer


@dataclass
class Verification:
    members: int = 0
    gaps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.gaps


def _employer(case: Case) -> Employer | None:
    if case.employer_id is not None:
        return case.employer
    return Employer.objects.filter(nib=case.nib).first() if case.nib else None


def _members(employer: Employer, on: date, ump: int) -> dict[str, Any]:
    active = Membership.objects.filter(
        payer__employer=employer, segment="PU", start__lte=on
    ).filter(Q(end__isnull=True) | Q(end__gt=on))
    return active.aggregate(
        members=Count("id"),
        wages=Sum("declared_wage"),
        below_ump=Count("id", filter=Q(declared_wage__lt=ump)),
        no_jkk=Count("id", filter=Q(jkk=False)),
        no_jkm=Count("id", filter=Q(jkm=False)),
        no_jht=Count("id", filter=Q(jht=False)),
        no_jp=Count("id", filter=Q(jp=False)),
    )


def case_verify(case: Case, *, on: date) -> Verification:
    """The gaps of the case's findings still visible in the registry on `on` (none = fixed)."""
    employer = _employer(case)
    findings = list(Finding.objects.filter(case=case))
    if employer is None:
        return Verification(gaps=[FindingKind.PTD.value])
    ump = Estimator(on).ump_of(employer.village_id)
    now = _members(employer, on, ump)
    result = Verification(members=now["members"])
    for f in findings:
        if _still_open(f, now, employer, on):
            result.gaps.append(f.kind)
    return result


def _still_open(f: Finding, now: dict[str, Any], employer: Employer, on: date) -> bool:
    members, ev = now["members"], f.evidence
    if f.kind in (FindingKind.PTD, FindingKind.PDS_TK):
        return bool(members < int(ev.get("reported_workers", 0)))
    if f.kind == FindingKind.PDS_UPAH:
        reported = int(ev.get("reported_average_wage", 0))
        low_avg = members and 100 * (now["wages"] or 0) < 99 * reported * members
        return bool(now["below_ump"] or low_avg)
    if f.kind == FindingKind.PDS_PROGRAM:
        required = rules.mandatory_programmes(employer.size_class)
        return any(now[f"no_{p.lower()}"] for p in required)
    if f.kind == FindingKind.ARREARS:
        payer = Payer.objects.filter(employer=employer).first()
        if payer is None:
            return False
        return any(a.unpaid > 0 for a in fines.arrears(actor=None, as_of=on, payer_id=payer.pk))
    return False
