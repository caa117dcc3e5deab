"""Fewer indexes on registry_worker, room for in-page updates on PostgreSQL.

An import updates hundreds of thousands of workers' welfare decile or address; each update that
cannot stay in its page (a HOT update) writes a new entry into every index of the table,
trigram GIN included. Two indexes only repeated others (the village FK index is the first
column of worker_village_idx, the occupation index was there twice; the employer's village
likewise), and a fill factor of 90 leaves each page room to keep the updated row in place.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_factor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_worker SET (fillfactor = 90)")


def fill_factor_reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_worker RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_occupation_code_rule_status"),
        ("registry", "0004_payer_virtual_account"),
    ]

    operations = [
        migrations.RunPython(fill_factor, fill_factor_reverse),
        migrations.RemoveIndex(
            model_name="worker",
            name="worker_occupation_idx",
        ),
        migrations.AlterField(
            model_name="employer",
            name="village",
            field=models.ForeignKey(
                db_column="village_code",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.region",
            ),
        ),
        migrations.AlterField(
            model_name="worker",
            name="village",
            field=models.ForeignKey(
                db_column="village_code",
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.region",
            ),
        ),
    ]
