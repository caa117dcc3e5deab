"""Contribution amounts as pure functions over the rates in force (no ORM, no clock).

Every figure comes from a `RateSet` built from the effective-dated rule rows of the month
(`contributions.rates.rate_set_for`); formulas and their regulations are in
docs/contributions.md. Money is whole rupiah; each computed contribution is rounded once, half
up, at the end.

types: programmes, segments, rates, inputs and results; errors: messages and typed errors;
dues: each segment's formulas; relief: discounts and deferrals; entry: `breakdown`.
"""

from lindungi.contributions.rules.dues import (
    bpu_dues,
    jakon_dues,
    marginal,
    pmi_amount,
    pmi_dues,
    pu_dues,
)
from lindungi.contributions.rules.entry import breakdown
from lindungi.contributions.rules.errors import (
    MSG_INCOME,
    MSG_NO_RATES,
    MSG_NOT_OFFERED,
    MSG_ONE_BASE,
    MSG_PMI_JHT,
    MSG_PMI_MONTHS,
    MSG_PMI_PACKAGE,
    MSG_POSITIVE,
    MSG_REQUIRED,
    MSG_RISK_GROUP,
    ContributionInputError,
    IncomeOutOfRange,
    ProgrammeNotOffered,
)
from lindungi.contributions.rules.relief import relief_for
from lindungi.contributions.rules.types import (
    NONE,
    OFFERED,
    ONE,
    RISK_GROUPS,
    ZERO,
    BpuRates,
    Breakdown,
    Discount,
    Due,
    Inputs,
    JakonRates,
    JkpRate,
    JpDeferral,
    PmiPhase,
    PmiRates,
    Programme,
    PuRates,
    RateSet,
    Relief,
    RuleRef,
    Segment,
    Tier,
    round_rupiah,
    rupiah,
)

__all__ = [
    "MSG_INCOME",
    "MSG_NOT_OFFERED",
    "MSG_NO_RATES",
    "MSG_ONE_BASE",
    "MSG_PMI_JHT",
    "MSG_PMI_MONTHS",
    "MSG_PMI_PACKAGE",
    "MSG_POSITIVE",
    "MSG_REQUIRED",
    "MSG_RISK_GROUP",
    "NONE",
    "OFFERED",
    "ONE",
    "RISK_GROUPS",
    "ZERO",
    "BpuRates",
    "Breakdown",
    "ContributionInputError",
    "Discount",
    "Due",
    "IncomeOutOfRange",
    "Inputs",
    "JakonRates",
    "JkpRate",
    "JpDeferral",
    "PmiPhase",
    "PmiRates",
    "Programme",
    "ProgrammeNotOffered",
    "PuRates",
    "RateSet",
    "Relief",
    "RuleRef",
    "Segment",
    "Tier",
    "bpu_dues",
    "breakdown",
    "jakon_dues",
    "marginal",
    "pmi_amount",
    "pmi_dues",
    "pu_dues",
    "relief_for",
    "round_rupiah",
    "rupiah",
]
