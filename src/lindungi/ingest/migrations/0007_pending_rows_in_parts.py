"""A queued job's valid rows wait in parts (ingest.parts) and are written once, with their
outcomes, when merged; rows the earlier code staged and did not merge yet move there."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from lindungi.ingest.parts import body_of, rows_of
from lindungi.ingest.staging import as_json

PART_ROWS = 10_000


def _pack_pending_rows(apps: Any, schema_editor: Any) -> None:
    """Valid rows staged by the earlier code and not merged yet move into their job's parts,
    where the new code looks for them (nothing of a queued or failed job is lost)."""
    ImportRow = apps.get_model("ingest", "ImportRow")
    StagedPart = apps.get_model("ingest", "StagedPart")
    jobs = ImportRow.objects.filter(status="valid", outcome="").values_list("job_id", flat=True)
    for job_id in sorted(set(jobs)):
        rows = ImportRow.objects.filter(job_id=job_id, status="valid", outcome="").order_by("line")
        values = [
            (r.line, "valid", as_json(r.data), r.nik_index, r.nik_enc, r.nik_valid,
             r.fingerprint, as_json(r.errors), "", False, r.phone_enc)
            for r in rows
        ]  # fmt: skip
        for seq, start in enumerate(range(0, len(values), PART_ROWS)):
            chunk = values[start : start + PART_ROWS]
            StagedPart.objects.create(
                job_id=job_id, seq=seq, first_line=chunk[0][0], last_line=chunk[-1][0],
                rows=len(chunk), body=body_of(chunk),
            )  # fmt: skip
        rows.delete()


def _unpack_parts(apps: Any, schema_editor: Any) -> None:
    """Back to the earlier code: pending rows staged again, without outcome."""
    ImportRow = apps.get_model("ingest", "ImportRow")
    StagedPart = apps.get_model("ingest", "StagedPart")
    for part in StagedPart.objects.order_by("job_id", "seq"):
        ImportRow.objects.bulk_create(
            ImportRow(
                job_id=part.job_id,
                line=r.line,
                status="valid",
                data=r.data,
                nik_index=r.nik_index,
                nik_enc=r.nik_enc,
                nik_valid=r.nik_valid,
                fingerprint=r.fingerprint,
                errors=r.errors,
                phone_enc=r.phone_enc,
            )  # fmt: skip
            for r in rows_of(part.body)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0006_row_worker_index_only_with_worker"),
    ]

    operations = [
        migrations.CreateModel(
            name="StagedPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.IntegerField()),
                ("first_line", models.IntegerField()),
                ("last_line", models.IntegerField()),
                ("rows", models.IntegerField()),
                ("body", models.BinaryField()),
                (
                    "job",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ingest.importjob",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("job", "seq"), name="ingest_part_job_seq"),
                    models.CheckConstraint(
                        condition=models.Q(("rows__gt", 0)), name="ingest_part_not_empty"
                    ),
                ],
            },
        ),
        migrations.RunPython(_pack_pending_rows, _unpack_parts),
    ]
