"""Which discounts and deferrals reduce what a payer is billed in one month."""

from __future__ import annotations

from decimal import Decimal

from lindungi.contributions.rules.types import ONE, Programme, RateSet, Relief, RuleRef, Segment


def relief_for(
    *,
    rates: RateSet,
    kbli: str | None = None,
    workers: int | None = None,
    eligible: bool = True,
    jp_deferral: bool = True,
) -> Relief:
    """Discounts (PP 49/2020, PP 7/2025 and its extension) covering this payer this month.

    `eligible` is False when the payer fails a relief's payment-history condition (paid up to
    2020-07, resp. JKK up to 2025-01; new participants' first 2 months under PP 49/2020);
    the caller decides it from the ledger. Factors of overlapping discounts multiply.
    """
    if not eligible:
        return Relief()
    factors: dict[Programme, Decimal] = {}
    refs: list[RuleRef] = []
    for discount in rates.discounts:
        if discount.covers(segment=rates.segment, kbli=kbli, workers=workers):
            for p in discount.programmes:
                factors[p] = factors.get(p, ONE) * discount.factor
            refs.append(discount.ref)
    deferred: dict[Programme, Decimal] = {}
    if jp_deferral and rates.jp_deferral is not None and rates.segment is Segment.PU:
        deferred[Programme.JP] = rates.jp_deferral.share
        refs.append(rates.jp_deferral.ref)
    return Relief(factors, deferred, tuple(refs))
