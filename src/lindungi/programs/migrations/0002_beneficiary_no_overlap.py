"""No worker is sponsored twice for the same month, enforced by the database (until 0006).

PostgreSQL: an exclusion constraint over half-open date ranges (btree_gist).
SQLite: triggers that abort an insert or update whose [start, end) meets another's.
On PostgreSQL, migration 0006 replaces the constraint with the rule that each beneficiary lies
inside its own BPU membership (the registry keeps those from overlapping); its SQL stays here.
"""

from django.db import migrations

from lindungi.programs.dbrules import programme_triggers

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE programs_beneficiary ADD CONSTRAINT beneficiary_no_overlap
       EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)""",
]
POSTGRES_REVERSE = [
    "ALTER TABLE programs_beneficiary DROP CONSTRAINT IF EXISTS beneficiary_no_overlap",
]
SQLITE = [t.sql for t in programme_triggers()]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {t.name}" for t in programme_triggers()]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_REVERSE if vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_sponsors_programmes")]
    operations = [migrations.RunPython(forwards, backwards)]
