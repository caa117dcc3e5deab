"""Field checks shared by the registry's services; each collects every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import ValidationError
from lindungi.reference.models import Occupation, Region, RegionLevel


class Collector:
    """Gathers field errors so a form shows all of them, then raises once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def run(self, field: str, check: Callable[[], Any]) -> Any:
        """Run one check; the errors it raises are kept under their own fields."""
        try:
            return check()
        except ValidationError as exc:
            for key, messages in exc.errors.items():
                for message in messages:
                    self.add(key or field, message)
            return None

    def run_as(self, field: str, check: Callable[[], Any]) -> Any:
        """Run one check and file every error it raises under `field` (a rule's own key may
        name another field, e.g. normalise_phone says "phone" for an employer's contact)."""
        try:
            return check()
        except ValidationError as exc:
            for messages in exc.errors.values():
                for message in messages:
                    self.add(field, message)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_name(value: str, *, field: str, errors: Collector, max_length: int = 150) -> str:
    from lindungi.registry import rules

    name = " ".join(value.split())
    if not name:
        errors.add(field, "Wajib diisi (required)")
    elif len(name) > max_length:
        errors.add(field, f"Paling banyak {max_length} karakter (at most {max_length} characters)")
    elif not rules.name_has_letters(name):
        errors.add(field, rules.NAME_WITHOUT_LETTERS)
    return name


def village_for(code: str, *, actor: Actor, errors: Collector) -> Region | None:
    """A current village inside the actor's scope, or a named error."""
    from lindungi.registry import rules

    normalised = errors.run(
        "village_code", lambda: rules.normalise_region_code(code, level=4, field="village_code")
    )
    if normalised is None:
        return None
    region = Region.objects.filter(
        code=normalised, level=RegionLevel.VILLAGE, historic=False
    ).first()
    if region is None:
        errors.add("village_code", f"Desa/kelurahan {code} tidak dikenal (unknown village code)")
        return None
    errors.run("village_code", lambda: access.require_region(actor, region.code))
    return region


def occupation_for(code: str | None, *, errors: Collector) -> Occupation | None:
    if not code:
        return None
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        errors.add("occupation_code", f"Pekerjaan '{code}' tidak dikenal (unknown occupation)")
    return occupation


def check_birth_date(value: date, *, today: date, errors: Collector) -> None:
    if value > today:
        errors.add("birth_date", "Tanggal lahir di masa depan (birth date is in the future)")
    elif today.year - value.year > 120:
        errors.add("birth_date", "Umur lebih dari 120 tahun (older than 120 years)")
