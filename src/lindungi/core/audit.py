"""Write audit events; always inside the caller's transaction, never after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from lindungi.core import access
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound
from lindungi.core.models import AuditEvent

SYSTEM_LABEL = "system"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The object's plain fields for before/after; encrypted and index columns are left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if (
            name in exclude
            or isinstance(field, models.BinaryField)
            or name.endswith("_index")
            or name == "name_search"
        ):
            continue
        data[name] = _plain(getattr(obj, name))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values changed, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one audit event; must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the change's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "pk", None) is not None else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=getattr(actor, "username", "") or SYSTEM_LABEL,
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        before=before,
        after=after,
        note=note,
    )


def _visible(actor: Actor) -> models.QuerySet[AuditEvent]:
    access.require(actor, access.VIEW_AUDIT)
    qs = AuditEvent.objects.all()
    prefixes = actor.region_prefixes
    if prefixes:
        # Events outside any region (users, keys) are for national auditors only.
        qs = qs.filter(access.region_q("region_code", prefixes))
    return qs


def event_list(
    *,
    actor: Actor,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """Audit events the actor may read (core.view_audit, region scope), newest first."""
    qs = _visible(actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if before_id is not None:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.order_by("-pk")[: max(1, min(limit, 500))])


def event_get(*, actor: Actor, event_id: int) -> AuditEvent:
    """One audit event in the actor's scope; NotFound when missing or out of scope alike."""
    try:
        return _visible(actor).get(pk=event_id)
    except (AuditEvent.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("audit event") from exc
