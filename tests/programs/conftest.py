"""Programme fixtures: sponsors in Kutai Kartanegara and Kubu Raya, their users, workers.

Workers and memberships are written straight to the registry tables (these tests are about
programmes, not registration); helpers are handed out as fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core.access import OrgKind, Role
from lindungi.core.models import AuditEvent
from lindungi.programs.models import (
    Beneficiary,
    Candidate,
    EnrolmentBatch,
    Programme,
    RefillRun,
    ReturnImport,
    SelectionRun,
    Sponsor,
)
from lindungi.programs.selection import programme_enrol, programme_select
from lindungi.programs.services import ProgrammeInput, programme_create, programme_transition
from lindungi.registry.models import Membership, Payer, Worker

KUKAR = "6402"
KUKAR_VILLAGE = "6402012001"
KUBU_RAYA_VILLAGE = "6112012001"
START = date(2027, 1, 1)


@pytest.fixture
def kukar_government(db: None) -> Sponsor:
    return Sponsor.objects.create(
        name="Pemkab Kutai Kartanegara", kind="apbd_regency", region_id=KUKAR
    )


@pytest.fixture
def kubu_raya_csr(db: None) -> Sponsor:
    return Sponsor.objects.create(name="PT Mitra Kubu Raya", kind="csr", region_id="6112")


@pytest.fixture
def kukar_staff(make_user: Callable[..., User], kukar_government: Sponsor) -> User:
    """A regency planner who belongs to the regency government's sponsor."""
    return make_user("pemkab_kukar", Role.SPONSOR, KUKAR, OrgKind.SPONSOR, kukar_government.pk)


@pytest.fixture
def kukar_head(make_user: Callable[..., User], kukar_government: Sponsor) -> User:
    """The regency's approving official (another user of the same sponsor)."""
    return make_user("kadis_kukar", Role.SPONSOR, KUKAR, OrgKind.SPONSOR, kukar_government.pk)


@pytest.fixture
def kubu_raya_staff(make_user: Callable[..., User], kubu_raya_csr: Sponsor) -> User:
    return make_user("csr_kubu", Role.SPONSOR, "", OrgKind.SPONSOR, kubu_raya_csr.pk)


@pytest.fixture
def make_worker(db: None) -> Callable[..., Worker]:
    counter = iter(range(1, 10_000))

    def make(**values: Any) -> Worker:
        n = next(counter)
        defaults: dict[str, Any] = {
            "full_name": f"Pekerja {n}",
            "name_search": f"pekerja {n}",
            "birth_date": date(1980, 1, 1),
            "sex": "L",
            "village_id": KUKAR_VILLAGE,
            "welfare_decile": 1,
            "source": "demo",
        }
        return Worker.objects.create(**(defaults | values))

    return make


@pytest.fixture
def make_membership(db: None) -> Callable[..., Membership]:
    def make(worker: Worker, **values: Any) -> Membership:
        payer = Payer.objects.create(kind="self", worker=worker, label=worker.full_name)
        defaults: dict[str, Any] = {
            "segment": "BPU",
            "payer": payer,
            "declared_wage": 1_000_000,
            "start": date(2026, 1, 1),
        }
        return Membership.objects.create(worker=worker, **(defaults | values))

    return make


def programme_input(**overrides: Any) -> ProgrammeInput:
    values: dict[str, Any] = {
        "name": "Perlindungan Pekerja Rentan Kukar 2027",
        "budget_source": "apbd",
        "fiscal_year": 2027,
        "budget": 1_000_000_000,
        "start_month": START,
        "months": 12,
    }
    return ProgrammeInput(**(values | overrides))


@pytest.fixture
def new_programme(kukar_staff: User) -> Callable[..., Programme]:
    def make(actor: User | None = None, **overrides: Any) -> Programme:
        return programme_create(data=programme_input(**overrides), actor=actor or kukar_staff)

    return make


@pytest.fixture
def approved_programme(
    new_programme: Callable[..., Programme], kukar_staff: User, kukar_head: User
) -> Callable[..., Programme]:
    def make(**overrides: Any) -> Programme:
        programme = new_programme(**overrides)
        programme_transition(programme_id=programme.pk, to="submitted", actor=kukar_staff)
        return programme_transition(programme_id=programme.pk, to="approved", actor=kukar_head)

    return make


@pytest.fixture
def counts(db: None) -> Callable[[], dict[str, int]]:
    """Rows of every table a programme write touches, to show a refused write changed nothing."""

    def count() -> dict[str, int]:
        models = (Programme, Sponsor, SelectionRun, Candidate, Beneficiary, Membership, Payer)
        rows = {m.__name__: m.objects.count() for m in models}
        return rows | {"audit": AuditEvent.objects.count()}

    return count


@pytest.fixture
def programme_input_factory() -> Callable[..., ProgrammeInput]:
    return programme_input


LIFECYCLE_START = date(2026, 6, 1)
LIFECYCLE_MONTH = 16_800  # JKK 1 % of Rp1,000,000 + JKM Rp6,800


@pytest.fixture
def running(
    approved_programme: Callable[..., Programme],
    planner_kukar: User,
    make_worker: Callable[..., Worker],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Programme, EnrolmentBatch, dict[str, Worker]]:
    """A programme from June 2026 paying two of three workers (Ani, Budi enrolled), seen on
    25 November 2026: the start of the returned-file, refill and renewal tests."""
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 11, 25))
    programme = approved_programme(
        start_month=LIFECYCLE_START, quota=2, budget=2 * 12 * LIFECYCLE_MONTH
    )
    people = (("Ani", 1), ("Budi", 1), ("Citra", 2))
    workers = {name: make_worker(full_name=name, welfare_decile=d) for name, d in people}
    programme_select(programme_id=programme.pk, actor=planner_kukar)
    batch = programme_enrol(programme_id=programme.pk, actor=planner_kukar)
    return programme, batch, workers


@pytest.fixture
def lifecycle_state(db: None) -> Callable[[], tuple[Any, ...]]:
    """What a refused returned file, refill or renewal must leave unchanged."""

    def state() -> tuple[Any, ...]:
        return (
            sorted(Membership.objects.values_list("pk", "kpj", "end", "end_reason")),
            sorted(Beneficiary.objects.values_list("pk", "worker_id", "end", "end_reason")),
            ReturnImport.objects.count(),
            RefillRun.objects.count(),
            Programme.objects.count(),
            AuditEvent.objects.count(),
        )

    return state
