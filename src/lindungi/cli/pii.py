"""Keys for personal data: `lindungi pii new-key` and `lindungi pii rotate`."""

from __future__ import annotations

import click

from lindungi.cli import emit, main


@main.group(name="pii")
def pii_group() -> None:
    """Encryption keys of NIK and phone numbers (UU 27/2022)."""


@pii_group.command(name="new-key")
def new_key() -> None:
    """Print a fresh random key for LINDUNGI_PII_KEYS or LINDUNGI_BLIND_INDEX_KEY."""
    from lindungi.core import pii

    click.echo(pii.generate_key())


@pii_group.command(name="rotate")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def rotate(batch_size: int, as_json: bool) -> None:
    """Re-encrypt every NIK and phone still under an old key with the first key of the ring.

    Safe to interrupt and to run again: each batch commits on its own and finished rows are
    not selected twice. Drop the old key from LINDUNGI_PII_KEYS once `remaining` is 0.
    """
    from lindungi.core import pii
    from lindungi.registry.services.pii_rotate import pii_rotate, stale_count

    rotated = pii_rotate(actor=None, batch_size=batch_size)
    result = {"key_id": pii.keyring().active_id, "rotated": rotated, "remaining": stale_count()}
    emit(
        result,
        as_json=as_json,
        human=lambda: click.echo(
            f"{rotated} peserta dienkripsi ulang dengan kunci {result['key_id']}; "
            f"sisa {result['remaining']} (re-encrypted; remaining)"
        ),
    )
