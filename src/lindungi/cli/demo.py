"""`lindungi generate` and `lindungi demo`: synthetic data, demo logins, and a running server."""

from __future__ import annotations

import os
import time
from datetime import date

import click
from django.core.management import call_command
from django.utils import timezone

from lindungi.analytics.facts import default_months, facts_rebuild, facts_refresh
from lindungi.analytics.models import CoverageFact
from lindungi.cli import emit, main
from lindungi.cli.system import serve
from lindungi.compliance.demo import demo_compliance
from lindungi.contributions.demo import demo_money
from lindungi.donations.demo import demo_donations
from lindungi.programs.demo import demo_programmes
from lindungi.reference.services import reference_load
from lindungi.registry.demo.service import (
    GenerateResult,
    any_generation,
    demo_generate,
    demo_logins_ensure,
    first_demo_employer,
)

# Documented in README/docs: demo logins only, never for real data. Override with the env var.
DEMO_PASSWORD = "lindungi-demo"  # noqa: S105
DEMO_SEED = 1


def _stage(message: str) -> None:
    click.echo(f"  {message}", err=True)


def _show(result: GenerateResult) -> None:
    if result.already_loaded:
        click.echo(
            f"Data demo seed {result.seed} sudah dimuat ({result.workers:,} pekerja)"
            f" (already loaded; nothing added)"
        )
        return
    c = result.counts
    click.echo(
        f"Dimuat (loaded): {c['workers']:,} pekerja, {c['employers']:,} pemberi kerja,"
        f" {c['payers']:,} pembayar, {c['memberships']:,} kepesertaan"
        f" ({c['active_pu']:,} PU + {c['active_bpu']:,} BPU aktif, {c['ended']:,} berakhir)"
    )
    click.echo(f"Selesai dalam {result.seconds:.1f} detik (seconds)")


@main.command()
@click.option("--workers", default=20_000, show_default=True, type=int, help="Jumlah pekerja.")
@click.option("--seed", default=DEMO_SEED, show_default=True, type=int, help="Benih acak (seed).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def generate(workers: int, seed: int, as_json: bool) -> None:
    """Buat data demo sintetis Kalimantan; seed yang sama tidak dimuat dua kali."""
    result = demo_generate(workers=workers, seed=seed, actor=None, progress=_stage)
    emit(result.as_dict(), as_json=as_json, human=lambda: _show(result))


def _money() -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    months = [_months_before(this_month, n) for n in (2, 1, 0)]
    money = demo_money(months=months, seed=DEMO_SEED, today=today)
    click.echo(
        f"Iuran (contributions): {money.runs} penagihan baru, {money.invoices:,} tagihan,"
        f" {money.payments_created:,} pembayaran baru, {money.unmatched} belum dikenali,"
        f" denda Rp{money.fines:,}"
    )


def _months_before(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


@main.command()
@click.option("--workers", default=20_000, show_default=True, type=int, help="Jumlah pekerja.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--no-serve", is_flag=True, help="Siapkan saja, jangan jalankan server.")
@click.pass_context
def demo(ctx: click.Context, workers: int, port: int, host: str, no_serve: bool) -> None:
    """Siapkan demo lengkap (migrate, data acuan, data demo, login) lalu jalankan server."""
    started = time.perf_counter()
    _stage("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    _stage("reference data")
    reference_load(actor=None)
    if any_generation():
        _stage("demo data already present")
    else:
        _show(demo_generate(workers=workers, seed=DEMO_SEED, actor=None, progress=_stage))
    _stage("billing runs, a bank statement and fines")
    _money()
    password = os.environ.get("LINDUNGI_DEMO_PASSWORD", DEMO_PASSWORD)
    logins = demo_logins_ensure(password=password, employer_id=first_demo_employer())
    _stage("sponsors and a regency programme")
    demo_programmes(start=_months_before(timezone.localdate().replace(day=1), -1))
    demo_donations(start=_months_before(timezone.localdate().replace(day=1), -1))
    _stage("manpower reports, the cross-check and a first case")
    demo_compliance(month=_months_before(timezone.localdate().replace(day=1), 1), seed=DEMO_SEED)
    _stage("coverage facts for the dashboards")
    if CoverageFact.objects.exists():
        facts_refresh()
    else:
        facts_rebuild(months=default_months(count=12))
    click.echo(f"\n{'username':<18} {'password':<16} {'role':<20} scope")
    for persona, created in logins:
        shown = password if created else "(unchanged)"
        scope = persona.region_scope or "nasional"
        if persona.organisation_kind:
            scope += f" + {persona.organisation_kind} #{persona.organisation_id}"
        click.echo(f"{persona.username:<18} {shown:<16} {persona.role:<20} {scope}")
    click.echo(f"\nDemo siap dalam {time.perf_counter() - started:.1f} detik (ready)")
    if not no_serve:
        ctx.invoke(serve, host=host, port=port, threads=8)
