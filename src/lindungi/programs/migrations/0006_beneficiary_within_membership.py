"""PostgreSQL: a beneficiary lies inside its own BPU membership (programs/dbrules.py), replacing
the beneficiary exclusion constraint of 0002, which the registry's membership rule implies.
SQLite keeps the overlap triggers of 0002."""

from django.db import migrations

from lindungi.programs.dbrules import POSTGRES, POSTGRES_REVERSE

OLD_POSTGRES = """ALTER TABLE programs_beneficiary ADD CONSTRAINT beneficiary_no_overlap
    EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE programs_beneficiary DROP CONSTRAINT IF EXISTS beneficiary_no_overlap"
    )
    for sql in POSTGRES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*POSTGRES_REVERSE, OLD_POSTGRES]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_selection_waiting_list")]
    operations = [migrations.RunPython(forwards, backwards)]
