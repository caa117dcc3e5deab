"""Register and correct employers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, ValidationError
from lindungi.reference.models import RiskGroup
from lindungi.registry import rules
from lindungi.registry.models import Employer, SizeClass
from lindungi.registry.services._validate import Collector, clean_name, village_for


@dataclass(frozen=True)
class EmployerInput:
    """An employer as the branch registers it; NPP and/or NIB identify it."""

    name: str
    size_class: str
    jkk_risk_group: int
    village_code: str
    npp: str = ""
    nib: str = ""
    kbli: str = ""
    address_line: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


CORRECTABLE = frozenset(f.name for f in fields(EmployerInput))


def _clean(data: EmployerInput, *, actor: Actor) -> dict[str, Any]:
    errors = Collector()
    values: dict[str, Any] = {
        "name": clean_name(data.name, field="name", errors=errors, max_length=200),
        "size_class": data.size_class,
        "jkk_risk_group": data.jkk_risk_group,
        "address_line": " ".join(data.address_line.split())[:200],
        "contact_name": " ".join(data.contact_name.split())[:150],
        "contact_email": data.contact_email.strip(),
        "npp": errors.run("npp", lambda: rules.normalise_npp(data.npp)) if data.npp else None,
        "nib": errors.run("nib", lambda: rules.normalise_nib(data.nib)) if data.nib else None,
        "contact_phone": "",
    }
    if not data.npp and not data.nib:
        errors.add("npp", "NPP atau NIB wajib diisi (NPP or NIB is required)")
    if data.kbli and not (data.kbli.isdigit() and len(data.kbli) == 5):
        errors.add("kbli", "KBLI harus 5 digit (KBLI 2020 code of 5 digits)")
    values["kbli"] = data.kbli
    if data.size_class not in SizeClass.values:
        errors.add("size_class", f"Skala usaha '{data.size_class}' tidak dikenal")
    if data.jkk_risk_group not in RiskGroup.values:
        errors.add("jkk_risk_group", "Kelompok risiko JKK harus 1-5 (I-V)")
    if data.contact_phone.strip():
        values["contact_phone"] = (
            errors.run_as("contact_phone", lambda: rules.normalise_phone(data.contact_phone)) or ""
        )
    values["village"] = village_for(data.village_code, actor=actor, errors=errors)
    errors.raise_if_any()
    return values


def _save(employer: Employer) -> None:
    try:
        with transaction.atomic():
            employer.save()
    except IntegrityError as exc:
        field = "npp" if "npp" in str(exc) else "nib"
        raise Conflict(
            f"{field.upper()} sudah terdaftar (already registered)", field=field
        ) from exc


@transaction.atomic
def employer_register(*, data: EmployerInput, actor: Actor) -> Employer:
    """Register an employer in the actor's region; NPP and NIB unique; audited."""
    access.require(actor, access.REGISTER_EMPLOYER)
    employer = Employer(**_clean(data, actor=actor))
    _save(employer)
    audit.record(
        actor=actor,
        action="employer.register",
        obj=employer,
        region_code=employer.village_id,
        after=audit.snapshot(employer),
    )
    return employer


def _current(employer: Employer) -> EmployerInput:
    return EmployerInput(
        **{
            f.name: (getattr(employer, f.name) or "")
            for f in fields(EmployerInput)
            if f.name not in {"village_code", "jkk_risk_group"}
        },
        jkk_risk_group=employer.jkk_risk_group,
        village_code=employer.village_id,
    )


@transaction.atomic
def employer_correct(
    *, employer_id: int, changes: Mapping[str, Any], actor: Actor, reason: str = ""
) -> Employer:
    """Correct an employer's data; re-validated whole; old and new values audited."""
    employer = access.get(
        actor, access.CORRECT_EMPLOYER, Employer.objects.select_for_update(), pk=employer_id
    )
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Tidak dapat dikoreksi (cannot be corrected)"))
    values = _clean(replace(_current(employer), **changes), actor=actor)
    before = audit.snapshot(employer)
    for name, value in values.items():
        setattr(employer, name, value)
    employer.updated_at = timezone.now()
    _save(employer)
    old, new = audit.diff(before, audit.snapshot(employer))
    audit.record(
        actor=actor,
        action="employer.correct",
        obj=employer,
        region_code=employer.village_id,
        before=old,
        after=new,
        note=reason,
    )
    return employer


__all__ = ["EmployerInput", "employer_correct", "employer_register"]
