"""Preview an uploaded list, then create its job: every row kept, nothing linked yet (the
invalid rows as ImportRows, the valid ones sealed in the job's parts)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.core import access, audit, checkpoints, pii
from lindungi.core.access import Actor
from lindungi.core.bulk import with_collector_paused
from lindungi.core.errors import NotFound, ValidationError
from lindungi.ingest import parts, reading, rules, sealing, staging
from lindungi.ingest.models import ImportJob, MappingTemplate
from lindungi.ingest.models import SourceKind as Kind
from lindungi.ingest.validation import Checked, Known, check_table, table_lines
from lindungi.reference.models import Occupation, Region, RegionLevel
from lindungi.reference.selectors import district_codes_for_nik

PREVIEW_ROWS = 20
PREVIEW_PROBLEMS = 200


@dataclass(frozen=True)
class Preview:
    """What would be imported: the mapping used, the first rows mapped, the problems found."""

    file_kind: str
    header: list[str]
    mapping: dict[str, str]
    unmapped: list[str]
    rows: list[dict[str, Any]]
    problems: list[dict[str, Any]]
    read: int
    valid: int
    invalid: int
    warnings: int
    template: str = ""


def _prefixes(actor: Actor | None) -> tuple[str, ...]:
    return actor.region_prefixes if actor is not None else ()


def resolve_mapping(
    *, kind: str, header: Sequence[Any], mapping: Mapping[str, str] | None, template: str | None
) -> tuple[dict[str, str], MappingTemplate | None]:
    """The caller's mapping, else the named template's, else the mapping guessed from headers."""
    if mapping:
        return {k: v for k, v in mapping.items() if k in rules.FIELDS and v}, None
    if template:
        saved = MappingTemplate.objects.filter(kind=kind, name=template).first()
        if saved is None:
            raise NotFound(f"template {template}")
        return dict(saved.mapping), saved
    return rules.auto_mapping(header), None


def known_for(checked_codes: set[str], actor: Actor | None) -> Known:
    villages: set[str] = set()
    codes = sorted(checked_codes)
    for start in range(0, len(codes), 2000):
        found = Region.objects.filter(
            code__in=codes[start : start + 2000], level=RegionLevel.VILLAGE, historic=False
        )
        villages.update(found.values_list("code", flat=True))
    return Known(
        today=timezone.localdate(),
        villages=frozenset(villages),
        occupations=frozenset(Occupation.objects.values_list("code", flat=True)),
        districts=district_codes_for_nik(),
        prefixes=_prefixes(actor),
    )


def _village_codes(table: reading.Table, mapping: Mapping[str, str]) -> set[str]:
    at = rules.column_index(table.header, mapping).get("village_code")
    if at is None:
        return set()
    return {
        rules.text_of(r[at]).replace(".", "") for r in table.rows if at < len(r) and r[at] != ""
    }


@dataclass(frozen=True)
class _Mapped:
    """A file read and mapped, with what its rows are checked against."""

    table: reading.Table
    mapping: dict[str, str]
    saved: MappingTemplate | None
    known: Known


def _read_and_map(
    *,
    data: bytes,
    file_name: str,
    kind: str,
    actor: Actor | None,
    mapping: Mapping[str, str] | None,
    template: str | None,
) -> _Mapped:
    if actor is not None:
        access.require(actor, access.IMPORT_LIST)
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Jenis sumber '{kind}' tidak dikenal (unknown kind)"})
    table = reading.read_table(data, file_name)
    used, saved = resolve_mapping(
        kind=kind, header=table.header, mapping=mapping, template=template
    )
    return _Mapped(table, used, saved, known_for(_village_codes(table, used), actor))


@with_collector_paused
def import_preview(
    *,
    data: bytes,
    file_name: str,
    kind: str,
    actor: Actor | None,
    mapping: Mapping[str, str] | None = None,
    template: str | None = None,
    limit: int = PREVIEW_ROWS,
) -> Preview:
    """Read and check a file without writing anything; raises ValidationError if unreadable."""
    mapped = _read_and_map(
        data=data, file_name=file_name, kind=kind, actor=actor, mapping=mapping, template=template
    )
    table, used = mapped.table, mapped.mapping
    checked = check_table(table, used, mapped.known)
    header = [rules.text_of(c) for c in table.header]
    mapped_headers = {rules.header_key(v) for v in used.values()}
    problems = [{"line": c.line, **p} for c in checked for p in c.problems][:PREVIEW_PROBLEMS]
    return Preview(
        file_kind=table.file_kind,
        header=header,
        mapping=used,
        unmapped=[h for h in header if h and rules.header_key(h) not in mapped_headers],
        rows=[_shown_row(c) for c in checked[:limit]],
        problems=problems,
        read=len(checked),
        valid=sum(c.ok for c in checked),
        invalid=sum(not c.ok for c in checked),
        warnings=sum(p["level"] == "warning" for c in checked for p in c.problems),
        template=mapped.saved.name if mapped.saved else (template or ""),
    )


def _shown_row(c: Checked) -> dict[str, Any]:
    nik = pii.mask_nik(c.nik) if c.nik else ""
    return {"line": c.line, "ok": c.ok, "nik": nik, **c.data, "problems": c.problems}


def _owner(actor: Actor | None) -> dict[str, Any]:
    if actor is None:
        return {}
    kind, org = actor.organisation
    prefixes = actor.region_prefixes
    return {
        "region_code": prefixes[0] if len(prefixes) == 1 else "",
        "employer_org": org if kind == "employer" else None,
        "sponsor_org": org if kind == "sponsor" else None,
        "created_by": actor if isinstance(actor, User) else None,
    }


@with_collector_paused
@checkpoints.with_deferred
@transaction.atomic
def import_job_create(
    *,
    data: bytes,
    file_name: str,
    kind: str,
    actor: Actor | None,
    mapping: Mapping[str, str] | None = None,
    template: str | None = None,
) -> ImportJob:
    """Keep every row of a checked file as a queued job, all or nothing; audited.

    The invalid rows are written as ImportRows, the valid ones wait in the job's parts; rows a
    standing job already imported are found when the job runs (`run.link_pending`).
    `actor=None` is the operator at the console (national scope).
    """
    mapped = _read_and_map(
        data=data, file_name=file_name, kind=kind, actor=actor, mapping=mapping, template=template
    )
    lines, columns, names = table_lines(mapped.table, mapped.mapping)
    saved = mapped.saved
    if saved is None and template:  # an explicit mapping won over the named template
        saved = MappingTemplate.objects.filter(kind=kind, name=template).first()
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        template=saved,
        mapping=mapped.mapping,
        **_owner(actor),
    )
    job.rows_read = job.rows_invalid = job.rows_warned = 0
    chunks = sealing.sealed_chunks(
        lines, columns=columns, names=names, known=mapped.known, kind=kind
    )
    with closing(chunks):
        for seq, chunk in enumerate(chunks):
            staging.insert_rows([(job.pk, *v) for v in chunk.invalid])
            parts.write(job.pk, seq, chunk.part)
            job.rows_read += chunk.rows
            job.rows_invalid += len(chunk.invalid)
            job.rows_warned += chunk.warned
    job.rows_valid = job.rows_read - job.rows_invalid
    job.save(update_fields=["rows_read", "rows_valid", "rows_invalid", "rows_warned"])
    audit.record(
        actor=actor,
        action="ingest.job_create",
        obj=job,
        region_code=job.region_code,
        after={
            "kind": kind,
            "file_name": job.file_name,
            "sha256": job.sha256,
            "read": job.rows_read,
            "valid": job.rows_valid,
            "invalid": job.rows_invalid,
            "warned": job.rows_warned,
        },
    )
    return job


@transaction.atomic
def template_save(
    *, kind: str, name: str, mapping: Mapping[str, str], actor: Actor
) -> MappingTemplate:
    """Save (or replace) a named column mapping for a kind of source; audited."""
    access.require(actor, access.IMPORT_LIST)
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = f"Jenis sumber '{kind}' tidak dikenal (unknown kind)"
    if not name.strip() or len(name) > 80:
        errors["name"] = "Nama templat 1-80 karakter (template name 1-80 characters)"
    unknown = sorted(set(mapping) - set(rules.FIELDS))
    if unknown:
        errors["mapping"] = f"Kolom tujuan tidak dikenal (unknown target fields): {unknown}"
    missing = [f for f in rules.REQUIRED if not mapping.get(f)]
    if missing:
        errors.setdefault(
            "mapping", f"Kolom wajib belum dipetakan (required not mapped): {missing}"
        )
    if errors:
        raise ValidationError(errors)
    prefixes = actor.region_prefixes
    template, _ = MappingTemplate.objects.update_or_create(
        kind=kind,
        name=name.strip(),
        defaults={
            "mapping": dict(mapping),
            "region_code": prefixes[0] if len(prefixes) == 1 else "",
            "created_by": actor if isinstance(actor, User) else None,
        },
    )
    audit.record(actor=actor, action="ingest.template_save", obj=template, after=dict(mapping))
    return template
