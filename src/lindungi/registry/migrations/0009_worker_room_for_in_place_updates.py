"""registry_worker pages keep 30 % free on PostgreSQL (was 10 %).

A DTKS list updates the welfare decile of most of a region's workers at once. Neither the
decile nor `updated_at` is indexed, so PostgreSQL can update such a row in place (a HOT update,
no index entry written) when its page has room for the new version; with 10 % free a page held
about three new versions, so most of a large list's updates wrote all eight indexes. New pages
take the setting at once; existing pages as they are rewritten (VACUUM FULL, CLUSTER).
"""

from django.db import migrations


def fill_factor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_worker SET (fillfactor = 70)")


def fill_factor_reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_worker SET (fillfactor = 90)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_membership_indexes_without_twins")]

    operations = [migrations.RunPython(fill_factor, fill_factor_reverse)]
