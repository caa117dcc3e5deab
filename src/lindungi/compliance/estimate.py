"""What a gap costs: contributions lost per month, through the contributions calculator.

The calculator prices one worker at a reference wage of Rp1,000,000 once per (JKK risk group,
programme) for the month; that gives each programme's rate per rupiah, with the month's rule
rows and discounts (reliefs off). A worker at wage w then costs
round_half_up(sum of rate x base), base = w, or min(w, JP wage cap) for JP. Billing rounds
each share separately, so an estimate can differ from an invoice by at most a rupiah or two per
worker; in exchange, 50,000 employers cost ~20 calculator calls instead of 300,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lindungi.contributions.rates import rate_set_for
from lindungi.contributions.rules import (
    RISK_GROUPS,
    Inputs,
    Programme,
    RateSet,
    breakdown,
)
from lindungi.reference import selectors as reference

# ⚠ Unknown JKK risk group (a business absent from the registry): group I, the lowest, so
# the estimate is a floor rather than a guess upwards.
DEFAULT_RISK = "I"
REFERENCE_WAGE = 1_000_000  # below every JP wage cap since 2015


class Estimator:
    """Contribution per worker for a month's PU rates, and the provincial minimum wages."""

    def __init__(self, month: date) -> None:
        self.month = month.replace(day=1)
        self.rates: RateSet = rate_set_for(self.month, segment="PU")
        self.jp_cap = self.rates.pu.jp_wage_cap if self.rates.pu is not None else 0
        self.ump: dict[str, int] = {
            row.key: int(row.value) for row in reference.rules_in_force("ump", self.month)
        }
        self._rate: dict[tuple[str, str], int] = {}

    def ump_of(self, region_code: str) -> int:
        """The minimum wage of the region's province in force that month (0 if none)."""
        return self.ump.get(region_code[:2], 0)

    def per_million(self, group: str, programme: str) -> int:
        """Employer + worker contribution on Rp1,000,000 of wage, from the calculator."""
        key = (group, programme)
        if key not in self._rate:
            inputs = Inputs(
                programmes=frozenset({Programme(programme)}),
                wage=REFERENCE_WAGE,
                risk_group=group,
                relief_eligible=False,
                jp_deferral=False,
            )
            self._rate[key] = breakdown(rates=self.rates, inputs=inputs).total
        return self._rate[key]

    def per_worker(self, *, wage: int, risk_group: int | None, programmes: Iterable[str]) -> int:
        """Employer + worker contribution for one worker at `wage` (whole rupiah, half up)."""
        if wage <= 0:
            return 0
        group = RISK_GROUPS[risk_group - 1] if risk_group else DEFAULT_RISK
        capped = min(wage, self.jp_cap)
        # Integer arithmetic: per-million amounts times wages, one half-up division at the end.
        total = sum(
            self.per_million(group, p) * (capped if p == "JP" else wage) for p in set(programmes)
        )
        return (total + REFERENCE_WAGE // 2) // REFERENCE_WAGE

    def gap(self, *, high: int, low: int, risk_group: int | None, programmes: Iterable[str]) -> int:
        """What one worker's contribution loses when declared at `low` instead of `high`."""
        chosen = frozenset(programmes)
        if high <= low:
            return 0
        lost = self.per_worker(wage=high, risk_group=risk_group, programmes=chosen)
        return lost - self.per_worker(wage=low, risk_group=risk_group, programmes=chosen)
