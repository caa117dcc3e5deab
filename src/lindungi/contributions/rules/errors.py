"""Why a contribution cannot be computed: the messages and the typed errors carrying them."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from lindungi.contributions.rules.types import Programme, Segment, in_order, rupiah
from lindungi.core.errors import ValidationError

MSG_INCOME = _("Penghasilan Rp%(income)s di luar rentang Rp%(low)s sampai Rp%(high)s.")
MSG_NOT_OFFERED = _(
    "Program %(programmes)s tidak tersedia untuk segmen %(segment)s pada bulan itu."
)
MSG_PMI_PACKAGE = _("Paket JKK+JKM wajib untuk PMI.")
MSG_REQUIRED = _("Wajib diisi untuk segmen %(segment)s.")
MSG_POSITIVE = _("Harus lebih dari nol.")
MSG_RISK_GROUP = _("Kelompok risiko harus salah satu dari I, II, III, IV, V.")
MSG_ONE_BASE = _("Isi nilai kontrak atau upah, tidak keduanya.")
MSG_PMI_MONTHS = _("Jangka waktu perjanjian kerja minimal %(months)s bulan.")
MSG_PMI_JHT = _("Iuran JHT PMI harus salah satu dari: %(options)s.")
MSG_NO_RATES = _("Tarif segmen %(segment)s untuk bulan %(month)s tidak tersedia.")


class ContributionInputError(ValidationError):
    """The inputs of a contribution calculation break a rule; `errors` names the field."""


class IncomeOutOfRange(ContributionInputError):  # noqa: N818 (the name the domain uses)
    """A BPU declared income outside the bracket table's bounds."""

    def __init__(self, *, income: int, low: int, high: int | None) -> None:
        top = rupiah(high) if high is not None else "…"
        super().__init__(
            {"income": MSG_INCOME % {"income": rupiah(income), "low": rupiah(low), "high": top}}
        )
        self.income, self.low, self.high = income, low, high


class ProgrammeNotOffered(ContributionInputError):  # noqa: N818
    """A programme the segment does not have (or not yet, in that month)."""

    def __init__(self, *, segment: Segment, programmes: Iterable[Programme]) -> None:
        names = ", ".join(p.value for p in in_order(programmes))
        msg = MSG_NOT_OFFERED % {"programmes": names, "segment": segment.value}
        super().__init__({"programmes": msg})
