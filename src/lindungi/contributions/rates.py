"""The rates in force for a contribution month, read from the reference rule tables.

The only part of the calculator that touches the database: it turns the rule rows in force on
the first day of the month into a plain `RateSet`, remembering every row it read, and
`calculate` hands that to the pure rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from lindungi.contributions.rules import (
    RISK_GROUPS,
    BpuRates,
    Breakdown,
    ContributionInputError,
    Discount,
    Inputs,
    JakonRates,
    JkpRate,
    JpDeferral,
    PmiPhase,
    PmiRates,
    Programme,
    PuRates,
    RateSet,
    RuleRef,
    Segment,
    Tier,
    breakdown,
)
from lindungi.reference import selectors
from lindungi.reference.models import RuleRow

E = TypeVar("E", bound=StrEnum)
MSG_NO_RULE = _("Tidak ada aturan %(rule)s yang berlaku pada %(on)s.")
MSG_CHOICE = _("Nilai %(value)s tidak dikenal; pilih dari: %(choices)s.")


class NoRuleInForce(ContributionInputError):  # noqa: N818 (reads as the condition it names)
    """A rule row the calculation needs is not in force on that date (month too early?)."""

    def __init__(self, *, table: str, key: str, on: date) -> None:
        rule = f"{table}[{key}]" if key else table
        super().__init__({"month": MSG_NO_RULE % {"rule": rule, "on": on.isoformat()}})
        self.table, self.key, self.on = table, key, on


class _Reader:
    """Reads rule tables in force on one date, one query per table, noting each row read."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.refs: dict[int, RuleRef] = {}
        self._tables: dict[str, dict[str, RuleRow]] = {}

    def rows(self, table: str) -> dict[str, RuleRow]:
        if table not in self._tables:
            rows = selectors.rules_in_force(table, self.on)
            self._tables[table] = {row.key: row for row in rows}
        return self._tables[table]

    def row(self, table: str, key: str = "") -> RuleRow | None:
        row = self.rows(table).get(key)
        if row is not None:
            self.note(row)
        return row

    def value(self, table: str, key: str = "") -> Decimal:
        row = self.row(table, key)
        if row is None:
            raise NoRuleInForce(table=table, key=key, on=self.on)
        return row.value

    def amount(self, table: str, key: str = "") -> int:
        return int(self.value(table, key))

    def note(self, row: RuleRow) -> RuleRef:
        ref = RuleRef(row.pk, row.table, row.key, row.regulation, row.status)
        self.refs[row.pk] = ref
        return ref


def rate_set_for(month: date, *, segment: Segment | str) -> RateSet:
    """Every figure the segment's calculation needs, as in force on the 1st of `month`."""
    seg = _choice(Segment, segment, "segment")
    reader = _Reader(month.replace(day=1))
    parts = _PARTS[seg](reader)
    discounts = tuple(_discounts(reader, seg))
    deferral = _jp_deferral(reader) if seg is Segment.PU else None
    return RateSet(
        month=reader.on,
        segment=seg,
        rules=tuple(sorted(reader.refs.values(), key=lambda r: r.id)),
        discounts=discounts,
        jp_deferral=deferral,
        **parts,
    )


def _pu(r: _Reader) -> dict[str, Any]:
    jkp = r.row("jkp_rate")  # absent before PP 37/2021
    return {
        "pu": PuRates(
            jkk={group: r.value("pu_jkk_rate", group) for group in RISK_GROUPS},
            jkm=r.value("pu_jkm_rate"),
            jht_employer=r.value("pu_jht_rate", "employer"),
            jht_worker=r.value("pu_jht_rate", "worker"),
            jp_employer=r.value("pu_jp_rate", "employer"),
            jp_worker=r.value("pu_jp_rate", "worker"),
            jp_wage_cap=r.amount("jp_wage_cap"),
            jkp=None if jkp is None else _jkp(jkp),
        )
    }


def _jkp(row: RuleRow) -> JkpRate:
    return JkpRate(Decimal(row.params["government"]), int(row.params["wage_cap"]))


def _bpu(r: _Reader) -> dict[str, Any]:
    top = r.row("bpu_income_max")  # no maximum before Permenaker 5/2021
    return {
        "bpu": BpuRates(
            jkk=r.value("bpu_jkk_rate"),
            jkm_flat=r.amount("bpu_jkm_flat"),
            jht=r.value("bpu_jht_rate"),
            income_min=r.amount("bpu_income_min"),
            income_max=None if top is None else int(top.value),
        )
    }


def _jakon(r: _Reader) -> dict[str, Any]:
    return {
        "jakon": JakonRates(
            jkk_wage=r.value("jakon_wages_known", "jkk"),
            jkm_wage=r.value("jakon_wages_known", "jkm"),
            jkk_tiers=_tiers(r, "jkk_"),
            jkm_tiers=_tiers(r, "jkm_"),
        )
    }


def _tiers(r: _Reader, prefix: str) -> tuple[Tier, ...]:
    rows = [row for key, row in r.rows("jakon_tier").items() if key.startswith(prefix)]
    if not rows:
        raise NoRuleInForce(table="jakon_tier", key=f"{prefix}*", on=r.on)
    tiers = []
    for row in rows:
        r.note(row)
        upto = row.params.get("upto")
        tiers.append(Tier(int(row.params["above"]), None if upto is None else int(upto), row.value))
    return tuple(sorted(tiers, key=lambda t: t.above))


def _pmi(r: _Reader) -> dict[str, Any]:
    placement = {}
    for key, row in r.rows("pmi_amount").items():
        if key.startswith("placement_"):
            placement[int(row.params["months"])] = int(row.value)
            r.note(row)
    if not placement:
        raise NoRuleInForce(table="pmi_amount", key="placement_*", on=r.on)
    options = [int(row.value) for row in r.rows("pmi_jht_option").values()]
    for row in r.rows("pmi_jht_option").values():
        r.note(row)
    return {
        "pmi": PmiRates(
            pre_placement=r.amount("pmi_amount", "pre_placement"),
            placement=placement,
            extra_month=r.amount("pmi_amount", "extra_month"),
            jht_options=tuple(sorted(options)),
        )
    }


_PARTS: Mapping[Segment, Callable[[_Reader], dict[str, Any]]] = {
    Segment.PU: _pu,
    Segment.BPU: _bpu,
    Segment.JAKON: _jakon,
    Segment.PMI: _pmi,
}


def _discounts(r: _Reader, segment: Segment) -> Iterable[Discount]:
    for row in r.rows("discount").values():
        segments = frozenset(Segment(s) for s in row.params.get("segments", ()))
        if segment not in segments:
            continue
        yield Discount(
            factor=row.value,
            programmes=frozenset(Programme(p) for p in row.params["programmes"]),
            segments=segments,
            ref=r.note(row),
            kbli_prefixes=tuple(row.params.get("kbli_prefixes", ())),
            min_workers=int(row.params.get("min_workers", 0)),
        )


def _jp_deferral(r: _Reader) -> JpDeferral | None:
    row = r.row("jp_deferral")
    return None if row is None else JpDeferral(share=row.value, ref=r.note(row))


def calculate(
    *,
    segment: Segment | str,
    month: date,
    programmes: Iterable[Programme | str],
    income: int | None = None,
    wage: int | None = None,
    risk_group: str | int | None = None,
    kbli: str | None = None,
    workers: int | None = None,
    contract_value: int | None = None,
    phase: PmiPhase | str | None = None,
    contract_months: int | None = None,
    jht_amount: int | None = None,
    relief_eligible: bool = True,
    jp_deferral: bool = True,
) -> Breakdown:
    """One payer's contribution for a month under the rules then in force, naming those rules.

    The one entry point of the CLI (and later the billing run and the planner). `risk_group` is
    "I".."V" or the 1..5 stored on employers; the other arguments are those of `rules.Inputs`.
    """
    inputs = Inputs(
        programmes=frozenset(_choice(Programme, p, "programmes") for p in programmes),
        income=income,
        wage=wage,
        risk_group=_risk_group(risk_group),
        kbli=kbli,
        workers=workers,
        contract_value=contract_value,
        phase=None if phase is None else _choice(PmiPhase, phase, "phase"),
        contract_months=contract_months,
        jht_amount=jht_amount,
        relief_eligible=relief_eligible,
        jp_deferral=jp_deferral,
    )
    return breakdown(rates=rate_set_for(month, segment=segment), inputs=inputs)


def _risk_group(value: str | int | None) -> str | None:
    if isinstance(value, int) and 1 <= value <= len(RISK_GROUPS):
        return RISK_GROUPS[value - 1]
    return None if value is None else str(value).strip().upper()


def _choice(kind: type[E], value: E | str, field: str) -> E:
    """The member named by `value`, whatever its case; an input error names the choices."""
    members = {member.value.lower(): member for member in kind}
    found = members.get(str(value).strip().lower())
    if found is None:
        choices = ", ".join(member.value for member in kind)
        raise ContributionInputError({field: MSG_CHOICE % {"value": value, "choices": choices}})
    return found
