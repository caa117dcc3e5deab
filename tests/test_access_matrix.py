"""Who may do what, where: every persona x every registry action x both sides of the map.

The expected answer of each cell is derived from core.access.ROLE_PERMISSIONS and the persona's
scope, never from the code under test:
  role lacks the permission          -> PermissionDenied (checked before any lookup)
  target row outside the scope       -> NotFound, word for word the answer for a missing id
  new row placed outside the scope   -> ValidationError on village_code (villages are public)
  otherwise                          -> allowed, with exactly the audit event the write owes
A refused call changes nothing: same row counts, same target rows, no audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from django.db import models

from lindungi.accounts.models import User
from lindungi.accounts.services import user_create
from lindungi.core import access, audit
from lindungi.core.access import ROLE_PERMISSIONS, OrgKind, Role
from lindungi.core.errors import NotFound, PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.registry import selectors
from lindungi.registry.models import Employer, Membership, Payer, Worker
from lindungi.registry.services import (
    EmployerInput,
    WorkerInput,
    employer_correct,
    employer_register,
    membership_end,
    membership_start,
    payer_for_employer,
    payer_for_self,
    pii_rotate,
    worker_correct,
    worker_end,
    worker_merge,
    worker_register,
    worker_reveal,
)

VILLAGE = {"kukar": "6402012001", "kubu_raya": "6112012001"}
NIK = {"kukar": "6402011208850001", "kubu_raya": "6112015208850002"}
NPP = {"kukar": "AB123456", "kubu_raya": "KB654321"}
MISSING = 10**9
EMPLOYER_USER = "employer_user"

# Which side's rows each persona's scope reaches (tests/conftest.py: region prefixes; the
# employer user belongs to the Kukar employer, which pays the Kukar worker).
SCOPE: dict[str, frozenset[str]] = {
    "admin": frozenset({"kukar", "kubu_raya"}),
    "branch_officer_kukar": frozenset({"kukar"}),  # 6402
    "branch_officer_kubu_raya": frozenset({"kubu_raya"}),  # 6112
    "compliance_officer_kaltim": frozenset({"kukar"}),  # 64
    "labour_inspector_kaltim": frozenset({"kukar"}),  # 64
    "planner_kukar": frozenset({"kukar"}),  # 6402
    "village_officer_sungai_raya": frozenset({"kubu_raya"}),  # 6112012001
    "sponsor_csr": frozenset(),  # registry rows reach sponsors only through programmes
    "dprd_kaltim": frozenset({"kukar"}),  # 64, but aggregates only
    "auditor": frozenset({"kukar", "kubu_raya"}),
    EMPLOYER_USER: frozenset({"kukar"}),
}


@dataclass(frozen=True)
class Ids:
    """The primary keys one action may touch on one side."""

    worker: int
    duplicate: int
    employer: int
    membership: int
    payer: int
    event: int

    def missing(self) -> Ids:
        return Ids(MISSING, MISSING + 1, MISSING, MISSING, self.payer, MISSING)


@dataclass(frozen=True)
class Action:
    name: str
    permission: str
    run: Callable[[User, Ids, str], Any]
    targets: tuple[str, ...]  # Ids fields whose rows must not change when refused
    audit_action: str | None = None  # the (last) event an allowed call writes
    audit_events: int = 1  # how many events it writes
    creates: type[models.Model] | None = None
    places_new_row: bool = False  # scope shows as a village_code error, not NotFound
    scoped: bool = True


def _register_worker(actor: User, ids: Ids, side: str) -> Worker:
    data = WorkerInput(
        full_name="Pekerja Baru", birth_date=date(1991, 1, 1), sex="L", village_code=VILLAGE[side]
    )
    return worker_register(data=data, actor=actor)


def _register_employer(actor: User, ids: Ids, side: str) -> Employer:
    data = EmployerInput(
        name="CV Baru",
        size_class="micro",
        jkk_risk_group=1,
        village_code=VILLAGE[side],
        npp="ZZ000001",
    )
    return employer_register(data=data, actor=actor)


def _start_membership(actor: User, ids: Ids, side: str) -> Membership:
    return membership_start(
        worker_id=ids.worker,
        segment="BPU",
        payer=Payer.objects.get(pk=ids.payer),
        programmes=["JKK", "JKM"],
        declared_wage=1_000_000,
        start=date(2025, 1, 1),
        actor=actor,
    )


def _create_user(actor: User, ids: Ids, side: str) -> User:
    return user_create(
        username="petugas_baru",
        password="rahasia-uji-123",
        role=Role.BRANCH_OFFICER,
        region_scope="6402",
        actor=actor,
    )


ACTIONS = [
    Action(
        "view_worker",
        access.VIEW_WORKER,
        lambda a, i, s: selectors.worker_get(actor=a, worker_id=i.worker),
        ("worker",),
    ),
    Action(
        "register_worker",
        access.REGISTER_WORKER,
        _register_worker,
        (),
        audit_action="worker.register",
        creates=Worker,
        places_new_row=True,
    ),
    Action(
        "correct_worker",
        access.CORRECT_WORKER,
        lambda a, i, s: worker_correct(
            worker_id=i.worker, changes={"address_line": "RT 09"}, actor=a
        ),
        ("worker",),
        audit_action="worker.correct",
    ),
    Action(
        "end_worker",
        access.END_WORKER,
        lambda a, i, s: worker_end(
            worker_id=i.worker, on=date(2025, 6, 1), status="ended", actor=a
        ),
        ("worker", "membership"),
        audit_action="worker.end",
        audit_events=2,  # the worker's, and the open membership's that it ended
    ),
    Action(
        "merge_worker",
        access.MERGE_WORKER,
        lambda a, i, s: worker_merge(survivor_id=i.worker, duplicate_id=i.duplicate, actor=a),
        ("worker", "duplicate"),
        audit_action="worker.merge",
    ),
    Action(
        "reveal_worker",
        access.REVEAL_PII,
        lambda a, i, s: worker_reveal(worker_id=i.worker, field="nik", actor=a, purpose="uji"),
        ("worker",),
        audit_action="worker.reveal_nik",
    ),
    Action(
        "view_employer",
        access.VIEW_EMPLOYER,
        lambda a, i, s: selectors.employer_get(actor=a, employer_id=i.employer),
        ("employer",),
    ),
    Action(
        "register_employer",
        access.REGISTER_EMPLOYER,
        _register_employer,
        (),
        audit_action="employer.register",
        creates=Employer,
        places_new_row=True,
    ),
    Action(
        "correct_employer",
        access.CORRECT_EMPLOYER,
        lambda a, i, s: employer_correct(
            employer_id=i.employer, changes={"kbli": "01132"}, actor=a
        ),
        ("employer",),
        audit_action="employer.correct",
    ),
    Action(
        "view_membership",
        access.VIEW_MEMBERSHIP,
        lambda a, i, s: selectors.membership_get(actor=a, membership_id=i.membership),
        ("membership",),
    ),
    Action(
        "start_membership",
        access.START_MEMBERSHIP,
        _start_membership,
        ("worker",),
        audit_action="membership.start",
        creates=Membership,
    ),
    Action(
        "end_membership",
        access.END_MEMBERSHIP,
        lambda a, i, s: membership_end(
            membership_id=i.membership, on=date(2025, 6, 1), reason="resigned", actor=a
        ),
        ("membership",),
        audit_action="membership.end",
    ),
    Action(
        "view_audit",
        access.VIEW_AUDIT,
        lambda a, i, s: audit.event_get(actor=a, event_id=i.event),
        ("event",),
    ),
    Action(
        "manage_users",
        access.MANAGE_USERS,
        _create_user,
        (),
        audit_action="user.create",
        creates=User,
        scoped=False,
    ),
    Action(
        "rotate_pii_keys",
        access.ROTATE_PII_KEYS,
        lambda a, i, s: pii_rotate(actor=a),
        ("worker",),
        scoped=False,
    ),
]
MODELS: dict[str, type[models.Model]] = {
    "worker": Worker,
    "duplicate": Worker,
    "employer": Employer,
    "membership": Membership,
    "event": AuditEvent,
}


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    rows: dict[str, dict[str, Any]]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}


def snapshot(ids: Ids, targets: tuple[str, ...]) -> Snapshot:
    """Row counts of every table a registry write touches, and the target rows' values."""
    counts = {
        m.__name__: m.objects.count()
        for m in (Worker, Employer, Membership, Payer, AuditEvent, User)
    }
    rows = {
        name: _plain(MODELS[name]._default_manager.filter(pk=getattr(ids, name)).values().get())
        for name in targets
    }
    return Snapshot(counts, rows)


def expected(persona: str, action: Action, side: str) -> str:
    role = ROLE_OF[persona]
    if action.permission not in ROLE_PERMISSIONS[role]:
        return "denied"
    if not action.scoped or side in SCOPE[persona]:
        return "allowed"
    return "invalid" if action.places_new_row else "not_found"


ROLE_OF = {
    "admin": Role.ADMIN,
    "branch_officer_kukar": Role.BRANCH_OFFICER,
    "branch_officer_kubu_raya": Role.BRANCH_OFFICER,
    "compliance_officer_kaltim": Role.COMPLIANCE_OFFICER,
    "labour_inspector_kaltim": Role.LABOUR_INSPECTOR,
    "planner_kukar": Role.REGIONAL_PLANNER,
    "village_officer_sungai_raya": Role.VILLAGE_OFFICER,
    "sponsor_csr": Role.SPONSOR,
    "dprd_kaltim": Role.DPRD,
    "auditor": Role.AUDITOR,
    EMPLOYER_USER: Role.EMPLOYER,
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _build_side(side: str, actor: User) -> Ids:
    """One worker with a NIK and a wage-earner membership, a duplicate, an employer."""
    worker = worker_register(
        data=WorkerInput(
            full_name="Budi Santoso" if side == "kukar" else "Siti Aminah",
            birth_date=date(1985, 8, 12),
            sex="L" if side == "kukar" else "P",
            village_code=VILLAGE[side],
            nik=NIK[side],
            phone="081234567890",
        ),
        actor=actor,
    )
    event = AuditEvent.objects.get(action="worker.register", object_id=str(worker.pk))
    duplicate = worker_register(
        data=replace(
            WorkerInput(worker.full_name, worker.birth_date, worker.sex, VILLAGE[side]),
            address_line="RT 01",
        ),
        actor=actor,
    )
    employer = employer_register(
        data=EmployerInput(
            name=f"PT {side}",
            size_class="small",
            jkk_risk_group=2,
            village_code=VILLAGE[side],
            npp=NPP[side],
        ),
        actor=actor,
    )
    membership = membership_start(
        worker_id=worker.pk,
        segment="PU",
        payer=payer_for_employer(employer),
        programmes=["JKK", "JKM", "JHT"],
        declared_wage=4_000_000,
        start=date(2025, 1, 1),
        actor=actor,
    )
    payer = payer_for_self(worker)
    return Ids(worker.pk, duplicate.pk, employer.pk, membership.pk, payer.pk, event.pk)


@pytest.fixture
def world(admin: User) -> dict[str, Ids]:
    return {side: _build_side(side, admin) for side in VILLAGE}


def _persona(name: str, request: pytest.FixtureRequest, world: dict[str, Ids]) -> User:
    if name == EMPLOYER_USER:
        make: Callable[..., User] = request.getfixturevalue("make_user")
        return make("hrd_kukar", Role.EMPLOYER, "", OrgKind.EMPLOYER, world["kukar"].employer)
    user: User = request.getfixturevalue(name)
    return user


CELLS = [
    pytest.param(persona, action, side, id=f"{persona}-{action.name}-{side}")
    for persona in SCOPE
    for action in ACTIONS
    for side in VILLAGE
]


@pytest.mark.parametrize(("persona", "action", "side"), CELLS)
def test_access_matrix(
    persona: str, action: Action, side: str, world: dict[str, Ids], request: pytest.FixtureRequest
) -> None:
    actor = _persona(persona, request, world)
    ids = world[side]
    outcome = expected(persona, action, side)
    before = snapshot(ids, action.targets)
    if outcome == "allowed":
        _assert_allowed(action, actor, ids, side, before)
        return
    error = {"denied": PermissionDenied, "not_found": NotFound, "invalid": ValidationError}
    with pytest.raises(error[outcome]) as refused:
        action.run(actor, ids, side)
    assert snapshot(ids, action.targets) == before
    if outcome == "denied":
        assert str(refused.value) == f"permission required: {action.permission}"
    elif outcome == "invalid":
        assert refused.value.errors == {  # type: ignore[attr-defined]
            "village_code": ["Wilayah di luar cakupan Anda (outside your region scope)"]
        }
    else:
        with pytest.raises(NotFound) as missing:
            action.run(actor, ids.missing(), side)
        assert missing.value.as_dict() == refused.value.as_dict()  # type: ignore[attr-defined]
        assert snapshot(ids, action.targets) == before


def _assert_allowed(action: Action, actor: User, ids: Ids, side: str, before: Snapshot) -> None:
    result = action.run(actor, ids, side)
    after = snapshot(ids, action.targets)
    grew = {k: after.counts[k] - before.counts[k] for k in after.counts}
    expect = dict.fromkeys(grew, 0)
    if action.audit_action is not None:
        expect["AuditEvent"] = action.audit_events
        newest = AuditEvent.objects.order_by("-pk").first()
        assert newest is not None
        assert (newest.action, newest.actor_id) == (action.audit_action, actor.pk)
    if action.creates is not None:
        expect[action.creates.__name__] += 1
    assert grew == expect
    if action.name.startswith("view_"):
        assert result.pk == getattr(ids, action.targets[0])
        assert after == before
    if action.name == "reveal_worker":
        assert result == NIK[side]


def test_the_matrix_covers_every_permission_a_service_checks() -> None:
    covered = {a.permission for a in ACTIONS}
    every = set().union(*ROLE_PERMISSIONS.values())
    # Rule tables are the reference app's matrix; aggregates belong to analytics; billing and
    # payments carry their denial tests in tests/contributions.
    assert every - covered == {
        access.EDIT_RULES,
        access.VIEW_AGGREGATES,
        access.RUN_BILLING,
        access.VIEW_BILLING,
        access.RECORD_PAYMENT,
        access.VIEW_PAYMENTS,
        access.VIEW_ARREARS,
        # ingest, programs and compliance carry theirs in their own test directories
        *(p for p in every if p.split(".")[0] in {"ingest", "programs", "compliance"}),
    }
