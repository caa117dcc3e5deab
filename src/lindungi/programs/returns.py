"""Import the file BPJS returns after a collective registration: KPJ numbers and rejections.

Each row names a beneficiary of the batch (Lindungi id, or name + birth date), a status and,
when accepted, the KPJ. Good rows are applied in bulk, bad rows are recorded by row, column
and value; the whole import is one transaction and one audit event. A row whose effect is
already in the database counts as "already applied", so importing a file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import Conflict, NotFound
from lindungi.ingest.rules import text_of
from lindungi.programs import rules, selectors
from lindungi.programs.models import (
    Beneficiary,
    BeneficiaryEnd,
    EnrolmentBatch,
    Programme,
    ReturnImport,
)
from lindungi.programs.returns_file import ReturnedFile, read_returned
from lindungi.programs.returns_rows import Known, Member, Outcome, RowProblem, check_row, problem_of
from lindungi.registry.models import EndReason, Membership, Worker
from lindungi.registry.rules import IdentifierError, name_search_key, normalise_kpj

CHUNK = 500  # ids per IN (…) list: under SQLite's parameter limit


@transaction.atomic
def batch_return_import(
    *, programme_id: int, batch_id: int, content: bytes, filename: str, actor: Actor
) -> ReturnImport:
    """Write the KPJ numbers and end the rejected places of a batch; bad rows change nothing."""
    programme = selectors.programme_get(
        actor=actor, programme_id=programme_id, permission=access.ENROL_BENEFICIARIES
    )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    batch = EnrolmentBatch.objects.filter(programme=programme, pk=batch_id).first()
    if batch is None:
        raise NotFound("batch")
    returned = read_returned(content, filename)
    today = timezone.localdate()
    known = _known(programme, batch, returned, today)
    outcome = Outcome()
    for row in returned.rows:
        try:
            check_row(row, known, outcome)
        except RowProblem as problem:
            outcome.problems.append(problem_of(row, returned, problem))
    _write_kpj(outcome.kpj)
    _reject(known, outcome.rejected, today)
    imported = ReturnImport.objects.create(
        programme=programme,
        batch=batch,
        file_name=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        imported_by=user_of(actor),
        rows_read=len(returned.rows),
        accepted=len(outcome.kpj),
        rejected=len(outcome.rejected),
        already=outcome.already,
        invalid=len(outcome.problems),
        problems=outcome.problems,
    )
    audit.record(
        actor=actor,
        action="programme.return_import",
        obj=programme,
        region_code=programme.region_id,
        after={"import": imported.pk, "batch": batch.pk, **counts(imported)},
    )
    return imported


def user_of(actor: Actor) -> Any:
    """The actor as the row's user (None for the system)."""
    return actor if getattr(actor, "pk", None) is not None else None


def counts(imported: ReturnImport) -> dict[str, int]:
    return {
        "rows_read": imported.rows_read,
        "accepted": imported.accepted,
        "rejected": imported.rejected,
        "already": imported.already,
        "invalid": imported.invalid,
    }


# --- reading what the database knows, in bulk ---------------------------------------------


def _known(
    programme: Programme, batch: EnrolmentBatch, returned: ReturnedFile, today: date
) -> Known:
    members = _members(programme, batch)
    by_name: dict[tuple[str, date], list[Member]] = {}
    for m in members.values():
        by_name.setdefault((m.name_key, m.birth_date), []).append(m)
    ids = {int(t) for r in returned.rows if (t := text_of(r.cells.get("worker_id"))).isdigit()}
    outside = sorted(ids - members.keys())
    existing = set(members) | {
        pk
        for part in _chunks(outside)
        for pk in Worker.objects.filter(pk__in=part).values_list("pk", flat=True)
    }
    return Known(today, members, by_name, existing, _holders(returned), _own(members))


def _members(programme: Programme, batch: EnrolmentBatch) -> dict[int, Member]:
    rows = Beneficiary.objects.filter(programme=programme, batch_id=batch.pk).values_list(
        "pk",
        "membership_id",
        "worker_id",
        "start",
        "end",
        "end_reason",
        "membership__kpj",
        "worker__full_name",
        "worker__birth_date",
    )
    return {
        worker: Member(pk, mid, worker, start, end, why, kpj, name_search_key(name), born)
        for pk, mid, worker, start, end, why, kpj, name, born in rows.iterator(chunk_size=2000)
    }


def _holders(returned: ReturnedFile) -> dict[str, int]:
    numbers = set()
    for row in returned.rows:
        try:
            numbers.add(normalise_kpj(text_of(row.cells.get("kpj"))))
        except IdentifierError:
            continue
    holders: dict[str, int] = {}
    for part in _chunks(sorted(numbers)):
        qs = Membership.objects.filter(kpj__in=part).values_list("kpj", "worker_id").order_by()
        holders |= {kpj: worker for kpj, worker in qs if kpj}
    return holders


def _own(members: dict[int, Member]) -> dict[int, set[str]]:
    """KPJ numbers the batch's workers hold on memberships other than the programme's."""
    own: dict[int, set[str]] = {}
    programme_memberships = {m.membership_id for m in members.values()}
    for part in _chunks(sorted(members)):
        qs = Membership.objects.filter(worker_id__in=part, kpj__isnull=False)
        for pk, worker, kpj in qs.values_list("pk", "worker_id", "kpj").order_by():
            if kpj and pk not in programme_memberships:
                own.setdefault(worker, set()).add(kpj)
    return own


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


# --- writing, in bulk -----------------------------------------------------------------------


def _write_kpj(numbers: dict[int, str]) -> None:
    objs = [Membership(pk=pk, kpj=kpj) for pk, kpj in numbers.items()]
    try:
        with transaction.atomic():
            Membership.objects.bulk_update(objs, ["kpj"], batch_size=CHUNK)
    except IntegrityError as exc:  # a KPJ recorded elsewhere while this file was read
        raise Conflict(
            _("KPJ dalam berkas baru saja dipakai peserta lain; impor ulang berkas."), field="kpj"
        ) from exc


def end_month(event: date, start: date, end: date) -> date:
    """First month no longer sponsored after an event on `event`: the next month, kept inside
    (start, end] because a beneficiary and its membership last at least one month."""
    first = rules.add_months(event.replace(day=1), 1)
    return min(max(first, rules.add_months(start, 1)), end)


def _reject(known: Known, rejected: dict[int, str], today: date) -> None:
    """End the rejected places from the month after the import; their memberships too."""
    if not rejected:
        return
    by_beneficiary = {m.beneficiary_id: m for m in known.members.values()}
    now: datetime = timezone.now()
    beneficiaries, memberships = [], []
    for pk, reason in rejected.items():
        member = by_beneficiary[pk]
        new_end = end_month(today, member.start, member.end)
        beneficiaries.append(
            Beneficiary(
                pk=pk,
                end=new_end,
                end_reason=BeneficiaryEnd.REJECTED,
                end_note=reason,
                ended_at=now,
            )
        )
        memberships.append(
            Membership(pk=member.membership_id, end=new_end, end_reason=EndReason.CORRECTION)
        )
    fields = ["end", "end_reason", "end_note", "ended_at"]
    Beneficiary.objects.bulk_update(beneficiaries, fields, batch_size=CHUNK)
    Membership.objects.bulk_update(memberships, ["end", "end_reason"], batch_size=CHUNK)
