"""Reads of the ingest app, scoped through lindungi.core.access."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lindungi.core import access, pii
from lindungi.core.access import Actor
from lindungi.ingest.models import (
    Decision,
    ImportJob,
    ImportRow,
    JobStatus,
    MappingTemplate,
    ReviewItem,
    RowStatus,
)
from lindungi.registry import selectors as registry_selectors
from lindungi.registry.models import Worker


def job_list(*, actor: Actor, limit: int = 50) -> list[ImportJob]:
    """The actor's visible jobs, newest first."""
    access.require(actor, access.VIEW_IMPORTS)
    qs = access.scope(actor, ImportJob.objects.all()).select_related("created_by")
    return list(qs.order_by("-created_at", "-id")[: max(1, min(limit, 200))])


def job_get(*, actor: Actor, job_id: int) -> ImportJob:
    return access.get(actor, access.VIEW_IMPORTS, ImportJob.objects.all(), pk=job_id)


def job_open_reviews(*, job: ImportJob) -> int:
    return ReviewItem.objects.filter(row__job=job, decision=Decision.PENDING).count()


def earlier_job_stands(kind: str, *, job_id: int) -> bool:
    """Whether another job of the kind still stands (a fingerprint names its kind)."""
    earlier = ImportJob.objects.filter(kind=kind).exclude(pk=job_id)
    return earlier.exclude(status=JobStatus.UNDONE).exists()


def fingerprints_imported(fingerprints: list[str], *, except_job: int) -> set[str]:
    """Which fingerprints valid rows of a standing job other than `except_job` hold: rows that
    were merged, not a re-upload's `unchanged` rows, which only point at the job that merged
    them and would keep the file out for good once that job is undone."""
    seen: set[str] = set()
    unique = sorted(set(fingerprints))
    for start in range(0, len(unique), 2000):
        found = ImportRow.objects.filter(
            fingerprint__in=unique[start : start + 2000], status=RowStatus.VALID
        ).exclude(job__status=JobStatus.UNDONE)
        found = found.exclude(job_id=except_job)
        seen.update(found.values_list("fingerprint", flat=True))
    return seen


def review_list(*, actor: Actor, job_id: int | None = None, limit: int = 50) -> list[ReviewItem]:
    """Open review items in the actor's scope, oldest first."""
    access.require(actor, access.REVIEW_LINKAGE)
    qs = access.scope(actor, ReviewItem.objects.filter(decision=Decision.PENDING))
    if job_id is not None:
        qs = qs.filter(row__job_id=job_id)
    qs = qs.select_related("row", "row__job", "candidate", "candidate__village")
    return list(qs.order_by("id")[: max(1, min(limit, 200))])


def review_get(*, actor: Actor, item_id: int) -> ReviewItem:
    qs = ReviewItem.objects.select_related("row", "row__job", "candidate", "candidate__village")
    return access.get(actor, access.REVIEW_LINKAGE, qs, pk=item_id)


def duplicates_of(row: ImportRow) -> list[ImportRow]:
    """The job's rows that the linkage found to be this row's person again, in line order: a
    decision on the row decides for them too. The linkage points every duplicate at the first
    row of its group, so one step finds them all."""
    found = ImportRow.objects.filter(job_id=row.job_id, duplicate_of=row.pk).only("line")
    return list(found.order_by("line"))


def masked_row_nik(row: ImportRow) -> str:
    return pii.mask_nik(pii.decrypt(row.nik_enc, field="nik")) if row.nik_enc else ""


SIDE_BY_SIDE = (
    ("nik", "NIK"),
    ("full_name", "Nama"),
    ("birth_date", "Tanggal lahir"),
    ("sex", "L/P"),
    ("village_code", "Desa/kelurahan"),
    ("birth_place", "Tempat lahir"),
    ("address_line", "Alamat"),
)


def side_by_side(item: ReviewItem) -> list[dict[str, Any]]:
    """Each compared field: the file's value, the registry's, and what the linkage said."""
    row, worker = item.row, item.candidate
    theirs: dict[str, Any] = {}
    if worker is not None:
        theirs = {
            "nik": registry_selectors.worker_masked_nik(worker),
            "full_name": worker.full_name,
            "birth_date": worker.birth_date.isoformat(),
            "sex": worker.sex,
            "village_code": worker.village_id,
            "birth_place": worker.birth_place,
            "address_line": worker.address_line,
        }
    ours = {**row.data, "nik": masked_row_nik(row)}
    agreements = item.agreements or {}
    lines = []
    for name, label in SIDE_BY_SIDE:
        a, b = ours.get(name) or "", theirs.get(name) or ""
        said = agreements.get(name) or agreements.get(_alias(name)) or _compare(a, b)
        if name in item.conflicts or (name == "full_name" and "name_search" in item.conflicts):
            said = "disagree"
        lines.append({"field": name, "label": label, "file": a, "registry": b, "agreement": said})
    return lines


def _alias(name: str) -> str:
    return {"full_name": "name", "village_code": "village", "birth_date": "dob"}.get(name, name)


def _compare(a: Any, b: Any) -> str:
    if not a or not b:
        return "missing"
    return "agree" if str(a).lower() == str(b).lower() else "disagree"


def template_list(*, actor: Actor, kind: str = "") -> list[MappingTemplate]:
    access.require(actor, access.IMPORT_LIST)
    qs = MappingTemplate.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("kind", "name"))


def worker_sources(*, worker: Worker) -> QuerySet[ImportRow]:
    """Provenance: the source rows linked to a worker."""
    return ImportRow.objects.filter(worker=worker).select_related("job").order_by("-id")
