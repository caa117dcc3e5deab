"""Move every worker's encrypted NIK and phone to the active PII key, batch by batch.

Procedure for a new encryption key (`lindungi pii new-key` prints one):
  1. Put it FIRST in LINDUNGI_PII_KEYS and keep the old one after it: "k2:NEW,k1:OLD".
     New writes now use k2; rows under k1 still decrypt.
  2. Run `lindungi pii rotate`. Each batch is one transaction; an interrupted run is simply run
     again (rows already under k2 are no longer selected), and a second run changes nothing.
  3. When it reports 0 remaining, drop k1 from LINDUNGI_PII_KEYS.

The blind index key (LINDUNGI_BLIND_INDEX_KEY) is not rotated here: a changed index key makes
every NIK lookup miss until all rows are re-indexed, so it is a maintenance-window job. Stop
the web app and imports, decrypt each NIK and write HMAC(new key) into `nik_index` in batches
(the same loop as below with `pii.blind_index(nik, field="nik", ring=new_ring)`), swap the
environment variable, start again. The index is only as secret as its key; rotate it if the key
leaked, not on a calendar.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Substr

from lindungi.core import access, audit, pii
from lindungi.core.access import Actor
from lindungi.registry.models import Worker

COLUMNS = {"nik_enc": "nik", "phone_enc": "phone"}  # column → field bound as associated data


@dataclass(frozen=True)
class RotationBatch:
    """What one committed batch did: rows touched and values re-encrypted per field."""

    workers: int
    nik: int
    phone: int
    last_id: int


def _stale(ring: pii.Keyring) -> models.QuerySet[Worker]:
    """Workers with at least one value sealed under a key other than the active one."""
    prefix = pii.key_prefix(ring.active_id)
    size = len(prefix)
    qs = Worker.objects.annotate(
        nik_kid=Substr("nik_enc", 1, size, output_field=models.BinaryField()),
        phone_kid=Substr("phone_enc", 1, size, output_field=models.BinaryField()),
    )
    condition = Q()
    for column, alias in (("nik_enc", "nik_kid"), ("phone_enc", "phone_kid")):
        condition |= Q(**{f"{column}__isnull": False}) & ~Q(**{alias: prefix})
    return qs.filter(condition)


def stale_count(*, ring: pii.Keyring | None = None) -> int:
    """How many workers still hold a value under an old key (0 means the old key may go)."""
    return _stale(ring or pii.keyring()).count()


def _rotate_batch(
    *, after: int, batch_size: int, ring: pii.Keyring, actor: Actor | None
) -> RotationBatch | None:
    with transaction.atomic():
        rows = list(
            _stale(ring)
            .filter(pk__gt=after)
            .select_for_update()
            .order_by("pk")
            .only("pk", "nik_enc", "phone_enc")[:batch_size]
        )
        if not rows:
            return None
        counts = dict.fromkeys(COLUMNS.values(), 0)
        for worker in rows:
            for column, field in COLUMNS.items():
                blob = getattr(worker, column)
                if blob is not None and pii.key_id_of(blob) != ring.active_id:
                    setattr(worker, column, pii.reencrypt(blob, field=field, ring=ring))
                    counts[field] += 1
        Worker.objects.bulk_update(rows, list(COLUMNS))
        batch = RotationBatch(len(rows), counts["nik"], counts["phone"], rows[-1].pk)
        audit.record(
            actor=actor,
            action="pii.rotate",
            object_type="registry.worker",
            object_id=f"{rows[0].pk}-{batch.last_id}",
            after={
                "key_id": ring.active_id,
                "workers": batch.workers,
                "nik": batch.nik,
                "phone": batch.phone,
            },
        )
        return batch


def pii_rotate(*, actor: Actor | None, batch_size: int = 5000) -> int:
    """Re-encrypt every old-key NIK/phone under the active key; resumable, idempotent, audited.

    Returns the number of workers re-encrypted. `actor=None` is the operator at the console.
    """
    if actor is not None:
        access.require(actor, access.ROTATE_PII_KEYS)
    ring = pii.keyring()
    total, after = 0, 0
    while True:
        batch = _rotate_batch(after=after, batch_size=max(1, batch_size), ring=ring, actor=actor)
        if batch is None:
            return total
        total, after = total + batch.workers, batch.last_id
