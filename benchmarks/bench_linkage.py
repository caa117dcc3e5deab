"""Record linkage of an import file against the registry: link() vs a per-row ORM baseline.

    python benchmarks/bench_linkage.py --workers 200000 --rows 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_linkage.py

A generated registry of --workers people (ingest.linkage.synth: Indonesian names, real village
codes of Kalimantan, NIKs; nik_index holds a stand-in index, no keyring needed) is loaded into
the benchmark database (PostgreSQL `bench_linkage`, or the --sqlite-file, reused when it holds
exactly that registry). A file of --rows rows with known truth (typos, swapped names, titles,
20 % missing NIK, 5 % wrong NIK digit, day/month swaps, moved villages, 25 % new people, 2 %
repeats) is then linked:

  link      lindungi.ingest.linkage.link() with the default model: set-based reads (temporary
            key tables + joins), Splink on DuckDB in process; precision/recall vs the truth.
  baseline  per row through the ORM: a NIK lookup, else the workers with the same birth date or
            the same name key, matched when name key and birth date are equal. It runs on
            --baseline-rows rows and is extrapolated linearly to --rows (labelled as such).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import _common

LOAD_BATCH = 5_000


def _load_registry(workers: int, rows: int, seed: int) -> tuple[Any, float]:
    from django.db import transaction

    from lindungi.ingest.linkage import synth
    from lindungi.reference.models import Region
    from lindungi.registry.models import Worker

    villages = list(
        Region.objects.filter(level=4, historic=False, code__startswith="6")
        .order_by("code")
        .values_list("code", flat=True)
    )
    data = synth.generate(registry_size=workers, file_size=rows, seed=seed, villages=villages)
    present = Worker.objects.count()
    if present == workers:
        return data, 0.0
    if present:
        raise SystemExit(f"the benchmark database holds {present} workers; use --fresh")
    started = time.perf_counter()
    table = data.registry.to_pylist()
    with transaction.atomic():
        for start in range(0, len(table), LOAD_BATCH):
            Worker.objects.bulk_create(
                [
                    Worker(
                        id=r["id"],
                        nik_index=r["nik_index"],
                        full_name=r["full_name"],
                        name_search=r["name_search"],
                        birth_date=r["birth_date"],
                        sex=r["sex"],
                        village_id=r["village_code"],
                        source="demo",
                    )
                    for r in table[start : start + LOAD_BATCH]
                ]
            )
    return data, time.perf_counter() - started


def _baseline(inputs: list[Any]) -> list[tuple[str, int | None]]:
    from django.db.models import Q

    from lindungi.ingest.linkage.names import normalise
    from lindungi.registry.models import Worker

    out: list[tuple[str, int | None]] = []
    for row in inputs:
        if row.nik_index:
            hit = Worker.objects.filter(nik_index=row.nik_index).values_list("id", flat=True)
            if found := hit.first():
                out.append(("exact", found))
                continue
        key = normalise(row.full_name).given
        candidates = Worker.objects.filter(Q(birth_date=row.birth_date) | Q(name_search=key))
        match = [
            w.pk for w in candidates if w.name_search == key and w.birth_date == row.birth_date
        ]
        out.append(("merge", match[0]) if len(match) == 1 else ("new", None))
    return out


def _accuracy(
    resolved: list[tuple[str, int | None]], truth: list[int], known: int
) -> dict[str, float]:
    auto = [(w, t) for (o, w), t in zip(resolved, truth, strict=True) if o in ("exact", "merge")]
    correct = sum(w == t for w, t in auto)
    return {
        "precision": round(correct / len(auto), 5) if auto else 1.0,
        "recall": round(correct / max(sum(t <= known for t in truth), 1), 5),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    label = _common.choose_database("bench_linkage", fresh=args.fresh, sqlite_file=args.sqlite_file)
    _common.setup_django()
    from django.db import connection

    from lindungi.ingest.linkage import evaluate, link, model

    data, load_seconds = _load_registry(args.workers, args.rows, args.seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    with _common.Stopwatch() as sw:
        results = link(data.inputs, model_name=args.model)
    cpu = time.process_time() - cpu  # all threads of this process (DuckDB's too)
    scored = evaluate.score(results, data.truth, args.workers, sw.seconds)
    n = min(args.baseline_rows, args.rows)
    with _common.Stopwatch() as base:
        baseline = _baseline(data.inputs[:n])
    extrapolated = base.seconds / n * args.rows
    return {
        "database": f"{connection.vendor}: {label}",
        "machine": _common.machine(),
        "model": f"{args.model}: {model.load(args.model).trained_on}",
        "workers": args.workers,
        "rows": args.rows,
        "registry_load_seconds": round(load_seconds, 1),
        "link_seconds": round(sw.seconds, 2),
        "link_rate": _common.rate(args.rows, sw.seconds),
        "link_cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_mb_before_link": round(rss_before / 1024),
        "outcomes": scored.outcomes,
        "precision": scored.precision,
        "recall": scored.recall,
        "review_share": scored.review_share,
        "baseline_rows_run": n,
        "baseline_seconds_run": round(base.seconds, 2),
        "baseline_seconds_extrapolated": round(extrapolated, 1),
        "baseline_rate": _common.rate(n, base.seconds),
        "baseline_accuracy": _accuracy(baseline, data.truth[:n], args.workers),
        "ratio": round(extrapolated / sw.seconds, 1) if sw.seconds else None,
    }


def _print(r: dict[str, Any]) -> None:
    print(f"{r['database']}; {r['machine']}")
    print(f"model {r['model']}")
    print(
        f"registry {r['workers']:,} workers (loaded in {r['registry_load_seconds']} s),"
        f" file {r['rows']:,} rows"
    )
    print(
        f"link()    {r['link_seconds']:>9} s  {r['link_rate']} ({r['link_cpu_seconds']} s CPU),"
        f" peak RSS {r['peak_rss_mb']} MB"
    )
    print(f"          outcomes {r['outcomes']}")
    print(
        f"          precision {r['precision']}, recall {r['recall']},"
        f" review {r['review_share']:.2%}"
    )
    print(
        f"baseline  {r['baseline_seconds_extrapolated']:>9} s  {r['baseline_rate']} (ran"
        f" {r['baseline_rows_run']:,} rows in {r['baseline_seconds_run']} s, extrapolated)"
    )
    print(f"          precision/recall on those rows {r['baseline_accuracy']}")
    print(f"ratio     {r['ratio']}x")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", default="default", help="linkage model name")
    parser.add_argument("--sqlite-file", help="reuse/keep the SQLite database at this path")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args)
    _print(results)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
