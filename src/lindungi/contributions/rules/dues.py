"""The dues of each segment for one month: wage earners (PU), informal workers (BPU),
construction projects (JAKON) and migrant workers (PMI)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from lindungi.contributions.rules._checks import (
    check_programmes,
    need_rates,
    positive,
    required,
)
from lindungi.contributions.rules.errors import (
    MSG_ONE_BASE,
    MSG_PMI_JHT,
    MSG_PMI_MONTHS,
    MSG_REQUIRED,
    MSG_RISK_GROUP,
    ContributionInputError,
    IncomeOutOfRange,
)
from lindungi.contributions.rules.types import (
    NONE,
    OFFERED,
    ONE,
    ZERO,
    Due,
    JkpRate,
    PmiPhase,
    PmiRates,
    Programme,
    RateSet,
    Segment,
    Tier,
    round_rupiah,
    rupiah,
)


def pu_dues(
    *,
    wage: int,
    risk_group: str,
    programmes: Iterable[Programme],
    rates: RateSet,
    discount_factor: Mapping[Programme, Decimal] = NONE,
    deferred_share: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Monthly wage-earner dues per programme (PP 44/2015, 45/2015, 46/2015, 6/2025)."""
    pu = need_rates(rates.pu, rates)
    chosen = check_programmes(Segment.PU, programmes, jkp=pu.jkp is not None)
    positive("wage", wage)
    if risk_group not in pu.jkk:
        raise ContributionInputError({"risk_group": str(MSG_RISK_GROUP)})
    shares: dict[Programme, tuple[int, Decimal, Decimal]] = {
        Programme.JKK: (wage, pu.jkk[risk_group], ZERO),
        Programme.JKM: (wage, pu.jkm, ZERO),
        Programme.JHT: (wage, pu.jht_employer, pu.jht_worker),
        Programme.JP: (min(wage, pu.jp_wage_cap), pu.jp_employer, pu.jp_worker),
    }
    dues = []
    for p in chosen:
        if p is Programme.JKP:
            dues.append(_jkp_due(wage, need_rates(pu.jkp, rates)))
            continue
        base, employer, worker = shares[p]
        factor, later = discount_factor.get(p, ONE), deferred_share.get(p, ZERO)
        dues.append(_shared_due(p, base * factor, employer, worker, later))
    return dues


def _shared_due(
    p: Programme, base: Decimal, employer: Decimal, worker: Decimal, later: Decimal
) -> Due:
    """Employer and worker shares; a deferred fraction is billed later, not waived."""
    employer_full, worker_full = base * employer, base * worker
    employer_now = round_rupiah(employer_full * (ONE - later))
    worker_now = round_rupiah(worker_full * (ONE - later))
    owed = round_rupiah(employer_full) + round_rupiah(worker_full)
    return Due(p, employer_now, worker_now, deferred=owed - employer_now - worker_now)


def _jkp_due(wage: int, jkp: JkpRate) -> Due:
    """JKP costs the payer nothing: the government part is shown, the rest is recomposed."""
    government = round_rupiah(min(wage, jkp.wage_cap) * jkp.government)
    return Due(Programme.JKP, 0, 0, government_share=government)


def bpu_dues(
    *,
    income: int,
    programmes: Iterable[Programme],
    rates: RateSet,
    discount_factor: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Monthly dues of an informal worker on the declared income (PP 44/2015, 46/2015)."""
    bpu = need_rates(rates.bpu, rates)
    chosen = check_programmes(Segment.BPU, programmes)
    if income < bpu.income_min or (bpu.income_max is not None and income > bpu.income_max):
        raise IncomeOutOfRange(income=income, low=bpu.income_min, high=bpu.income_max)
    normal = {
        Programme.JKK: income * bpu.jkk,
        Programme.JKM: Decimal(bpu.jkm_flat),
        Programme.JHT: income * bpu.jht,
    }
    return [Due(p, 0, round_rupiah(normal[p] * discount_factor.get(p, ONE))) for p in chosen]


def jakon_dues(
    *,
    contract_value: int | None = None,
    wage: int | None = None,
    rates: RateSet,
    programmes: Iterable[Programme] = OFFERED[Segment.JAKON],
    discount_factor: Mapping[Programme, Decimal] = NONE,
) -> list[Due]:
    """Construction-project dues: on known wages, else marginal tiers of the contract value.

    The contract value excludes PPN (VAT); the tier amount is due once for the project.
    """
    jakon = need_rates(rates.jakon, rates)
    chosen = check_programmes(Segment.JAKON, programmes)
    if contract_value is not None and wage is not None:
        raise ContributionInputError({"contract_value": str(MSG_ONE_BASE)})
    if wage is not None:
        positive("wage", wage)
        normal = {Programme.JKK: wage * jakon.jkk_wage, Programme.JKM: wage * jakon.jkm_wage}
    else:
        contract_value = required("contract_value", contract_value, Segment.JAKON)
        positive("contract_value", contract_value)
        normal = {
            Programme.JKK: marginal(contract_value, jakon.jkk_tiers),
            Programme.JKM: marginal(contract_value, jakon.jkm_tiers),
        }
    return [Due(p, round_rupiah(normal[p] * discount_factor.get(p, ONE)), 0) for p in chosen]


def marginal(value: int, tiers: Iterable[Tier]) -> Decimal:
    """Sum of each slice of `value` times its tier's rate (unrounded)."""
    total = ZERO
    for tier in tiers:
        if value > tier.above:
            top = value if tier.upto is None else min(value, tier.upto)
            total += (top - tier.above) * tier.rate
    return total


def pmi_dues(
    *,
    phase: PmiPhase,
    contract_months: int | None = None,
    rates: RateSet,
    jht_amount: int | None = None,
) -> list[Due]:
    """Migrant-worker JKK+JKM for a phase, plus the chosen JHT amount (Permenaker 4/2023)."""
    pmi = need_rates(rates.pmi, rates)
    dues = [Due(Programme.JKK_JKM, 0, pmi_amount(phase, contract_months, pmi))]
    if jht_amount is not None:
        if jht_amount not in pmi.jht_options:
            options = ", ".join(rupiah(o) for o in pmi.jht_options)
            raise ContributionInputError({"jht_amount": MSG_PMI_JHT % {"options": options}})
        dues.append(Due(Programme.JHT, 0, jht_amount))
    return dues


def pmi_amount(phase: PmiPhase, contract_months: int | None, pmi: PmiRates) -> int:
    """Pasal 18: the amount of the longest listed period that fits, plus each month beyond it."""
    if phase is PmiPhase.PRE_PLACEMENT:
        return pmi.pre_placement
    if contract_months is None:
        raise ContributionInputError({"contract_months": MSG_REQUIRED % {"segment": "PMI"}})
    fitting = [m for m in pmi.placement if m <= contract_months]
    if not fitting:
        months = min(pmi.placement)
        raise ContributionInputError({"contract_months": MSG_PMI_MONTHS % {"months": months}})
    listed = max(fitting)
    return pmi.placement[listed] + (contract_months - listed) * pmi.extra_month
