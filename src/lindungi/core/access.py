"""The one place that decides who may do what, and on which rows.

Every selector and service goes through `require` (the role holds a named permission) and
`scope` / `get` (the row lies in the actor's region prefixes and, for sponsor and employer users,
in their own organisation). Out of scope reads exactly like missing: NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from lindungi.core.errors import NotFound, PermissionDenied, ValidationError


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    BRANCH_OFFICER = "branch_officer", "Petugas Kantor Cabang BPJS"
    COMPLIANCE_OFFICER = "compliance_officer", "Petugas Kepatuhan BPJS"
    LABOUR_INSPECTOR = "labour_inspector", "Pengawas Ketenagakerjaan"
    REGIONAL_PLANNER = "regional_planner", "Perencana Pemda (Disnaker/Dinsos)"
    VILLAGE_OFFICER = "village_officer", "Perangkat Desa"
    SPONSOR = "sponsor", "Sponsor (CSR, BUMN/BUMD, donatur)"
    EMPLOYER = "employer", "Pemberi Kerja"
    DPRD = "dprd", "Anggota DPRD"
    AUDITOR = "auditor", "Auditor"


class OrgKind(models.TextChoices):
    NONE = "", "—"
    EMPLOYER = "employer", "Pemberi kerja"
    SPONSOR = "sponsor", "Sponsor"


# Named permissions. A role holds a set of them; nothing checks a role name directly.
VIEW_WORKER = "registry.view_worker"
REGISTER_WORKER = "registry.register_worker"
CORRECT_WORKER = "registry.correct_worker"
END_WORKER = "registry.end_worker"
MERGE_WORKER = "registry.merge_worker"
REVEAL_PII = "registry.reveal_pii"
VIEW_EMPLOYER = "registry.view_employer"
REGISTER_EMPLOYER = "registry.register_employer"
CORRECT_EMPLOYER = "registry.correct_employer"
VIEW_MEMBERSHIP = "registry.view_membership"
START_MEMBERSHIP = "registry.start_membership"
END_MEMBERSHIP = "registry.end_membership"
EDIT_RULES = "reference.edit_rules"
VIEW_AUDIT = "core.view_audit"
VIEW_AGGREGATES = "analytics.view_aggregates"
MANAGE_USERS = "accounts.manage_users"
ROTATE_PII_KEYS = "core.rotate_pii_keys"
RUN_BILLING = "contributions.run_billing"
VIEW_BILLING = "contributions.view_billing"
RECORD_PAYMENT = "contributions.record_payment"
VIEW_PAYMENTS = "contributions.view_payments"
VIEW_ARREARS = "contributions.view_arrears"
# ingest (issue 4): worker lists in, linked to the registry
IMPORT_LIST = "ingest.import_list"
VIEW_IMPORTS = "ingest.view_imports"
REVIEW_LINKAGE = "ingest.review_linkage"
UNDO_IMPORT = "ingest.undo_import"
# programs (issue 5): sponsors, programmes, planning, selection, enrolment, donations
VIEW_PROGRAMME = "programs.view_programme"
MANAGE_PROGRAMME = "programs.manage_programme"
APPROVE_PROGRAMME = "programs.approve_programme"
ENROL_BENEFICIARIES = "programs.enrol"
MANAGE_DONATIONS = "programs.manage_donations"
VIEW_DONATIONS = "programs.view_donations"  # GN Lingkaran pools, donors, impact reports
# compliance (issue 6): cross-checks, findings, cases, letters
VIEW_COMPLIANCE = "compliance.view"
IMPORT_CHECK_DATA = "compliance.import_check_data"
RUN_CROSSCHECK = "compliance.run_crosscheck"
WORK_CASE = "compliance.work_case"

_READ = {VIEW_WORKER, VIEW_EMPLOYER, VIEW_MEMBERSHIP, VIEW_AGGREGATES}
_MONEY_READ = {VIEW_BILLING, VIEW_PAYMENTS, VIEW_ARREARS}
_MONEY_WRITE = {RUN_BILLING, RECORD_PAYMENT}
_INGEST = {IMPORT_LIST, VIEW_IMPORTS, REVIEW_LINKAGE, UNDO_IMPORT}
_PROGRAMS = {VIEW_PROGRAMME, MANAGE_PROGRAMME, APPROVE_PROGRAMME, ENROL_BENEFICIARIES}
_COMPLIANCE = {VIEW_COMPLIANCE, IMPORT_CHECK_DATA, RUN_CROSSCHECK, WORK_CASE}
_REGISTRY_WRITE = {
    REGISTER_WORKER,
    CORRECT_WORKER,
    END_WORKER,
    REGISTER_EMPLOYER,
    CORRECT_EMPLOYER,
    START_MEMBERSHIP,
    END_MEMBERSHIP,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _READ
        | _REGISTRY_WRITE
        | _MONEY_READ
        | _MONEY_WRITE
        | _INGEST
        | _PROGRAMS
        | _COMPLIANCE
        | {MERGE_WORKER, REVEAL_PII, EDIT_RULES, VIEW_AUDIT, MANAGE_USERS, ROTATE_PII_KEYS}
        | {MANAGE_DONATIONS, VIEW_DONATIONS}
    ),
    Role.BRANCH_OFFICER: frozenset(
        _READ
        | _REGISTRY_WRITE
        | _MONEY_READ
        | _MONEY_WRITE
        | _INGEST
        | {MERGE_WORKER, REVEAL_PII, VIEW_PROGRAMME, ENROL_BENEFICIARIES, VIEW_COMPLIANCE}
        | {MANAGE_DONATIONS, VIEW_DONATIONS}
    ),
    Role.COMPLIANCE_OFFICER: frozenset(
        _READ | _MONEY_READ | _COMPLIANCE | {REVEAL_PII, VIEW_IMPORTS}
    ),
    Role.LABOUR_INSPECTOR: frozenset(_READ | _COMPLIANCE | {VIEW_BILLING, VIEW_ARREARS}),
    Role.REGIONAL_PLANNER: frozenset(
        _READ
        | _MONEY_READ
        | _PROGRAMS
        | {REGISTER_WORKER, CORRECT_WORKER, IMPORT_LIST, VIEW_IMPORTS, REVIEW_LINKAGE}
        | {VIEW_DONATIONS}
    ),
    Role.VILLAGE_OFFICER: frozenset(
        {VIEW_WORKER, VIEW_MEMBERSHIP, VIEW_AGGREGATES, REGISTER_WORKER, CORRECT_WORKER, REVEAL_PII}
        | {IMPORT_LIST, VIEW_IMPORTS, VIEW_PROGRAMME}
    ),
    Role.SPONSOR: frozenset(
        {VIEW_WORKER, VIEW_MEMBERSHIP, VIEW_AGGREGATES}
        | {VIEW_PROGRAMME, MANAGE_PROGRAMME, APPROVE_PROGRAMME, IMPORT_LIST, VIEW_IMPORTS}
        | {VIEW_DONATIONS}
    ),
    Role.EMPLOYER: frozenset({VIEW_WORKER, VIEW_EMPLOYER, VIEW_MEMBERSHIP, VIEW_COMPLIANCE}),
    Role.DPRD: frozenset({VIEW_AGGREGATES}),
    Role.AUDITOR: frozenset({VIEW_AUDIT, VIEW_AGGREGATES}),
}


class Actor(Protocol):
    """What access needs of a user; accounts.User satisfies it."""

    pk: Any
    username: str
    role: str
    is_active: bool

    @property
    def region_prefixes(self) -> tuple[str, ...]: ...

    @property
    def organisation(self) -> tuple[str, int | None]: ...


@dataclass(frozen=True)
class ScopePaths:
    """How a model's rows reach a region code and the organisations that may see them."""

    region: str | None = None
    employer: str | None = None
    sponsor: str | None = None


M = TypeVar("M", bound=models.Model)


def permissions_of(actor: Actor) -> frozenset[str]:
    if not getattr(actor, "is_active", False):
        return frozenset()
    return ROLE_PERMISSIONS.get(actor.role, frozenset())


def has(actor: Actor, permission: str) -> bool:
    return permission in permissions_of(actor)


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor's role holds the permission."""
    if not has(actor, permission):
        raise PermissionDenied(permission)


def region_range(prefix: str) -> tuple[str, str]:
    """Codes starting with `prefix` are exactly those in [prefix, upper): an index range scan."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def region_q(field: str, prefixes: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        low, high = region_range(prefix)
        q |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return q


def _paths(model: type[models.Model]) -> ScopePaths:
    paths = getattr(model, "scope_paths", None)
    if not isinstance(paths, ScopePaths):
        raise TypeError(f"{model.__name__} declares no scope_paths")
    return paths


def scope(actor: Actor, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `qs` the actor may see at all (permissions are checked separately)."""
    if not getattr(actor, "is_active", False) or actor.role not in ROLE_PERMISSIONS:
        return qs.none()
    paths = _paths(qs.model)
    kind, org_id = actor.organisation
    if kind:
        path = paths.employer if kind == OrgKind.EMPLOYER else paths.sponsor
        if path is None or org_id is None:
            return qs.none()
        qs = qs.filter(**{path: org_id})
        if "__" in path:
            qs = qs.distinct()
    prefixes = actor.region_prefixes
    if prefixes:
        if paths.region is None:
            return qs.none()
        qs = qs.filter(region_q(paths.region, prefixes))
    return qs


def get(actor: Actor, permission: str, qs: models.QuerySet[M], **lookup: Any) -> M:
    """One row the actor may act on with `permission`; NotFound whether missing or out of scope."""
    require(actor, permission)
    try:
        return scope(actor, qs).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(str(qs.model._meta.verbose_name or "object")) from exc


def require_region(actor: Actor, code: str, *, field: str = "village_code") -> None:
    """A write that places a row in region `code` must stay inside the actor's prefixes."""
    prefixes = actor.region_prefixes
    if prefixes and not any(code.startswith(p) for p in prefixes):
        raise ValidationError({field: "Wilayah di luar cakupan Anda (outside your region scope)"})


def in_scope(actor: Actor, obj: models.Model) -> bool:
    model = type(obj)
    return scope(actor, model._default_manager.filter(pk=obj.pk)).exists()
