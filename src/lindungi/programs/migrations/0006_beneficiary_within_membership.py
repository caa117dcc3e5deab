"""A beneficiary lies inside its own BPU membership (programs/dbrules.py), replacing the
beneficiary overlap rule of 0002: the registry's membership rule already implies it."""

from django.db import migrations

from lindungi.programs.dbrules import POSTGRES, POSTGRES_REVERSE, programme_triggers

OLD_SQLITE = ["programs_beneficiary_no_overlap_ins", "programs_beneficiary_no_overlap_upd"]
OLD_POSTGRES = """ALTER TABLE programs_beneficiary ADD CONSTRAINT beneficiary_no_overlap
    EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE programs_beneficiary DROP CONSTRAINT IF EXISTS beneficiary_no_overlap"
        )
        statements = POSTGRES
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in OLD_SQLITE]
        statements += [t.sql for t in programme_triggers()]
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in [*POSTGRES_REVERSE, OLD_POSTGRES]:
            schema_editor.execute(sql)
        return
    for trigger in programme_triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_selection_waiting_list")]
    operations = [migrations.RunPython(forwards, backwards)]
