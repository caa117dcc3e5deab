"""Benchmark of the worker list import against a row-by-row ORM loop, on SQLite or PostgreSQL.

    /work/venv/bin/python benchmarks/bench_ingest.py                       # SQLite temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
        /work/venv/bin/python benchmarks/bench_ingest.py                   # database h_ingest_bench
    ... bench_ingest.py --rows 1000000 --registry 2000000 --baseline 2000  # the national size

It builds a dedicated database (a SQLite file in a temporary directory, or PostgreSQL database
`h_ingest_bench` on the server of DATABASE_URL, dropped and created), loads the reference data
and a demo registry of --registry workers (registry.demo, set-based; then vacuumed on
PostgreSQL, as autovacuum keeps a live registry), and writes a CSV of
--rows rows as a social affairs office would send it: 60 % people already in the registry (a
fifth of them without NIK), 40 % people not in it, 1 % rows with a bad date or village.

It times the BASELINE first on --baseline rows of the file, then extrapolates to --rows: the
same import row by row through the ORM, one transaction per row: the row checked by the
pipeline's own rules (`validation.check_row`), looked up by NIK blind index and else by name key
and birth date (the duplicate lookup), its worker saved (new, or the known one's decile) and its
provenance row (`ImportRow`) saved. A second, LEAN LOOP (no checks beyond the date, no
provenance row) is printed too, as a floor for what any row-by-row import costs. What either
created is deleted again. Then the
PIPELINE imports the whole file: `import_job_create` (read, check, stage) and
`import_job_execute` (link through lindungi.ingest.linkage, register, update), timed apart,
in a process that has loaded the linkage modules (Splink, DuckDB, PyArrow) beforehand, as the
import worker does once when it starts; the seconds that loading took are printed apart.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import Stopwatch, choose_database, machine, rate, setup_django

FIRST = [
    *("Ahmad", "Budi", "Siti", "Agus", "Rina", "Dewi", "Joko", "Yusuf", "Nur", "Rahmat"),
    *("Fitri", "Hendra", "Wati", "Slamet", "Andi", "Maria", "Yohanes", "Hasan", "Aisyah"),
    *("Rizky", "Putri", "Eko", "Dian", "Tono", "Lestari", "Bayu", "Intan"),
]
LAST = [
    *("Santoso", "Hidayat", "Saputra", "Rahman", "Wijaya", "Lestari", "Setiawan", "Kurniawan"),
    *("Pratama", "Nugroho", "Syahputra", "Halim", "Gunawan", "Susanto", "Hakim", "Ramadhan"),
    *("Maulana", "Firdaus", "Utami", "Anggraini"),
]
HEADER = ["No", "NIK", "Nama Lengkap", "Tanggal Lahir", "Jenis Kelamin", "Kode Desa", "Desil"]


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", type=int, default=50_000, help="rows in the file (default 50,000)")
    p.add_argument("--registry", type=int, default=50_000, help="workers already registered")
    p.add_argument("--baseline", type=int, default=5_000, help="rows the baseline really runs")
    p.add_argument("--batch", type=int, default=50_000, help="pipeline batch size")
    p.add_argument("--sqlite-file", default=None, help="reuse this SQLite file")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    return p.parse_args()


def _registry(n: int) -> float:
    from lindungi.registry.demo.service import demo_generate
    from lindungi.registry.models import Worker

    if Worker.objects.count() >= n:
        return 0.0
    with Stopwatch() as sw:
        demo_generate(workers=n, seed=4242)
    settled()
    return sw.seconds


def settled() -> None:
    """PostgreSQL: the registry vacuumed, as autovacuum keeps a live one. A table fresh from
    COPY has no hint bits or visibility map yet, and whichever run reads it first (the
    pipeline's registry scan, not the baseline's few index probes) would pay for writing them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) registry_worker")


def _known_people(k: int) -> list[tuple[str, str, date, str, str]]:
    """(nik, name, birth date, sex, village) of k registered workers that hold a NIK."""
    from lindungi.core import pii
    from lindungi.registry.models import Worker

    ring = pii.keyring()
    found = (
        Worker.objects.exclude(nik_enc=None)
        .order_by("id")
        .values_list("nik_enc", "full_name", "birth_date", "sex", "village_id")[:k]
    )
    return [(pii.decrypt(n, field="nik", ring=ring), f, b, s, v) for n, f, b, s, v in found]


def _new_person(i: int, villages: list[str]) -> tuple[str, str, date, str, str]:
    born = date(1960, 1, 1) + timedelta(days=(i * 7919) % 16_000)
    sex = "L" if i % 2 else "P"
    village = villages[i % len(villages)]
    day = born.day + (40 if sex == "P" else 0)
    serial = 5000 + i % 4999
    nik = f"{village[:6]}{day:02d}{born:%m%y}{serial:04d}"
    name = f"{FIRST[i % len(FIRST)]} {FIRST[(i // 7) % len(FIRST)]} {LAST[(i // 3) % len(LAST)]}"
    return nik, name, born, sex, village


def write_file(path: Path, rows: int) -> dict[str, int]:
    """The CSV an office would send; returns how many rows of each kind it holds."""
    from lindungi.reference.models import Region, RegionLevel

    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, historic=False, code__startswith="64")
        .order_by("code")
        .values_list("code", flat=True)[:2000]
    )
    known = _known_people(int(rows * 0.6))
    shape = {"known": 0, "known_without_nik": 0, "new": 0, "bad": 0}
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["DAFTAR DTKS (benchmark)"])
        out.writerow([])
        out.writerow(HEADER)
        taken = 0
        for i in range(rows):
            person = None
            if i % 5 < 3 and taken < len(known):
                person, taken = known[taken], taken + 1
            nik, name, born, sex, village = person or _new_person(i, villages)
            shape["known" if person else "new"] += 1
            if person and i % 25 == 0:
                nik, shape["known_without_nik"] = "", shape["known_without_nik"] + 1
            when = born.strftime("%d-%m-%Y")
            if i % 100 == 99:
                when, shape["bad"] = "31-02-1990", shape["bad"] + 1
            out.writerow([i + 1, nik, name, when, sex, village, 1 + i % 10])
    return shape


def baseline(path: Path, count: int) -> tuple[float, int]:
    """Row by row through the ORM; returns seconds and rows done; created workers deleted."""
    from django.db import transaction
    from django.utils import timezone

    from lindungi.core import pii
    from lindungi.ingest.rules import CellProblem, parse_date
    from lindungi.registry.models import Worker
    from lindungi.registry.rules import name_search_key

    created: list[int] = []
    today = timezone.localdate()
    with path.open(encoding="utf-8") as f:
        lines = list(csv.reader(io.StringIO(f.read()), delimiter=";"))[3 : 3 + count]
    started = time.perf_counter()
    for _no, nik, name, when, sex, village, decile in lines:
        try:
            born = parse_date(when, today=today)
        except CellProblem:
            continue
        key = name_search_key(name)
        with transaction.atomic():
            index = pii.blind_index(nik, field="nik") if nik else None
            found = Worker.objects.filter(nik_index=index).first() if index else None
            found = found or Worker.objects.filter(name_search=key, birth_date=born).first()
            if found is not None:
                found.welfare_decile, found.updated_at = int(decile), timezone.now()
                found.save(update_fields=["welfare_decile", "updated_at"])
                continue
            worker = Worker(
                full_name=name,
                name_search=key,
                birth_date=born,
                sex=sex,
                village_id=village,
                welfare_decile=int(decile),
                source="dtks",
                nik_index=index,
                nik_enc=pii.encrypt(nik, field="nik") if nik else None,
            )
            worker.save()
            created.append(worker.pk)
    seconds = time.perf_counter() - started
    for start in range(0, len(created), 2000):
        Worker.objects.filter(pk__in=created[start : start + 2000]).delete()
    return seconds, len(lines)


def baseline_same_work(path: Path, count: int) -> tuple[float, int]:
    """The same import row by row: each row checked by the pipeline's own rules, looked up by
    NIK blind index and else by name key and birth date, its worker saved and its provenance
    row saved, in one transaction per row. Returns seconds and rows done; everything removed."""
    from django.db import transaction

    from lindungi.core import pii
    from lindungi.ingest import rules, staging
    from lindungi.ingest.models import ImportJob, ImportRow
    from lindungi.ingest.services.upload import known_for
    from lindungi.ingest.validation import _Row, check_row
    from lindungi.registry.models import Worker

    with path.open(encoding="utf-8") as f:
        lines = list(csv.reader(io.StringIO(f.read()), delimiter=";"))[3 : 3 + count]
    columns = rules.column_index(HEADER, rules.auto_mapping(HEADER))
    known = known_for({line[5] for line in lines}, None)
    job = ImportJob.objects.create(kind="dtks", file_name=path.name, sha256="0" * 64)
    created: list[int] = []
    started = time.perf_counter()
    for number, cells in enumerate(lines, start=4):
        with transaction.atomic():
            c = check_row(_Row(number, list(cells), columns, HEADER), known)
            data = staging.as_json(c.data)
            index = pii.blind_index(c.nik, field="nik") if c.nik else None
            row = ImportRow(job=job, line=number, data=c.data, nik_index=index, errors=c.problems)
            row.fingerprint = rules.fingerprint_text("dtks", data, index or "", "")
            if not c.ok:
                row.status = "invalid"
                row.save()
                continue
            found = Worker.objects.filter(nik_index=index).first() if index else None
            found = found or (
                Worker.objects.filter(
                    name_search=c.data["name_search"], birth_date=c.data["birth_date"]
                ).first()
            )
            if found is None:
                found = Worker(
                    full_name=c.data["full_name"],
                    name_search=c.data["name_search"],
                    birth_date=c.data["birth_date"],
                    sex=c.data["sex"],
                    village_id=c.data["village_code"],
                    source="dtks",
                    nik_index=index,
                    nik_enc=pii.encrypt(c.nik, field="nik") if c.nik else None,
                )
                created.append(0)
            found.welfare_decile = c.data["welfare_decile"]
            found.save()
            if created and created[-1] == 0:
                created[-1] = found.pk
            row.status, row.worker, row.outcome = "valid", found, "exact"
            row.nik_enc = pii.encrypt(c.nik, field="nik") if c.nik else None
            row.save()
    seconds = time.perf_counter() - started
    ImportRow.objects.filter(job=job).delete()
    job.delete()
    for start in range(0, len(created), 2000):
        Worker.objects.filter(pk__in=created[start : start + 2000]).delete()
    return seconds, len(lines)


def pipeline(path: Path, batch: int) -> dict[str, Any]:
    from lindungi.ingest import linker
    from lindungi.ingest.services import import_job_create, import_job_execute

    with Stopwatch() as warmed:  # as `lindungi import-worker` does once when it starts
        linker.warm()
    data = path.read_bytes()
    with Stopwatch() as staged:
        job = import_job_create(data=data, file_name=path.name, kind="dtks", actor=None)
    staged_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with Stopwatch() as linked:
        job = import_job_execute(job_id=job.pk, batch_size=batch)
    from lindungi.core.models import AuditEvent

    events = AuditEvent.objects.filter(action="ingest.batch", object_id=str(job.pk))
    in_linkage = sum(float((e.after or {}).get("link_seconds", 0)) for e in events)
    return {
        "linkage": linker.backend_name(),
        "warm_seconds": round(warmed.seconds, 2),
        "of_which_linkage_seconds": round(in_linkage, 2),
        "stage_seconds": round(staged.seconds, 2),
        "link_merge_seconds": round(linked.seconds, 2),
        "seconds": round(staged.seconds + linked.seconds, 2),
        "peak_memory_mb_after_stage": round(staged_peak_mb),
        "counts": {
            "read": job.rows_read,
            "valid": job.rows_valid,
            "invalid": job.rows_invalid,
            "new": job.rows_new,
            "linked": job.rows_linked,
            "review": job.rows_review,
            "duplicate_in_file": job.rows_duplicate,
            "updated": job.rows_updated,
        },
    }


def main() -> None:
    args = _args()
    os.environ.setdefault("LINDUNGI_INGEST_MAX_MB", "1024")
    label = choose_database(
        "h_ingest_bench", fresh=not args.sqlite_file, sqlite_file=args.sqlite_file
    )
    print(f"{label}; {machine()}", file=sys.stderr)
    setup_django()
    seeded = _registry(args.registry)
    print(f"registry of {args.registry:,} workers loaded in {seeded:.1f} s", file=sys.stderr)
    path = Path(os.environ["DATABASE_URL"].split("///")[-1]).parent / "bench_ingest.csv"
    if not path.parent.is_dir():
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="lindungi-bench-")) / "bench_ingest.csv"
    shape = write_file(path, args.rows)
    print(f"file {path} ({path.stat().st_size / 1e6:.1f} MB): {shape}", file=sys.stderr)
    base_seconds, base_rows = baseline_same_work(path, min(args.baseline, args.rows))
    per_file = base_seconds * args.rows / max(base_rows, 1)
    print(f"baseline: {base_rows:,} rows in {base_seconds:.1f} s", file=sys.stderr)
    lean_seconds, lean_rows = baseline(path, min(args.baseline, args.rows))
    lean_per_file = lean_seconds * args.rows / max(lean_rows, 1)
    print(f"lean loop: {lean_rows:,} rows in {lean_seconds:.1f} s", file=sys.stderr)
    result = pipeline(path, args.batch)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "database": label.split()[0],
        "rows": args.rows,
        "registry": args.registry,
        "pipeline": result,
        "pipeline_rate": rate(args.rows, result["seconds"]),
        "baseline_rows_run": base_rows,
        "baseline_seconds_run": round(base_seconds, 2),
        "baseline_seconds_extrapolated": round(per_file, 1),
        "baseline_rate": rate(base_rows, base_seconds),
        "ratio": round(per_file / result["seconds"], 1) if result["seconds"] else None,
        "lean_loop_seconds_extrapolated": round(lean_per_file, 1),
        "lean_loop_ratio": round(lean_per_file / result["seconds"], 1),
        "peak_memory_mb": round(peak_mb),
        # the forked check-and-seal workers: the largest one's peak (RSS counts pages it shares
        # copy-on-write with this process, so parent + workers overstates the machine's use)
        "peak_memory_mb_largest_worker": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"pipeline: {args.rows:,} rows in {result['seconds']:.1f} s ({figures['pipeline_rate']};"
        f" stage {result['stage_seconds']:.1f} s + link/merge {result['link_merge_seconds']:.1f} s"
        f" of which {result['of_which_linkage_seconds']:.1f} s in linkage.link,"
        f" linkage: {result['linkage']}; modules loaded beforehand in {result['warm_seconds']} s)"
    )
    print(f"          {result['counts']}")
    print(
        f"baseline: {base_rows:,} rows in {base_seconds:.1f} s ({figures['baseline_rate']}),"
        f" {per_file:.1f} s extrapolated to {args.rows:,} rows"
    )
    print(
        f"lean loop (no checks, no provenance row): {lean_rows:,} rows in {lean_seconds:.1f} s,"
        f" {lean_per_file:.1f} s extrapolated, ratio {figures['lean_loop_ratio']}x"
    )
    print(
        f"ratio:    {figures['ratio']}x (target >= 30x); peak memory {peak_mb:,.0f} MB"
        f" ({result['peak_memory_mb_after_stage']:,} MB by the end of the stage; largest"
        f" check-and-seal worker {figures['peak_memory_mb_largest_worker']:,} MB)"
    )


if __name__ == "__main__":
    main()
