"""Memberships of one worker in one segment never overlap, enforced by the database.

PostgreSQL: an exclusion constraint over half-open date ranges (btree_gist).
SQLite: triggers that abort an insert or update whose [start, end) meets another's.
"""

from django.db import migrations

from lindungi.registry.dbrules import membership_triggers

SQLITE = [t.sql for t in membership_triggers()]
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
