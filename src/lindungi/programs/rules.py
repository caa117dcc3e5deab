"""Pure rules of programmes: the status lifecycle, target groups, priorities and reason codes.

No ORM, no clock: values in, values or error dicts out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from lindungi.core import access
from lindungi.programs.models import ProgrammeStatus as S

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The lifecycle: (from, to) → the permission the actor needs. Nothing else moves a programme.
TRANSITIONS: Mapping[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): access.MANAGE_PROGRAMME,
    (S.SUBMITTED, S.APPROVED): access.APPROVE_PROGRAMME,
    (S.SUBMITTED, S.REJECTED): access.APPROVE_PROGRAMME,
    (S.REJECTED, S.DRAFT): access.MANAGE_PROGRAMME,
    (S.APPROVED, S.ACTIVE): access.ENROL_BENEFICIARIES,
    (S.ACTIVE, S.CLOSED): access.MANAGE_PROGRAMME,
}
# Moves decided by someone other than the programme's creator (four eyes).
NOT_BY_CREATOR = frozenset({(S.SUBMITTED, S.APPROVED), (S.SUBMITTED, S.REJECTED)})
ENROLLING = frozenset({S.APPROVED, S.ACTIVE})

# Priority keys, in the order a sponsor may arrange them; each is an ORDER BY term.
# Lazy labels: each is rendered in the language of the request that shows it.
PRIORITIES: Mapping[str, StrOrPromise] = {
    "decile": _("Desil kesejahteraan terendah dulu"),
    "hazard": _("Pekerjaan paling berisiko dulu"),
    "waiting": _("Terdaftar paling lama dulu"),
    "village_official": _("Perangkat desa/RT/RW dulu"),
    "oldest": _("Usia tertua dulu"),
}
DEFAULT_PRIORITY = ("decile", "hazard", "waiting")

# Reason codes of a selection run, in the order the rules are tried: the first that fails.
REASONS: Mapping[str, StrOrPromise] = {
    "": _("Terpilih"),
    "inactive": _("Peserta tidak aktif (meninggal/digabung/berhenti)"),
    "region": _("Di luar wilayah sasaran"),
    "occupation": _("Pekerjaan bukan sasaran"),
    "decile": _("Desil kesejahteraan bukan sasaran"),
    "village_role": _("Bukan perangkat desa/BPD/RT/RW"),
    "age": _("Usia di luar batas"),
    "enrolled": _("Sudah menjadi penerima program ini"),
    "wage_earner": _("Penerima upah (dibayar pemberi kerja)"),
    "protected": _("Sudah terlindungi JKK pada bulan-bulan tersebut"),
    "sponsored": _("Sudah dibiayai program lain pada bulan-bulan tersebut"),
    "quota": _("Memenuhi syarat, di luar kuota anggaran"),
}

MSG_PRIORITY = _("Prioritas tidak dikenal: %(keys)s.")
MSG_DECILE = _("Desil harus 1 sampai 10.")
MSG_AGES = _("Usia maksimum harus tidak kurang dari usia minimum.")
MSG_REGION = _("Wilayah sasaran %(code)s di luar wilayah program %(region)s.")
MSG_MONTHS = _("Lama perlindungan 1 sampai 60 bulan.")
MSG_BUDGET = _("Anggaran harus lebih dari 0.")
MSG_START = _("Bulan mulai harus tanggal 1.")


@dataclass(frozen=True)
class Targets:
    """Who a programme is for; empty tuples mean any."""

    region: str  # the programme's region code (prefix of every target region)
    regions: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    deciles: tuple[int, ...] = ()
    village_officials_only: bool = False
    min_age: int = 18
    max_age: int | None = None


def transition_permission(current: str, to: str) -> str | None:
    """The permission a move needs, or None when the lifecycle has no such move."""
    return TRANSITIONS.get((current, to))


def allowed_moves(current: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == current]


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after `month`."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def period(start: date, months: int) -> tuple[date, date]:
    """The half-open coverage period [start, end) of a programme."""
    return start, add_months(start, months)


def birth_bounds(start: date, min_age: int, max_age: int | None) -> tuple[date, date | None]:
    """(latest birth date, earliest birth date) for an age in [min_age, max_age] at `start`."""
    latest = _years_before(start, min_age)
    earliest = None if max_age is None else add_day(_years_before(start, max_age + 1))
    return latest, earliest


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def add_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_targets(targets: Targets, priority: Iterable[str]) -> dict[str, str]:
    """Errors of a programme's target groups and priority by field; empty when valid."""
    errors: dict[str, str] = {}
    outside = [r for r in targets.regions if not r.startswith(targets.region)]
    if outside:
        errors["target_regions"] = MSG_REGION % {"code": outside[0], "region": targets.region}
    if any(not 1 <= d <= 10 for d in targets.deciles):
        errors["target_deciles"] = str(MSG_DECILE)
    if targets.max_age is not None and targets.max_age < targets.min_age:
        errors["max_age"] = str(MSG_AGES)
    unknown = [p for p in priority if p not in PRIORITIES]
    if unknown:
        errors["priority"] = MSG_PRIORITY % {"keys": ", ".join(unknown)}
    return errors


def check_money(*, budget: int, months: int, start: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if budget <= 0:
        errors["budget"] = str(MSG_BUDGET)
    if not 1 <= months <= 60:
        errors["months"] = str(MSG_MONTHS)
    if start.day != 1:
        errors["start_month"] = str(MSG_START)
    return errors


def affordable(budget: int, per_worker: int) -> int:
    """How many workers the budget pays in full for the whole period."""
    return budget // per_worker if per_worker > 0 else 0


# A selection run lists each worker a rule leaves out, the included ones and, as the waiting
# list the refill draws from, the next eligible workers beyond the quota: a quarter of the quota,
# at least WAITING_MIN. The eligible ones after them are counted, not listed one by one.
WAITING_MIN = 1_000


def waiting_list_size(quota: int) -> int:
    """How many eligible workers beyond the quota a run keeps, in rank order."""
    return max(quota // 4, WAITING_MIN)


def quota_for(*, budget: int, per_worker: int, target: int | None, enrolled: int) -> int:
    """Places left to fill: what the budget pays (capped by the target), minus those taken."""
    places = affordable(budget, per_worker)
    if target is not None:
        places = min(places, target)
    return max(0, places - enrolled)
