"""Start and end memberships, and find the payer that will be billed for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, NotFound, ValidationError
from lindungi.reference.selectors import rate_in_force
from lindungi.registry import rules
from lindungi.registry.models import (
    Employer,
    EndReason,
    Membership,
    Payer,
    PayerKind,
    Segment,
    Worker,
    WorkerStatus,
)

PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
# Which programmes each segment may hold, and who may pay (PP 44/2015, PP 45/2015, PP 46/2015,
# Permenaker 5/2021, Permenaker 4/2023); JKK and JKM are always required.
ALLOWED: dict[str, frozenset[str]] = {
    Segment.PU: frozenset(PROGRAMMES),
    Segment.BPU: frozenset({"JKK", "JKM", "JHT"}),
    Segment.JAKON: frozenset({"JKK", "JKM"}),
    Segment.PMI: frozenset({"JKK", "JKM", "JHT"}),
}
PAYERS: dict[str, frozenset[str]] = {
    Segment.PU: frozenset({PayerKind.EMPLOYER}),
    Segment.BPU: frozenset({PayerKind.SELF, PayerKind.PROGRAM}),
    Segment.JAKON: frozenset({PayerKind.EMPLOYER}),
    Segment.PMI: frozenset({PayerKind.SELF, PayerKind.PROGRAM}),
}


def check_membership(
    *, segment: str, payer_kind: str, programmes: frozenset[str], wage: int
) -> dict[str, str]:
    """Errors of a membership's shape by field; empty when it may start."""
    errors: dict[str, str] = {}
    if segment not in ALLOWED:
        return {"segment": f"Segmen '{segment}' tidak dikenal (unknown segment)"}
    if payer_kind not in PAYERS[segment]:
        errors["payer"] = f"Segmen {segment} tidak dapat dibayar oleh {payer_kind}"
    extra = programmes - ALLOWED[segment]
    if extra:
        errors["programmes"] = f"Program {', '.join(sorted(extra))} tidak tersedia untuk {segment}"
    elif not {"JKK", "JKM"} <= programmes:
        errors["programmes"] = "JKK dan JKM wajib (JKK and JKM are required)"
    if wage <= 0:
        errors["declared_wage"] = "Upah/penghasilan harus lebih dari 0"
    return errors


def _check_bpu_income(wage: int, on: date) -> None:
    try:
        low = int(rate_in_force("bpu_income_min", "", on).value)
        high = int(rate_in_force("bpu_income_max", "", on).value)
    except NotFound as exc:
        # No income table in force that day: the start date is the problem, not the actor's scope.
        raise ValidationError(
            {"start": f"Tidak ada tabel penghasilan BPU yang berlaku pada {on.isoformat()}"}
        ) from exc
    if not low <= wage <= high:
        raise ValidationError(
            {"declared_wage": f"Penghasilan BPU harus Rp{low:,} - Rp{high:,}".replace(",", ".")}
        )


def payer_for_employer(employer: Employer) -> Payer:
    """The employer's payer account, created on first use."""
    payer, _ = Payer.objects.get_or_create(
        employer=employer, defaults={"kind": PayerKind.EMPLOYER, "label": employer.name}
    )
    return payer


def payer_for_self(worker: Worker) -> Payer:
    """The worker's own payer account (mandiri), created on first use."""
    payer, _ = Payer.objects.get_or_create(
        worker=worker, defaults={"kind": PayerKind.SELF, "label": worker.full_name}
    )
    return payer


@transaction.atomic
def membership_start(
    *,
    worker_id: int,
    segment: str,
    payer: Payer,
    programmes: Iterable[str],
    declared_wage: int,
    start: date,
    kpj: str = "",
    actor: Actor,
) -> Membership:
    """Start a membership; never overlaps another of the same segment; audited."""
    worker = access.get(
        actor, access.START_MEMBERSHIP, Worker.objects.select_for_update(), pk=worker_id
    )
    if worker.status != WorkerStatus.ACTIVE:
        raise Conflict("Peserta tidak aktif (worker is not active)")
    if payer.employer is not None and not access.in_scope(actor, payer.employer):
        raise NotFound("employer")
    if payer.kind == PayerKind.SELF and payer.worker_id != worker.pk:
        # A self-payer account bills its own worker only; anything else bills a stranger.
        raise ValidationError({"payer": "Pembayar mandiri harus peserta itu sendiri (own account)"})
    chosen = frozenset(p.upper() for p in programmes)
    errors = check_membership(
        segment=segment, payer_kind=payer.kind, programmes=chosen, wage=declared_wage
    )
    if errors:
        raise ValidationError(errors)
    if segment == Segment.BPU:
        _check_bpu_income(declared_wage, start)
    membership = Membership(
        worker=worker,
        segment=segment,
        payer=payer,
        declared_wage=declared_wage,
        start=start,
        kpj=rules.normalise_kpj(kpj) if kpj else None,
        **{p.lower(): p in chosen for p in PROGRAMMES},
    )
    _save(membership)
    audit.record(
        actor=actor,
        action="membership.start",
        obj=membership,
        region_code=worker.village_id,
        after=audit.snapshot(membership),
    )
    return membership


def _save(membership: Membership, **kwargs: object) -> None:
    try:
        with transaction.atomic():
            membership.save(**kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:
        text = str(exc)
        if "kpj" in text:
            raise Conflict("KPJ sudah dipakai (KPJ already in use)", field="kpj") from exc
        raise Conflict(
            "Kepesertaan bertumpang tindih dengan kepesertaan lain di segmen yang sama "
            "(overlaps another membership of the same segment)",
            field="start",
        ) from exc


@transaction.atomic
def membership_end(*, membership_id: int, on: date, reason: str, actor: Actor) -> Membership:
    """End a membership on a date after its start; later months are no longer billed."""
    membership = access.get(
        actor, access.END_MEMBERSHIP, Membership.objects.select_for_update(), pk=membership_id
    )
    if reason not in EndReason.values:
        raise ValidationError({"reason": f"Alasan '{reason}' tidak dikenal (unknown reason)"})
    if membership.end is not None:
        raise Conflict("Kepesertaan sudah berakhir (membership already ended)")
    if on <= membership.start:
        raise ValidationError(
            {"end": "Tanggal akhir harus setelah tanggal mulai (end after start)"}
        )
    before = audit.snapshot(membership)
    membership.end, membership.end_reason = on, reason
    _save(membership, update_fields=["end", "end_reason"])
    old, new = audit.diff(before, audit.snapshot(membership))
    audit.record(
        actor=actor,
        action="membership.end",
        obj=membership,
        region_code=membership.worker.village_id,
        before=old,
        after=new,
    )
    return membership
