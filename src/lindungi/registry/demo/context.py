"""What the generator needs from reference data, as plain values (so it runs without a DB)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lindungi.reference.models import Occupation, Region, RegionLevel
from lindungi.reference.selectors import rules_in_force
from lindungi.registry.demo.figures import PROVINCES

# A fixed "today" of the demo world, so one seed always gives the same data.
DEMO_AS_OF = date(2026, 9, 30)


@dataclass(frozen=True)
class Job:
    """An occupation as the generator sees it."""

    code: str
    informal: bool
    risk_group: int


@dataclass(frozen=True)
class Context:
    """Reference data for one generation: villages to live in, districts to be born in."""

    as_of: date
    villages: tuple[str, ...]  # current villages of provinces 61-65, sorted
    district_names: dict[str, str]  # every current district of Indonesia (birth places, NIKs)
    regency_names: dict[str, str]  # every current regency of Indonesia
    # Kalimantan Utara district -> its Kalimantan Timur code before UU 20/2012 (older NIKs).
    historic_district: dict[str, str]
    jobs: dict[str, Job]
    ump: dict[str, int]  # province -> minimum wage in force on as_of
    valid_nik_districts: frozenset[str] = field(default_factory=frozenset)


def context_from_db(as_of: date = DEMO_AS_OF) -> Context:
    """Read regions, occupations and minimum wages from the reference tables."""
    villages = Region.objects.filter(
        level=RegionLevel.VILLAGE, historic=False, code__regex=r"^6[1-5]"
    ).values_list("code", flat=True)
    current = Region.objects.filter(historic=False)
    districts = dict(current.filter(level=RegionLevel.DISTRICT).values_list("code", "name"))
    regencies = dict(current.filter(level=RegionLevel.REGENCY).values_list("code", "name"))
    historic = Region.objects.filter(
        level=RegionLevel.DISTRICT, historic=True, successor__isnull=False
    ).values_list("successor_id", "code")
    jobs = {
        code: Job(code, informal, risk)
        for code, informal, risk in Occupation.objects.values_list(
            "code", "informal", "jkk_risk_group"
        )
    }
    ump = {row.key: int(row.value) for row in rules_in_force("ump", as_of)}
    all_districts = Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", flat=True)
    return Context(
        as_of=as_of,
        villages=tuple(sorted(villages)),
        district_names=districts,
        regency_names=regencies,
        historic_district={s: code for s, code in historic if s and s.startswith("65")},
        jobs=jobs,
        ump={p: ump.get(p, 0) for p in PROVINCES},
        valid_nik_districts=frozenset(all_districts),
    )
