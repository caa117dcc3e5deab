"""Generate and load N demo workers through registry/bulk.py, against the ORM baseline.

    python benchmarks/bench_generate_load.py --workers 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python benchmarks/bench_generate_load.py

Each part runs in its own process and its own fresh database (see _common.py):
  bulk      registry.demo.service.demo_generate: generator + bulk_load (COPY / executemany)
  baseline  the same generator, then Model.objects.bulk_create(batch_size=2000) one batch at
            a time with per-row pii.encrypt / pii.blind_index, in one transaction, with every
            index, trigger and constraint in place. It runs on --baseline-workers (default
            100,000) and is extrapolated linearly to --workers, labelled as such.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import _common

BATCH = 2_000


def _part_bulk(workers: int, seed: int) -> dict[str, Any]:
    from lindungi.registry.demo.service import demo_generate

    with _common.Stopwatch() as sw:
        result = demo_generate(
            workers=workers, seed=seed, progress=lambda s: print(s, file=sys.stderr)
        )
    return {"seconds": sw.seconds, "counts": result.counts, "stages": result.stages}


def _aware(values: Any) -> list[datetime]:
    return [v.replace(tzinfo=UTC) for v in values.astype("datetime64[us]").astype(object).tolist()]


def _orm_workers(t: Any) -> list[int]:
    from lindungi.core import pii
    from lindungi.registry.models import Source, Worker

    ring = pii.keyring()
    ids: list[int] = []
    born = t["birth_date"].astype(object).tolist()
    stamps = _aware(t["registered_at"])
    text = {k: t[k].tolist() for k in ("nik", "full_name", "name_search", "birth_place", "sex")}
    text |= {k: t[k].tolist() for k in ("village_id", "address_line", "phone", "occupation_id")}
    decile, role = t["welfare_decile"].tolist(), t["village_role"].tolist()
    for start in range(0, len(t), BATCH):
        batch = [
            Worker(
                nik_index=pii.blind_index(text["nik"][i], field="nik", ring=ring),
                nik_enc=pii.encrypt(text["nik"][i], field="nik", ring=ring),
                phone_enc=pii.encrypt(p, field="phone", ring=ring)
                if (p := text["phone"][i])
                else None,
                full_name=text["full_name"][i],
                name_search=text["name_search"][i],
                birth_place=text["birth_place"][i],
                birth_date=born[i],
                sex=text["sex"][i],
                village_id=text["village_id"][i],
                address_line=text["address_line"][i],
                occupation_id=text["occupation_id"][i],
                welfare_decile=decile[i] or None,
                village_role=role[i],
                source=Source.DEMO,
                registered_at=stamps[i],
                updated_at=stamps[i],
            )
            for i in range(start, min(start + BATCH, len(t)))
        ]
        ids.extend(w.pk for w in Worker.objects.bulk_create(batch, batch_size=BATCH))
    return ids


def _orm_simple(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = [model(**row) for row in rows[start : start + BATCH]]
        ids.extend(o.pk for o in model.objects.bulk_create(batch, batch_size=BATCH))
    return ids


def _columns(t: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    values = {n: t[n].tolist() for n in names}
    return [dict(zip(names, row, strict=True)) for row in zip(*values.values(), strict=True)]


def _part_baseline(workers: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from lindungi.core import audit
    from lindungi.registry.demo import context_from_db, generate
    from lindungi.registry.models import Employer, Membership, Payer

    with _common.Stopwatch() as sw:
        data = generate(workers=workers, seed=seed, ctx=context_from_db())
        with transaction.atomic():
            worker_ids = _orm_workers(data.workers)
            e = data.employers
            rows = _columns(e, ("npp", "nib", "name", "kbli", "size_class", "jkk_risk_group"))
            more = _columns(e, ("village_id", "address_line", "contact_name", "contact_phone"))
            stamps = _aware(e["registered_at"])
            for row, extra, stamp, mail in zip(
                rows, more, stamps, e["contact_email"].tolist(), strict=True
            ):
                row.update(extra, contact_email=mail, registered_at=stamp, updated_at=stamp)
            employer_ids = _orm_simple(Employer, rows)
            p = data.payers
            payer_rows = [
                {
                    "kind": kind,
                    "employer_id": employer_ids[emp] if emp >= 0 else None,
                    "worker_id": worker_ids[wrk] if wrk >= 0 else None,
                    "label": str(label)[:200],
                    "created_at": stamp,
                }
                for kind, emp, wrk, label, stamp in zip(
                    p["kind"].tolist(),
                    p["employer"].tolist(),
                    p["worker"].tolist(),
                    p["label"].tolist(),
                    _aware(p["created_at"]),
                    strict=True,
                )
            ]
            payer_ids = _orm_simple(Payer, payer_rows)
            m = data.memberships
            rows = _columns(
                m,
                ("segment", "jkk", "jkm", "jht", "jp", "jkp", "declared_wage", "end_reason", "kpj"),
            )
            starts = m["start"].astype(object).tolist()
            ends = m["end"].astype(object).tolist()
            created = _aware(m["created_at"])
            for i, row in enumerate(rows):
                row.update(
                    worker_id=worker_ids[int(m["worker"][i])],
                    payer_id=payer_ids[int(m["payer"][i])],
                    start=starts[i],
                    end=ends[i],
                    created_at=created[i],
                )
            _orm_simple(Membership, rows)
            audit.record(actor=None, action="registry.generate_orm", after={"seed": seed})
    counts = {"workers": len(data.workers), "employers": len(data.employers)}
    counts |= {"payers": len(data.payers), "memberships": len(data.memberships)}
    return {"seconds": sw.seconds, "counts": counts}


def _run_part(part: str, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--workers", str(workers)]
    command += ["--seed", str(args.seed)]
    if args.sqlite_dir:
        command += ["--sqlite-file", os.path.join(args.sqlite_dir, f"{part}.sqlite3")]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(done.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _total(counts: dict[str, int]) -> int:
    return sum(counts[k] for k in ("workers", "employers", "payers", "memberships"))


def _report(args: argparse.Namespace, bulk: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    scale = args.workers / args.baseline_workers
    rows_bulk, rows_base = _total(bulk["counts"]), _total(base["counts"])
    base_full = base["seconds"] * scale
    summary = {
        "database": bulk["database"],
        "machine": _common.machine(),
        "workers": args.workers,
        "bulk": {
            "seconds": round(bulk["seconds"], 1),
            "rows": rows_bulk,
            "rows_per_s": round(rows_bulk / bulk["seconds"]),
            "stages": bulk["stages"],
            "workers_per_s": round(args.workers / bulk["seconds"]),
        },
        "baseline": {
            "workers": args.baseline_workers,
            "seconds": round(base["seconds"], 1),
            "rows": rows_base,
            "rows_per_s": round(rows_base / base["seconds"]),
            "extrapolated_seconds_for_workers": round(base_full, 1),
        },
        "speedup": round(base_full / bulk["seconds"], 1),
    }
    print(f"generate + load, {summary['database']}; {summary['machine']}")
    print(
        f"  bulk.py   {args.workers:>9,} workers  {rows_bulk:>10,} rows  {bulk['seconds']:7.1f} s"
        f"  {_common.rate(rows_bulk, bulk['seconds'])}  (stages {bulk['stages']})"
    )
    print(
        f"  ORM base  {args.baseline_workers:>9,} workers  {rows_base:>10,} rows"
        f"  {base['seconds']:7.1f} s"
        f"  {_common.rate(rows_base, base['seconds'])}"
    )
    print(f"  ORM base  {args.workers:>9,} workers  extrapolated linearly: {base_full:7.1f} s")
    print(f"  speed-up  {summary['speedup']}x (bulk.py vs ORM baseline, same generator)")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--baseline-workers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite-dir", help="keep the SQLite files here (default: temp dirs)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    parser.add_argument("--part", choices=("bulk", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--sqlite-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        name = "bench" if args.part == "bulk" else "bench_orm"
        label = _common.choose_database(name, fresh=True, sqlite_file=args.sqlite_file)
        _common.setup_django()
        run = _part_bulk if args.part == "bulk" else _part_baseline
        print(json.dumps(run(args.workers, args.seed) | {"database": label}))
        return
    bulk = _run_part("bulk", args.workers, args)
    base = _run_part("baseline", args.baseline_workers, args)
    summary = _report(args, bulk, base)
    if args.json:
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
