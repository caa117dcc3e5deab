"""Crafted registry for the coverage facts: workers in Kutai Kartanegara and Kubu Raya whose
memberships start, end and lapse around October 2026."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from lindungi.accounts.models import User
from lindungi.contributions.models import PaidThrough
from lindungi.registry.models import Membership, Worker
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_register,
    membership_start,
    payer_for_employer,
    payer_for_self,
    worker_register,
)

PERIAN = "6402012001"
MUARA_LEKA = "6402012002"
JONGGON = "6402022001"
SUNGAI_RAYA = "6112012001"
TODAY = date(2026, 11, 25)
MONTHS = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


@dataclass
class Crafted:
    officer: User
    workers: dict[str, Worker] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    employer_payer: Any = None


def make_worker(officer: User, name: str, nik: str, **values: Any) -> Worker:
    base: dict[str, Any] = {
        "full_name": name,
        "birth_date": date(1985, 8, 12),
        "sex": "L",
        "village_code": PERIAN,
        "nik": nik,
        "occupation_code": "nelayan",
    }
    return worker_register(data=WorkerInput(**(base | values)), actor=officer)


def start(
    officer: User, worker: Worker, segment: str, payer: Any, on: date, **kw: Any
) -> Membership:
    return membership_start(
        worker_id=worker.pk,
        segment=segment,
        payer=payer,
        programmes=kw.pop("programmes", ["JKK", "JKM"]),
        declared_wage=kw.pop("wage", 3_500_000 if segment == "PU" else 1_000_000),
        start=on,
        actor=officer,
    )


@pytest.fixture
def crafted(branch_officer_kukar: User, admin: User) -> Crafted:
    return build(branch_officer_kukar, admin)


def build(branch_officer_kukar: User, admin: User) -> Crafted:
    """Nine workers: PU, BPU paid up, BPU lapsing, two officials, a vulnerable woman, an ended
    membership, one not yet started, one in Kubu Raya."""
    data = Crafted(officer=admin)
    employer = employer_register(
        data=EmployerInput(
            name="PT Mahakam Sejahtera",
            size_class="small",
            jkk_risk_group=2,
            village_code=PERIAN,
            npp="AB123456",
        ),
        actor=branch_officer_kukar,
    )
    data.employer_payer = payer_for_employer(employer)
    w = data.workers
    w["budi"] = make_worker(admin, "Budi", "6402011208850001")
    w["agus"] = make_worker(admin, "Agus", "6402010503900002", birth_date=date(1990, 3, 5))
    w["lapse"] = make_worker(admin, "Lapsus", "6402010101700003", birth_date=date(1970, 1, 1))
    w["kades"] = make_worker(
        admin, "Kades", "6402010202600004", birth_date=date(1960, 2, 2), village_role="kepala_desa"
    )
    w["siti"] = make_worker(
        admin,
        "Siti",
        "6402014303000005",
        birth_date=date(2000, 3, 3),
        sex="P",
        welfare_decile=2,
        village_code=MUARA_LEKA,
        occupation_code="petani",
    )
    w["ended"] = make_worker(admin, "Ended", "6402010404800006", birth_date=date(1980, 4, 4))
    w["later"] = make_worker(
        admin, "Later", "6402010505800007", birth_date=date(1980, 5, 5), village_code=JONGGON
    )
    w["sekdes"] = make_worker(
        admin,
        "Sekdes",
        "6402010606800008",
        birth_date=date(1980, 6, 6),
        village_role="perangkat_desa",
    )
    w["kalbar"] = make_worker(
        admin, "Kalbar", "6112010707800009", birth_date=date(1980, 7, 7), village_code=SUNGAI_RAYA
    )
    m = data.memberships
    m["budi"] = start(
        admin,
        w["budi"],
        "PU",
        data.employer_payer,
        date(2026, 1, 1),
        programmes=["JKK", "JKM", "JHT", "JP"],
    )
    m["budi_bpu"] = start(admin, w["budi"], "BPU", payer_for_self(w["budi"]), date(2026, 2, 1))
    m["agus"] = start(admin, w["agus"], "BPU", payer_for_self(w["agus"]), date(2026, 3, 1))
    m["lapse"] = start(admin, w["lapse"], "BPU", payer_for_self(w["lapse"]), date(2026, 1, 1))
    m["kades"] = start(admin, w["kades"], "BPU", payer_for_self(w["kades"]), date(2026, 5, 1))
    m["siti"] = start(admin, w["siti"], "BPU", payer_for_self(w["siti"]), date(2026, 9, 10))
    m["ended"] = start(admin, w["ended"], "PU", data.employer_payer, date(2025, 6, 1))
    m["later"] = start(admin, w["later"], "PU", data.employer_payer, date(2026, 12, 1))
    m["kalbar"] = start(admin, w["kalbar"], "PU", data.employer_payer, date(2026, 4, 1))
    paid = {
        "budi_bpu": date(2026, 12, 1),
        "agus": date(2026, 11, 1),
        "lapse": date(2026, 6, 1),
        "kades": date(2026, 11, 1),
        "siti": date(2026, 11, 1),
    }
    PaidThrough.objects.bulk_create(
        [PaidThrough(membership=m[k], month=v) for k, v in paid.items()]
    )
    from lindungi.registry.services import membership_end

    membership_end(
        membership_id=m["ended"].pk, on=date(2026, 9, 15), reason="resigned", actor=admin
    )
    return data
