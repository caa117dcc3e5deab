"""No worker is sponsored twice for the same month, enforced by the database (until 0006).

PostgreSQL: an exclusion constraint over half-open date ranges (btree_gist).
SQLite: triggers that abort an insert or update whose [start, end) meets another's.
Migration 0006 replaces both with the rule that each beneficiary lies inside its own BPU
membership, which the registry already keeps from overlapping; the SQL stays here as it was.
"""

from django.db import migrations

_OVERLAP = """
    SELECT RAISE(ABORT, 'beneficiary_no_overlap: a worker is sponsored twice for a month')
    WHERE EXISTS (
        SELECT 1 FROM programs_beneficiary b
        WHERE b.worker_id = NEW.worker_id AND b.id != NEW.id
          AND b.start < NEW."end" AND NEW.start < b."end"
    );
"""
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE programs_beneficiary ADD CONSTRAINT beneficiary_no_overlap
       EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)""",
]
POSTGRES_REVERSE = [
    "ALTER TABLE programs_beneficiary DROP CONSTRAINT IF EXISTS beneficiary_no_overlap",
]
TRIGGERS = {
    "programs_beneficiary_no_overlap_ins": "BEFORE INSERT",
    "programs_beneficiary_no_overlap_upd": 'BEFORE UPDATE OF worker_id, start, "end"',
}
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON programs_beneficiary BEGIN {_OVERLAP} END"
    for name, when in TRIGGERS.items()
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


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
