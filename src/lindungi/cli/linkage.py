"""`lindungi linkage train | generate | evaluate`: the record-linkage model (docs/linkage.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from django.conf import settings

from lindungi.cli import emit, main

if TYPE_CHECKING:
    from lindungi.ingest.linkage.model import LinkModel


@main.group()
def linkage() -> None:
    """Pencocokan data pekerja (record linkage): latih, uji, buat data uji."""


@linkage.command("train")
@click.option("--model", "name", default="default", show_default=True)
@click.option("--size", default=50_000, show_default=True, help="File rows to train on.")
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--source",
    type=click.Choice(["generated", "registry"]),
    default="generated",
    show_default=True,
    help="registry: u from this registry's workers; generated: a synthetic registry.",
)
@click.option("--json", "as_json", is_flag=True)
def train_command(name: str, size: int, seed: int, source: str, as_json: bool) -> None:
    """Latih parameter model (u: random sampling, m: EM) dan simpan."""
    from lindungi.ingest.linkage import model, services

    trained = services.linkage_model_train(name=name, size=size, seed=seed, source=source)
    out: dict[str, object] = {"model": name, "path": str(model.model_path(name))}
    out["trained_on"] = trained.trained_on
    out["thresholds"] = {"upper": trained.thresholds.upper, "lower": trained.thresholds.lower}

    def human() -> None:
        click.echo(f"Model '{name}' dilatih (trained) on {trained.trained_on}")
        click.echo(f"  disimpan di {out['path']}")

    emit(out, as_json=as_json, human=human)


@linkage.command("generate")
@click.option("--registry", "registry_size", default=20_000, show_default=True)
@click.option("--file", "file_size", default=10_000, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
def generate_command(
    registry_size: int, file_size: int, seed: int, out_dir: Path | None, as_json: bool
) -> None:
    """Buat registri dan file uji sintetis dengan kebenaran diketahui (CSV)."""
    from lindungi.ingest.linkage import services, synth

    if registry_size < 1 or file_size < 1:
        raise click.BadParameter("--registry and --file must be at least 1")
    data = synth.generate(
        registry_size=registry_size,
        file_size=file_size,
        seed=seed,
        villages=services.village_codes(),
    )
    folder = out_dir or Path(settings.DATA_DIR) / "linkage" / f"synth-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = synth.write_csv(data, folder)
    out: dict[str, object] = {"registry_rows": registry_size, "file_rows": file_size, "seed": seed}
    out |= {k: str(v) for k, v in paths.items()}

    def human() -> None:
        click.echo(f"{registry_size:,} registry people, {file_size:,} file rows (seed {seed})")
        for label, path in paths.items():
            click.echo(f"  {label}: {path}")

    emit(out, as_json=as_json, human=human)


@linkage.command("evaluate")
@click.option("--size", default=50_000, show_default=True, help="File rows.")
@click.option("--registry", "registry_size", type=int, help="Registry people (default 2 x size).")
@click.option("--seed", default=7, show_default=True)
@click.option("--model", "name", default="default", show_default=True)
@click.option("--sweep", is_flag=True, help="Score once, print every threshold pair instead.")
@click.option("--json", "as_json", is_flag=True)
def evaluate_command(
    size: int, registry_size: int | None, seed: int, name: str, sweep: bool, as_json: bool
) -> None:
    """Presisi dan recall penggabungan otomatis, serta porsi ke antrean tinjauan."""
    from lindungi.ingest.linkage import evaluate, model

    if size < 10 or (registry_size is not None and registry_size < size):
        raise click.BadParameter("--size must be at least 10 and --registry at least --size")
    linkage_model = model.load(name)
    if sweep:
        _sweep(size, registry_size, seed, linkage_model, as_json)
        return
    result = evaluate.evaluate(
        size=size, model=linkage_model, seed=seed, registry_size=registry_size
    )

    def human() -> None:
        click.echo(f"{result.rows:,} rows against {result.registry:,} workers, {result.seconds} s")
        click.echo(f"  outcomes: {result.outcomes}")
        click.echo(f"  precision (exact + merge): {result.precision:.5f}  (target >= 0.995)")
        click.echo(f"  recall (exact + merge):    {result.recall:.5f}  (target >= 0.98)")
        click.echo(f"  sent to review:            {result.review_share:.2%}  (target < 3%)")
        click.echo(f"  exact {result.exact_precision:.5f}, merge {result.merge_precision:.5f},")
        click.echo(f"  new really new {result.new_precision:.5f}")
        click.echo("  targets met" if result.meets_targets else "  TARGETS NOT MET")

    emit(result.as_dict(), as_json=as_json, human=human)
    if not result.meets_targets:
        raise SystemExit(1)


SWEEP_UPPERS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
SWEEP_LOWERS = (0.05, 0.1, 0.2, 0.5)


def _sweep(
    size: int, registry_size: int | None, seed: int, linkage_model: LinkModel, as_json: bool
) -> None:
    from lindungi.ingest.linkage import evaluate

    rows = [
        {"upper": u, "lower": lo} | e.as_dict()
        for u, lo, e in evaluate.sweep(
            size=size,
            model=linkage_model,
            uppers=SWEEP_UPPERS,
            lowers=SWEEP_LOWERS,
            seed=seed,
            registry_size=registry_size,
        )
    ]

    def human() -> None:
        click.echo("upper  lower  precision  recall   review  targets")
        for r in rows:
            click.echo(
                f"{r['upper']:<6} {r['lower']:<6} {r['precision']:<10} {r['recall']:<8}"
                f" {r['review_share']:<7.2%} {'met' if r['meets_targets'] else '-'}"
            )

    emit(rows, as_json=as_json, human=human)
