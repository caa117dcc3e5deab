"""The one entry point: a payer's breakdown for a month, and exactly the rule rows it used."""

from __future__ import annotations

from collections.abc import Mapping

from lindungi.contributions.rules._checks import check_programmes, required
from lindungi.contributions.rules.dues import bpu_dues, jakon_dues, pmi_dues, pu_dues
from lindungi.contributions.rules.errors import MSG_PMI_PACKAGE, ContributionInputError
from lindungi.contributions.rules.relief import relief_for
from lindungi.contributions.rules.types import (
    Breakdown,
    Due,
    Inputs,
    PmiPhase,
    Programme,
    RateSet,
    Relief,
    RuleRef,
    Segment,
)


def breakdown(*, rates: RateSet, inputs: Inputs) -> Breakdown:
    """The contribution of one payer for the month of `rates`, with the rule rows it used."""
    relief = relief_for(
        rates=rates,
        kbli=inputs.kbli,
        workers=inputs.workers,
        eligible=inputs.relief_eligible,
        jp_deferral=inputs.jp_deferral,
    )
    dues = _DUES[rates.segment](rates, inputs, relief)
    used = set(relief.refs)
    for due in dues:
        used.update(_rows_used(rates, due.programme, inputs))
    rules = tuple(sorted(used, key=lambda r: r.id))
    return Breakdown(
        month=rates.month,
        segment=rates.segment,
        dues=dues,
        total=sum(d.billed for d in dues),
        rule_row_ids=tuple(r.id for r in rules),
        rules=rules,
    )


def _pu(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    return pu_dues(
        wage=required("wage", inputs.wage, Segment.PU),
        risk_group=required("risk_group", inputs.risk_group, Segment.PU),
        programmes=inputs.programmes,
        rates=rates,
        discount_factor=relief.factors,
        deferred_share=relief.deferred,
    )


def _bpu(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    income = required("income", inputs.income, Segment.BPU)
    return bpu_dues(
        income=income, programmes=inputs.programmes, rates=rates, discount_factor=relief.factors
    )


def _jakon(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    return jakon_dues(
        contract_value=inputs.contract_value,
        wage=inputs.wage,
        rates=rates,
        programmes=inputs.programmes,
        discount_factor=relief.factors,
    )


def _pmi(rates: RateSet, inputs: Inputs, relief: Relief) -> list[Due]:
    chosen = check_programmes(Segment.PMI, inputs.programmes)
    if Programme.JKK_JKM not in chosen:
        raise ContributionInputError({"programmes": str(MSG_PMI_PACKAGE)})
    jht = None
    if Programme.JHT in chosen:
        jht = required("jht_amount", inputs.jht_amount, Segment.PMI)
    return pmi_dues(
        phase=required("phase", inputs.phase, Segment.PMI),
        contract_months=inputs.contract_months,
        rates=rates,
        jht_amount=jht,
    )


_DUES = {Segment.PU: _pu, Segment.BPU: _bpu, Segment.JAKON: _jakon, Segment.PMI: _pmi}

# Rule tables (and keys; "x*" = keys starting with x) each programme's figure reads.
_BPU_BOUNDS = (("bpu_income_min", None), ("bpu_income_max", None))
_TABLES: Mapping[tuple[Segment, Programme], tuple[tuple[str, str | None], ...]] = {
    (Segment.PU, Programme.JKM): (("pu_jkm_rate", None),),
    (Segment.PU, Programme.JHT): (("pu_jht_rate", None),),
    (Segment.PU, Programme.JP): (("pu_jp_rate", None), ("jp_wage_cap", None)),
    (Segment.PU, Programme.JKP): (("jkp_rate", None),),
    (Segment.BPU, Programme.JKK): (("bpu_jkk_rate", None), *_BPU_BOUNDS),
    (Segment.BPU, Programme.JKM): (("bpu_jkm_flat", None), *_BPU_BOUNDS),
    (Segment.BPU, Programme.JHT): (("bpu_jht_rate", None), *_BPU_BOUNDS),
    (Segment.PMI, Programme.JHT): (("pmi_jht_option", None),),
}


def _rows_used(rates: RateSet, programme: Programme, inputs: Inputs) -> list[RuleRef]:
    wanted = _TABLES.get((rates.segment, programme), ())
    if (rates.segment, programme) == (Segment.PU, Programme.JKK):
        wanted = (("pu_jkk_rate", inputs.risk_group),)
    elif rates.segment is Segment.JAKON:
        name = programme.value.lower()
        by_wage = inputs.wage is not None
        wanted = (("jakon_wages_known", name),) if by_wage else (("jakon_tier", f"{name}_*"),)
    elif programme is Programme.JKK_JKM:
        pre = inputs.phase is PmiPhase.PRE_PLACEMENT
        wanted = (("pmi_amount", "pre_placement" if pre else "placement_*"),)
        wanted += () if pre else (("pmi_amount", "extra_month"),)
    return [ref for table, key in wanted for ref in rates.refs(table) if _matches(ref.key, key)]


def _matches(key: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    return key.startswith(wanted[:-1]) if wanted.endswith("*") else key == wanted
