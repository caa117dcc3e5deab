"""Memberships of one worker in one segment never overlap, enforced by the database.

PostgreSQL: an exclusion constraint over half-open date ranges (btree_gist).
SQLite: triggers that abort an insert or update whose [start, end) meets another's.
"""

from django.db import migrations

OVERLAP = """
    SELECT RAISE(ABORT, 'membership_no_overlap: memberships of one segment overlap')
    WHERE EXISTS (
        SELECT 1 FROM registry_membership m
        WHERE m.worker_id = NEW.worker_id AND m.segment = NEW.segment AND m.id != NEW.id
          AND m.start < COALESCE(NEW."end", '9999-12-31')
          AND NEW.start < COALESCE(m."end", '9999-12-31')
    );
"""
SQLITE = [
    f"CREATE TRIGGER registry_membership_no_overlap_ins BEFORE INSERT ON registry_membership "
    f"BEGIN {OVERLAP} END",
    f"CREATE TRIGGER registry_membership_no_overlap_upd BEFORE UPDATE OF worker_id, segment, "
    f'start, "end" ON registry_membership BEGIN {OVERLAP} END',
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_membership_no_overlap_ins",
    "DROP TRIGGER IF EXISTS registry_membership_no_overlap_upd",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE registry_membership ADD CONSTRAINT membership_no_overlap
       EXCLUDE USING gist (worker_id WITH =, segment WITH =,
                           daterange(start, "end", '[)') WITH &&)""",
]
POSTGRES_REVERSE = [
    "ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS membership_no_overlap",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
