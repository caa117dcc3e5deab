"""Reads of a programme's return imports, refills and renewal link, scoped like the programme.

Whoever may see the programme may see what happened to its places (names and KPJ, never NIK);
acting on them needs programs.enrol (returns.py, refill.py).
"""

from __future__ import annotations

from lindungi.core.access import Actor
from lindungi.core.errors import NotFound
from lindungi.programs import selectors
from lindungi.programs.models import (
    EnrolmentBatch,
    Programme,
    RefillRun,
    ReturnImport,
)

LIMIT = 50


def return_import_list(programme: Programme) -> list[ReturnImport]:
    """The programme's latest return imports, newest first (the caller fetched it in scope)."""
    return list(
        ReturnImport.objects.filter(programme=programme)
        .select_related("imported_by")
        .order_by("-imported_at", "-id")[:LIMIT]
    )


def return_import_get(*, actor: Actor, programme_id: int, import_id: int) -> ReturnImport:
    """One return import of a programme in the actor's scope; NotFound otherwise."""
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    found = (
        ReturnImport.objects.filter(programme=programme, pk=import_id)
        .select_related("programme", "batch", "imported_by")
        .first()
    )
    if found is None:
        raise NotFound("return import")
    return found


def refill_list(programme: Programme) -> list[RefillRun]:
    return list(
        RefillRun.objects.filter(programme=programme)
        .select_related("created_by", "batch")
        .order_by("-created_at", "-id")[:LIMIT]
    )


def batch_list(programme: Programme) -> list[EnrolmentBatch]:
    return list(EnrolmentBatch.objects.filter(programme=programme).order_by("-id")[:LIMIT])


def successor_of(programme: Programme) -> Programme | None:
    return Programme.objects.filter(predecessor=programme).first()
