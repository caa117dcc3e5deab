"""Register, correct, end, merge and reveal workers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindungi.core import access, audit, pii
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.reference.selectors import district_codes_for_nik
from lindungi.registry import rules
from lindungi.registry.models import (
    EndReason,
    Membership,
    Payer,
    Sex,
    Source,
    VillageRole,
    Worker,
    WorkerStatus,
)
from lindungi.registry.services._validate import (
    Collector,
    check_birth_date,
    clean_name,
    occupation_for,
    village_for,
)


@dataclass(frozen=True)
class WorkerInput:
    """Everything a worker record holds, as an office enters it."""

    full_name: str
    birth_date: date
    sex: str
    village_code: str
    nik: str = ""
    birth_place: str = ""
    address_line: str = ""
    phone: str = ""
    occupation_code: str | None = None
    welfare_decile: int | None = None
    village_role: str = ""
    source: str = Source.MANUAL


CORRECTABLE = frozenset(f.name for f in fields(WorkerInput)) - {"source"}


def _clean(data: WorkerInput, *, actor: Actor, today: date) -> tuple[dict[str, Any], str, str]:
    """Validated model values plus the normalised NIK and phone (plaintext, never stored)."""
    errors = Collector()
    values: dict[str, Any] = {
        "full_name": clean_name(data.full_name, field="full_name", errors=errors),
        "birth_place": " ".join(data.birth_place.split())[:100],
        "birth_date": data.birth_date,
        "sex": data.sex,
        "address_line": " ".join(data.address_line.split())[:200],
        "welfare_decile": data.welfare_decile,
        "village_role": data.village_role,
        "source": data.source,
    }
    check_birth_date(data.birth_date, today=today, errors=errors)
    if data.sex not in Sex.values:
        errors.add("sex", "Jenis kelamin harus L atau P (sex must be L or P)")
    if data.welfare_decile is not None and not 1 <= data.welfare_decile <= 10:
        errors.add("welfare_decile", "Desil harus 1-10 (welfare decile must be 1 to 10)")
    if data.village_role not in VillageRole.values:
        errors.add("village_role", f"Peran desa '{data.village_role}' tidak dikenal")
    if data.source not in Source.values:
        errors.add("source", f"Sumber '{data.source}' tidak dikenal")
    values["village"] = village_for(data.village_code, actor=actor, errors=errors)
    values["occupation"] = occupation_for(data.occupation_code, errors=errors)
    nik = ""
    if data.nik.strip():
        info = errors.run(
            "nik",
            lambda: rules.validate_nik(
                data.nik,
                region_known=district_codes_for_nik().__contains__,
                today=today,
                birth_date=data.birth_date,
                sex=data.sex,
            ),
        )
        nik = info.nik if info else ""
    phone = ""
    if data.phone.strip():
        phone = errors.run("phone", lambda: rules.normalise_phone(data.phone)) or ""
    errors.raise_if_any()
    values["name_search"] = rules.name_search_key(values["full_name"])
    return values, nik, phone


def _apply_secrets(worker: Worker, *, nik: str, phone: str) -> None:
    worker.nik_index = pii.blind_index(nik, field="nik") if nik else None
    worker.nik_enc = pii.encrypt(nik, field="nik") if nik else None
    worker.phone_enc = pii.encrypt(phone, field="phone") if phone else None


def _ensure_nik_free(nik: str, *, except_id: int | None = None) -> None:
    if not nik:
        return
    taken = Worker.objects.filter(nik_index=pii.blind_index(nik, field="nik"))
    if except_id is not None:
        taken = taken.exclude(pk=except_id)
    if taken.exists():
        raise Conflict("NIK sudah terdaftar (NIK is already registered)", field="nik")


def _save(worker: Worker, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            worker.save(**kwargs)
    except IntegrityError as exc:
        if "nik_index" in str(exc):
            raise Conflict("NIK sudah terdaftar (NIK is already registered)", field="nik") from exc
        raise


@transaction.atomic
def worker_register(*, data: WorkerInput, actor: Actor) -> Worker:
    """Register a validated worker in the actor's region; NIK unique; audited."""
    access.require(actor, access.REGISTER_WORKER)
    values, nik, phone = _clean(data, actor=actor, today=timezone.localdate())
    _ensure_nik_free(nik)
    worker = Worker(**values)
    _apply_secrets(worker, nik=nik, phone=phone)
    _save(worker)
    after = audit.snapshot(worker) | {"nik": pii.mask_nik(nik) if nik else ""}
    audit.record(
        actor=actor,
        action="worker.register",
        obj=worker,
        region_code=worker.village_id,
        after=after,
    )
    return worker


def _current_input(worker: Worker) -> WorkerInput:
    return WorkerInput(
        full_name=worker.full_name,
        birth_date=worker.birth_date,
        sex=worker.sex,
        village_code=worker.village_id,
        nik=pii.decrypt(worker.nik_enc, field="nik") if worker.nik_enc else "",
        birth_place=worker.birth_place,
        address_line=worker.address_line,
        phone=pii.decrypt(worker.phone_enc, field="phone") if worker.phone_enc else "",
        occupation_code=worker.occupation_id,
        welfare_decile=worker.welfare_decile,
        village_role=worker.village_role,
        source=worker.source,
    )


@transaction.atomic
def worker_correct(
    *, worker_id: int, changes: Mapping[str, Any], actor: Actor, reason: str = ""
) -> Worker:
    """Correct a worker's data; the whole record is re-validated; old and new values audited."""
    worker = access.get(
        actor, access.CORRECT_WORKER, Worker.objects.select_for_update(), pk=worker_id
    )
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Tidak dapat dikoreksi (cannot be corrected)"))
    if worker.status == WorkerStatus.MERGED:
        raise Conflict("Peserta sudah digabung (worker was merged into another)")
    current = _current_input(worker)
    values, nik, phone = _clean(
        replace(current, **changes), actor=actor, today=timezone.localdate()
    )
    _ensure_nik_free(nik, except_id=worker.pk)
    before = audit.snapshot(worker)
    for name, value in values.items():
        setattr(worker, name, value)
    _apply_secrets(worker, nik=nik, phone=phone)
    worker.updated_at = timezone.now()
    _save(worker)
    old, new = audit.diff(before, audit.snapshot(worker))
    if nik != current.nik:
        old["nik"], new["nik"] = pii.mask_nik(current.nik), pii.mask_nik(nik)
    if phone != current.phone:
        old["phone"], new["phone"] = "changed", "changed"
    audit.record(
        actor=actor,
        action="worker.correct",
        obj=worker,
        region_code=worker.village_id,
        before=old,
        after=new,
        note=reason,
    )
    return worker


END_REASON_FOR: dict[str, str] = {
    WorkerStatus.DECEASED: EndReason.DIED,
    WorkerStatus.ENDED: EndReason.RESIGNED,
}


@transaction.atomic
def worker_end(*, worker_id: int, on: date, status: str, actor: Actor, note: str = "") -> Worker:
    """Mark a worker deceased or inactive; their open memberships end on the same day."""
    worker = access.get(actor, access.END_WORKER, Worker.objects.select_for_update(), pk=worker_id)
    if status not in END_REASON_FOR:
        raise ValidationError({"status": "Status akhir harus deceased atau ended"})
    if worker.status != WorkerStatus.ACTIVE:
        raise Conflict(f"Peserta sudah berstatus {worker.status} (worker is not active)")
    if on < worker.birth_date or on > timezone.localdate():
        raise ValidationError({"on": "Tanggal tidak masuk akal (date before birth or in future)"})
    open_memberships = Membership.objects.filter(worker=worker, end__isnull=True)
    if open_memberships.filter(start__gte=on).exists():
        raise ValidationError({"on": "Ada kepesertaan yang dimulai setelah tanggal ini"})
    ended_ids = _end_memberships(worker, on=on, reason=END_REASON_FOR[status], actor=actor)
    before = audit.snapshot(worker)
    worker.status, worker.ended_on, worker.updated_at = status, on, timezone.now()
    worker.save(update_fields=["status", "ended_on", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(worker))
    audit.record(
        actor=actor,
        action="worker.end",
        obj=worker,
        region_code=worker.village_id,
        before=old,
        after=new | {"memberships_ended": len(ended_ids), "memberships": ended_ids},
        note=note,
    )
    return worker


def _end_memberships(worker: Worker, *, on: date, reason: str, actor: Actor) -> list[int]:
    """End the worker's open memberships in one statement; each keeps its own audit trail."""
    open_memberships = Membership.objects.filter(worker=worker, end__isnull=True)
    ended_ids = list(open_memberships.order_by("pk").values_list("pk", flat=True))
    open_memberships.update(end=on, end_reason=reason)
    for pk in ended_ids:
        audit.record(
            actor=actor,
            action="membership.end",
            object_type=Membership._meta.label_lower,
            object_id=str(pk),
            region_code=worker.village_id,
            before={"end": None, "end_reason": ""},
            after={"end": on.isoformat(), "end_reason": reason},
            note="worker.end",
        )
    return ended_ids


@transaction.atomic
def worker_merge(*, survivor_id: int, duplicate_id: int, actor: Actor, note: str = "") -> Worker:
    """Fold a duplicate into the survivor: memberships move, the duplicate stays as a link."""
    access.require(actor, access.MERGE_WORKER)
    if survivor_id == duplicate_id:
        raise ValidationError(
            {"duplicate": "Tidak dapat menggabung peserta dengan dirinya sendiri"}
        )
    qs = Worker.objects.select_for_update()
    # Lock in key order so two merges of the same pair cannot deadlock.
    first, second = sorted((survivor_id, duplicate_id))
    locked = {pk: access.get(actor, access.MERGE_WORKER, qs, pk=pk) for pk in (first, second)}
    survivor, duplicate = locked[survivor_id], locked[duplicate_id]
    if WorkerStatus.MERGED in (survivor.status, duplicate.status):
        raise Conflict("Salah satu peserta sudah digabung (already merged)")
    moved = list(Membership.objects.filter(worker=duplicate).order_by("pk"))
    for membership in moved:
        if _overlaps(survivor.pk, membership):
            raise Conflict(
                f"Kepesertaan {membership.segment} {membership.start} bertumpang tindih "
                "dengan kepesertaan peserta utama (memberships overlap)"
            )
    Membership.objects.filter(worker=duplicate).update(worker=survivor)
    _move_self_payer(duplicate=duplicate, survivor=survivor)
    nik_moved = survivor.nik_index is None and duplicate.nik_index is not None
    if nik_moved:
        survivor.nik_index, survivor.nik_enc = duplicate.nik_index, duplicate.nik_enc
    duplicate.nik_index = duplicate.nik_enc = None
    duplicate.status, duplicate.merged_into = WorkerStatus.MERGED, survivor
    duplicate.updated_at = survivor.updated_at = timezone.now()
    duplicate.save(update_fields=["nik_index", "nik_enc", "status", "merged_into", "updated_at"])
    survivor.save(update_fields=["nik_index", "nik_enc", "updated_at"])
    audit.record(
        actor=actor,
        action="worker.merge",
        obj=survivor,
        region_code=survivor.village_id,
        after={
            "merged": duplicate.pk,
            "memberships": [m.pk for m in moved],
            "nik_moved": nik_moved,
        },
        note=note,
    )
    return survivor


def _move_self_payer(*, duplicate: Worker, survivor: Worker) -> None:
    """Moved self-paid memberships must bill the survivor, not the record that was merged."""
    old = Payer.objects.filter(worker=duplicate).first()
    if old is None:
        return
    kept = Payer.objects.filter(worker=survivor).first()
    if kept is None:
        old.worker, old.label = survivor, survivor.full_name
        old.save(update_fields=["worker", "label"])
    else:
        Membership.objects.filter(payer=old).update(payer=kept)


def _overlaps(worker_id: int, m: Membership) -> bool:
    others = Membership.objects.filter(worker_id=worker_id, segment=m.segment)
    if m.end is not None:
        others = others.filter(start__lt=m.end)
    return others.exclude(end__isnull=False, end__lte=m.start).exists()


PII_FIELDS = {"nik": "nik_enc", "phone": "phone_enc"}


@transaction.atomic
def worker_reveal(*, worker_id: int, field: str, actor: Actor, purpose: str = "") -> str:
    """The plaintext NIK or phone of a worker in scope; every reveal is an audit event."""
    if field not in PII_FIELDS:
        raise ValidationError({"field": "Hanya nik atau phone (only nik or phone)"})
    worker = access.get(actor, access.REVEAL_PII, Worker.objects.all(), pk=worker_id)
    blob = getattr(worker, PII_FIELDS[field])
    value = pii.decrypt(blob, field=field) if blob else ""
    audit.record(
        actor=actor,
        action=f"worker.reveal_{field}",
        obj=worker,
        region_code=worker.village_id,
        note=purpose,
    )
    return value
