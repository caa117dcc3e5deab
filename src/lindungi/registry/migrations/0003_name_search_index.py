"""Index the folded worker names for fuzzy search (see registry/search.py)."""

from django.db import migrations

from lindungi.registry.dbrules import FTS_CREATE, name_index_triggers

SQLITE = [FTS_CREATE] + [t.sql for t in name_index_triggers()]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_worker_name_ai",
    "DROP TRIGGER IF EXISTS registry_worker_name_ad",
    "DROP TRIGGER IF EXISTS registry_worker_name_au",
    "DROP TABLE IF EXISTS registry_worker_name",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS registry_worker_name_trgm
       ON registry_worker USING gin (name_search gin_trgm_ops)""",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS registry_worker_name_trgm"]


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
    dependencies = [("registry", "0002_membership_no_overlap")]
    operations = [migrations.RunPython(forwards, backwards)]
