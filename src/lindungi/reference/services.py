"""Writes on reference data: loading the vendored files, and administrators' edits of rule rows."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Field

from lindungi.core import access, audit
from lindungi.core.access import Actor
from lindungi.core.errors import NotFound, ValidationError
from lindungi.reference import loading, selectors
from lindungi.reference.loading import OccupationRow, RegionRow, RuleSpec
from lindungi.reference.models import Occupation, Region, RegionLevel, RuleRow
from lindungi.reference.rules import Period

# SQLite executemany batch: amortises the call overhead, bounds the parameter list held.
REGION_BATCH = 10_000
RULE_ROW_FIELDS = (
    "table",
    "key",
    "valid_from",
    "valid_to",
    "value",
    "params",
    "regulation",
    "source",
    "status",
    "note",
)
_VALUE_QUANTUM = Decimal("0.000001")  # RuleRow.value has 6 decimal places


@dataclass(frozen=True)
class LoadResult:
    """What `reference_load` found in the files and what it had to write."""

    provinces: int
    regencies: int
    districts: int
    villages: int
    historic: int
    regions_added: int
    regions_updated: int
    occupations: int
    occupations_added: int
    rules: int
    rules_added: int
    rules_skipped: int  # absent here but overlapping an administrator's row: left alone
    elapsed_seconds: float

    @property
    def changed(self) -> int:
        return self.regions_added + self.regions_updated + self.occupations_added + self.rules_added

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed": self.changed}


def reference_load(*, actor: Actor | None = None) -> LoadResult:
    """Bring regions, occupations and rule rows up to the vendored files; a rerun writes nothing.

    Regions follow the files (they are read-only in the app); occupations and rule rows are
    only added when absent, so an administrator's edit is never overwritten.
    """
    if actor is not None:
        access.require(actor, access.EDIT_RULES)
    started = time.perf_counter()
    regions = loading.region_rows()
    with transaction.atomic():
        regions_added, regions_updated = _load_regions(regions)
        rules_added, rules_skipped = _load_rules(loading.rule_specs(), actor)
        result = LoadResult(
            **_file_counts(regions),
            regions_added=regions_added,
            regions_updated=regions_updated,
            occupations_added=_load_occupations(loading.occupation_rows()),
            rules_added=rules_added,
            rules_skipped=rules_skipped,
            elapsed_seconds=0.0,
        )
        if result.changed:
            _audit_load(result, actor)
        transaction.on_commit(selectors.clear_caches)
    selectors.clear_caches()
    return replace(result, elapsed_seconds=round(time.perf_counter() - started, 3))


def _audit_load(result: LoadResult, actor: Actor | None) -> None:
    after = {k: v for k, v in result.as_dict().items() if k != "elapsed_seconds"}
    audit.record(
        actor=actor,
        action="reference.load",
        object_type="reference.dataset",
        object_id="vendored",
        after=after,
    )


def _file_counts(regions: Sequence[RegionRow]) -> dict[str, int]:
    per_level = dict.fromkeys(RegionLevel.values, 0)
    for row in regions:
        per_level[row.level] += not row.historic
    return {
        "provinces": per_level[RegionLevel.PROVINCE],
        "regencies": per_level[RegionLevel.REGENCY],
        "districts": per_level[RegionLevel.DISTRICT],
        "villages": per_level[RegionLevel.VILLAGE],
        "historic": sum(row.historic for row in regions),
        "occupations": len(loading.occupation_rows()),
        "rules": len(loading.rule_specs()),
    }


def _load_regions(rows: Sequence[RegionRow]) -> tuple[int, int]:
    """Upsert only the rows that differ from the table; returns (added, updated)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in RegionRow._fields)
    with connection.cursor() as cursor:
        # A raw read is twice as fast as values_list here; SQLite's 0/1 equals False/True.
        cursor.execute(f"SELECT {columns} FROM {quote(Region._meta.db_table)}")  # noqa: S608
        existing = {rec[0]: tuple(rec) for rec in cursor.fetchall()}
    changed = [row for row in rows if existing.get(row.code) != row]
    added = sum(row.code not in existing for row in changed)
    _upsert_regions(changed)
    return added, len(changed) - added


def _upsert_regions(rows: Sequence[RegionRow]) -> None:
    """INSERT … ON CONFLICT DO UPDATE of the rows: via COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Region._meta.db_table)
    columns = ", ".join(quote(_column(name)) for name in RegionRow._fields)
    key, *others = (quote(_column(name)) for name in RegionRow._fields)
    on_conflict = f"ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(
        f"{c} = excluded.{c}" for c in others
    )
    # Identifiers come from the model's own metadata; values are always bound or copied.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Row-by-row statements cost ~80 µs each on PostgreSQL; COPY + one INSERT … SELECT
            # loads all 92k regions in a fraction of that.
            cursor.execute(f"CREATE TEMP TABLE region_load (LIKE {table} INCLUDING DEFAULTS)")
            with cursor.copy(f"COPY region_load ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM region_load {on_conflict}"  # noqa: S608
            )
            cursor.execute("DROP TABLE region_load")
            return
        values = ", ".join(["%s"] * len(RegionRow._fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) {on_conflict}"  # noqa: S608
        for start in range(0, len(rows), REGION_BATCH):
            cursor.executemany(sql, rows[start : start + REGION_BATCH])


def _column(name: str) -> str:
    field = Region._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"Region.{name} is not a concrete column")
    return field.column


def _load_occupations(rows: Sequence[OccupationRow]) -> int:
    existing = set(Occupation.objects.values_list("code", flat=True))
    new = [Occupation(**row._asdict()) for row in rows if row.code not in existing]
    Occupation.objects.bulk_create(new)
    return len(new)


def _load_rules(specs: Sequence[RuleSpec], actor: Actor | None) -> tuple[int, int]:
    """Add absent rows, each with a creation event so its history starts at the load."""
    existing = RuleRow.objects.filter(table__in={s.table for s in specs}).values_list(
        "table", "key", "valid_from", "valid_to"
    )
    present: set[tuple[str, str, date]] = set()
    periods: dict[tuple[str, str], list[Period]] = defaultdict(list)
    for table, key, valid_from, valid_to in existing:
        present.add((table, key, valid_from))
        periods[(table, key)].append(Period(valid_from, valid_to))
    new: list[RuleRow] = []
    skipped = 0
    for spec in specs:
        if spec.identity in present:
            continue
        if any(spec.period.overlaps(p) for p in periods[(spec.table, spec.key)]):
            skipped += 1
            continue
        new.append(RuleRow(**{name: getattr(spec, name) for name in RULE_ROW_FIELDS}))
    for row in RuleRow.objects.bulk_create(new):
        audit.record(
            actor=actor,
            action="rule_row.create",
            obj=row,
            after=audit.snapshot(row),
            note="rules.json",
        )
    return len(new), skipped


@transaction.atomic
def rule_row_create(
    *,
    table: str,
    key: str = "",
    valid_from: date,
    valid_to: date | None = None,
    value: Decimal,
    regulation: str,
    source: str,
    status: str,
    params: Mapping[str, Any] | None = None,
    note: str = "",
    actor: Actor,
) -> RuleRow:
    """Add a rule row naming its regulation and source; it may overlap no row of its table+key."""
    access.require(actor, access.EDIT_RULES)
    row = RuleRow(
        table=table,
        key=key,
        valid_from=valid_from,
        valid_to=valid_to,
        value=value,
        params=dict(params or {}),
        regulation=regulation,
        source=source,
        status=status,
        note=note,
    )
    _validate(row)
    row.save()
    audit.record(actor=actor, action="rule_row.create", obj=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def rule_row_update(*, row: RuleRow, changes: Mapping[str, Any], actor: Actor) -> RuleRow:
    """Change a rule row's fields: validated, audited before/after; a no-op writes nothing."""
    access.require(actor, access.EDIT_RULES)
    unknown = sorted(set(changes) - set(RULE_ROW_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Tidak dapat diubah (not editable)"))
    try:
        current = RuleRow.objects.select_for_update().get(pk=row.pk)
    except RuleRow.DoesNotExist as exc:
        raise NotFound("rule row") from exc
    before = audit.snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    _validate(current)
    old, new = audit.diff(before, audit.snapshot(current))
    if not new:
        return current
    current.save(update_fields=sorted(new))
    audit.record(actor=actor, action="rule_row.update", obj=current, before=old, after=new)
    return current


def _validate(row: RuleRow) -> None:
    """Model rules (regulation named, status known, period ordered) and no overlap per key."""
    try:
        row.full_clean()
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    row.value = Decimal(row.value).quantize(_VALUE_QUANTUM)
    other = selectors.rule_row_overlapping(
        table=row.table,
        key=row.key,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        exclude_pk=row.pk,
    )
    if other is not None:
        raise ValidationError({"valid_from": overlap_message(other)})


def overlap_message(other: RuleRow) -> str:
    return f"Periode tumpang tindih dengan baris lain (overlaps {other})"
