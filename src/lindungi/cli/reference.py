"""`lindungi load-reference`: load the vendored regions, occupations and rule tables."""

from __future__ import annotations

import click

from lindungi.cli import emit, main
from lindungi.reference.services import reference_load


@main.command("load-reference")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def load_reference(as_json: bool) -> None:
    """Muat wilayah, pekerjaan dan tabel aturan; aman diulang (safe to rerun)."""
    result = reference_load(actor=None)
    data = result.as_dict()

    def human() -> None:
        click.echo(
            f"Wilayah: {result.provinces} provinsi, {result.regencies} kabupaten/kota,"
            f" {result.districts} kecamatan, {result.villages} desa/kelurahan,"
            f" {result.historic} kode lama (historic)"
        )
        click.echo(
            f"  ditambah {result.regions_added}, diperbarui {result.regions_updated}"
            f" (added, updated)"
        )
        click.echo(f"Pekerjaan: {result.occupations} (ditambah {result.occupations_added})")
        click.echo(
            f"Baris aturan: {result.rules} di berkas, ditambah {result.rules_added},"
            f" dilewati {result.rules_skipped} (rule rows: in file, added, skipped)"
        )
        click.echo(f"Selesai dalam {result.elapsed_seconds:.2f} detik (seconds)")

    emit(data, as_json=as_json, human=human)
