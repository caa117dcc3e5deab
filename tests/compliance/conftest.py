"""Compliance fixtures: holidays loaded once, and small builders for crafted registry data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count
from typing import Any

import pytest

from lindungi.compliance.calendar import holidays_load
from lindungi.compliance.imports import check_import
from lindungi.reference.models import Region
from lindungi.registry.models import Employer, Membership, Payer, Worker

MONTH = date(2026, 10, 1)
_serial = count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        holidays_load(actor=None)


@pytest.fixture(autouse=True)
def _holidays_present(request: pytest.FixtureRequest) -> None:
    """Live-server tests elsewhere flush the database; put the holidays back when needed."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from lindungi.compliance.models import PublicHoliday

    if not PublicHoliday.objects.exists():
        holidays_load(actor=None)


def village(prefix: str) -> str:
    return str(
        Region.objects.filter(level=4, code__startswith=prefix)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


@pytest.fixture
def kukar_village(db: None) -> str:
    return village("6402")


@pytest.fixture
def kubu_raya_village(db: None) -> str:
    return village("6112")


@pytest.fixture
def make_employer(db: None) -> Callable[..., Employer]:
    def make(
        village_code: str,
        *,
        npp: str | None = None,
        nib: str | None = None,
        size: str = "small",
        risk: int = 1,
        name: str = "",
    ) -> Employer:
        n = next(_serial)
        employer = Employer.objects.create(
            npp=npp,
            nib=nib or f"{9100000000000 + n}",
            name=name or f"PT Uji {n}",
            kbli="47111",
            size_class=size,
            jkk_risk_group=risk,
            village_id=village_code,
        )
        Payer.objects.create(kind="employer", employer=employer, label=employer.name)
        return employer

    return make


@pytest.fixture
def add_members(db: None) -> Callable[..., list[Membership]]:
    def add(
        employer: Employer,
        n: int,
        *,
        wage: int = 4_000_000,
        start: date = date(2026, 1, 1),
        jht: bool = True,
        jp: bool = True,
        jkk: bool = True,
    ) -> list[Membership]:
        made = []
        for _ in range(n):
            i = next(_serial)
            worker = Worker.objects.create(
                full_name=f"Pekerja {i}",
                name_search=f"pekerja {i}",
                birth_date=date(1990, 1, 1),
                sex="L",
                village_id=employer.village_id,
            )
            made.append(
                Membership.objects.create(
                    worker=worker,
                    segment="PU",
                    payer=employer.payer,
                    jkk=jkk,
                    jkm=True,
                    jht=jht,
                    jp=jp,
                    jkp=True,
                    declared_wage=wage,
                    start=start,
                )
            )
        return made

    return add


def wlkp_csv(rows: list[tuple[str, str, str, int, int, int]]) -> bytes:
    lines = ["nib,npp,month,workers_male,workers_female,total_wages"]
    lines += [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def import_wlkp(db: None) -> Callable[..., Any]:
    def run(rows: list[tuple[str, str, str, int, int, int]], actor: Any = None) -> Any:
        return check_import(kind="wlkp", file_name="wlkp.csv", content=wlkp_csv(rows), actor=actor)

    return run
