"""The import rows' fingerprint index becomes a hash index on PostgreSQL.

Fingerprints are 64-character digests, asked only by equality (was this row imported before?);
a B-tree on them cost about a third of inserting a national list's million rows. SQLite keeps
its plain index (lindungi.core.indexes.EqualityIndex).
"""

from django.db import migrations

import lindungi.core.indexes


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0007_pending_rows_in_parts"),
        ("registry", "0010_null_free_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="importrow",
            name="ingest_row_fingerprint_idx",
        ),
        migrations.AddIndex(
            model_name="importrow",
            index=lindungi.core.indexes.EqualityIndex(
                fields=["fingerprint"], name="ingest_row_fingerprint_idx"
            ),
        ),
    ]
