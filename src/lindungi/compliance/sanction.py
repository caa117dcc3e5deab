"""The administrative fine of PP 86/2013 Pasal 7: a share of the contributions due, per month.

`fine_amount` is pure. `case_fine` reads the rule row in force on the day the case reaches the
fine step and the case's findings. ⚠ "Contributions due" is read as what the findings say the
employer owes: the unpaid contributions of an arrears finding, plus, for unregistered workers,
wages or programmes, the monthly contributions lost times the months since the finding's month
(at least one). The fine runs for one month: BPJS may impose it for at most `max_days` (30)
after the second warning ends (REGULATIONS.md §3.3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lindungi.compliance.models import Case, Finding, FindingKind
from lindungi.contributions.rules import round_rupiah
from lindungi.reference.selectors import rate_in_force

TABLE = "sanction_fine"
FINE_MONTHS = 1  # imposed for at most 30 days after the second warning (Pasal 7)


@dataclass(frozen=True)
class CaseFine:
    amount: int
    contributions_due: int
    rate: Decimal
    rule: str  # "sanction_fine[] PP 86/2013 Pasal 7 from 2014-01-01"

    def as_dict(self) -> dict[str, object]:
        return {
            "fine_amount": self.amount,
            "fine_basis": self.contributions_due,
            "fine_rate": str(self.rate),
            "fine_rule": self.rule,
        }


def fine_amount(*, contributions_due: int, rate: Decimal, months: int = FINE_MONTHS) -> int:
    """Whole rupiah, rounded once half up; nothing is due on nothing."""
    if contributions_due <= 0 or months <= 0:
        return 0
    return round_rupiah(Decimal(contributions_due) * rate * months)


def months_between(start: date, end: date) -> int:
    """Contribution months from the finding's month to the month of `end`, at least one."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def contributions_due(findings: Iterable[Finding], on: date) -> int:
    """What the case's findings say the employer owes on `on` (the ⚠ reading above)."""
    total = 0
    for finding in findings:
        if finding.kind == FindingKind.ARREARS:
            total += int(finding.evidence.get("unpaid", 0) or 0)
        else:
            total += finding.contributions_lost * months_between(finding.month, on)
    return total


def case_fine(case: Case, on: date) -> CaseFine:
    """The fine for a case reaching the fine step on `on`, from the rule row in force then."""
    row = rate_in_force(TABLE, "", on)
    due = contributions_due(Finding.objects.filter(case=case), on)
    rule = f"{TABLE} {row.regulation} from {row.valid_from.isoformat()}"
    return CaseFine(fine_amount(contributions_due=due, rate=row.value), due, row.value, rule)
