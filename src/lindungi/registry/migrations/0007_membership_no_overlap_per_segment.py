"""Memberships of one segment never overlap: one partial exclusion constraint per segment on
PostgreSQL instead of one over (worker, segment, period) (registry/dbrules.py). SQLite keeps
its triggers."""

from django.db import migrations

from lindungi.registry.dbrules import POSTGRES_NO_OVERLAP, POSTGRES_NO_OVERLAP_REVERSE

SINGLE = """ALTER TABLE registry_membership ADD CONSTRAINT membership_no_overlap
    EXCLUDE USING gist (worker_id WITH =, segment WITH =, daterange(start, "end", '[)') WITH &&)"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS membership_no_overlap"
    )
    for sql in POSTGRES_NO_OVERLAP:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*POSTGRES_NO_OVERLAP_REVERSE, SINGLE]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_worker_indexes_without_pattern_ops")]
    operations = [migrations.RunPython(forwards, backwards)]
