"""The occupation and merged-into indexes hold only workers that have one.

Most workers have no occupation (a DTKS list carries none) and almost none is merged, yet a
full index writes an entry for every NULL: on every insert, and on every update that cannot
stay in its page (a national list's decile updates). Queries by either column ask for a value,
which a partial index WHERE ... IS NOT NULL answers the same way.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_occupation_code_rule_status"),
        ("registry", "0009_worker_room_for_in_place_updates"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="worker",
            name="worker_occupation_idx",
        ),
        migrations.AlterField(
            model_name="worker",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_from",
                to="registry.worker",
            ),
        ),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                condition=models.Q(("occupation__isnull", False)),
                fields=["occupation"],
                name="worker_occupation_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="worker",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="worker_merged_into_idx",
            ),
        ),
    ]
