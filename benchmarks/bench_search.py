"""Search latency with N demo workers loaded: NIK (blind index) and fuzzy name search.

    python benchmarks/bench_search.py --workers 1000000 --sqlite-file /tmp/bench1m.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python benchmarks/bench_search.py

The data are loaded once (demo_generate, seed 1) into the benchmark database and reused by
later runs (PostgreSQL database `bench`, or the --sqlite-file). Queries go through
registry.selectors.worker_search as an administrator (national) and as a branch officer of
Kutai Kartanegara (scope 6402). Baselines, in the same run over the same rows:
  names  a naive `full_name__icontains` scan, same scope, same newest-first page;
  NIK    no blind index: read and decrypt every nik_enc until the NIK matches (few queries).
Targets: NIK p95 < 20 ms, fuzzy name p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import _common

VARIANTS: list[tuple[str, str]] = [
    (r"\bMuhammad\b", "Muhamad"),
    (r"\bMuhamad\b", "Muhammad"),
    (r"\bM\. ", "Muhammad "),
    (r"y", "i"),
    (r"\bSy", "S"),
    (r"\bNoor\b", "Nur"),
    (r"\bNur\b", "Noor"),
    (r"kh", "h"),
    (r"ah\b", "a"),
]
FIXED = ["Muhamad Rizky", "Siti Nurhayati", "Andi Baso", "Tjhai Chui Mie", "Yohanes Ingan"]


def _actors() -> dict[str, Any]:
    from lindungi.accounts.models import User
    from lindungi.core.access import Role

    return {
        "admin": User(username="bench_admin", role=Role.ADMIN, is_active=True),
        "branch_6402": User(
            username="bench_kukar", role=Role.BRANCH_OFFICER, region_scope="6402", is_active=True
        ),
    }


def _sample(rng: random.Random, prefix: str, k: int) -> list[tuple[int, str, str]]:
    """k random workers (id, NIK, full name) under a region prefix."""
    from django.db.models import Max, Min

    from lindungi.core import access, pii
    from lindungi.registry.models import Worker

    qs = (
        Worker.objects.filter(access.region_q("village_id", [prefix])) if prefix else Worker.objects
    )
    bounds = qs.aggregate(low=Min("pk"), high=Max("pk"))
    picked: dict[int, tuple[int, str, str]] = {}
    while len(picked) < k:
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(k * 3)]
        rows = qs.filter(pk__in=ids, nik_enc__isnull=False).values_list(
            "pk", "nik_enc", "full_name"
        )
        for pk, blob, name in rows:
            if blob is not None:
                picked.setdefault(pk, (pk, pii.decrypt(blob, field="nik"), name))
    chosen = list(picked.values())
    rng.shuffle(chosen)  # the query returns them in id order: low ids would dominate
    return chosen[:k]


def _variant(rng: random.Random, name: str) -> str:
    """A realistic way to type someone's name: titles dropped, spelling varied, 2 tokens."""
    words = [w for w in name.replace(",", " ").split() if not w.endswith(".") or w == "M."]
    words = [w for w in words if w not in ("bin", "binti")][:2] or name.split()[:1]
    text = " ".join(words)
    for pattern, replacement in rng.sample(VARIANTS, 3):
        text = re.sub(pattern, replacement, text)
    return text.lower() if rng.random() < 0.3 else text


def _time(queries: list[str], run: Callable[[str], int]) -> dict[str, Any]:
    seconds, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        hits += run(query) > 0
        seconds.append(time.perf_counter() - started)
    ms = np.array(seconds) * 1000
    return {
        "n": len(queries),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
        "hit_rate": round(hits / len(queries), 3),
    }


def _search(actor: Any) -> Callable[[str], int]:
    from lindungi.registry.selectors import WorkerQuery, worker_search

    return lambda text: len(worker_search(actor=actor, query=WorkerQuery(text=text)).items)


def _icontains(actor: Any) -> Callable[[str], int]:
    from lindungi.core import access
    from lindungi.registry.models import Worker

    def run(text: str) -> int:
        qs = access.scope(actor, Worker.objects.all()).filter(full_name__icontains=text)
        return len(list(qs.select_related("village", "occupation").order_by("-pk")[:26]))

    return run


def _decrypt_scan(text: str) -> int:
    from lindungi.core import pii
    from lindungi.registry.models import Worker

    ring = pii.keyring()
    rows = Worker.objects.values_list("pk", "nik_enc").order_by("pk").iterator(chunk_size=20_000)
    return next(
        (1 for _, blob in rows if blob and pii.decrypt(blob, field="nik", ring=ring) == text), 0
    )


def _ensure_loaded(workers: int, seed: int) -> dict[str, Any]:
    from lindungi.registry.demo.service import demo_generate
    from lindungi.registry.models import Worker

    result = demo_generate(workers=workers, seed=seed, progress=print)
    if Worker.objects.count() < workers:
        raise SystemExit("the benchmark database holds fewer workers than asked; use --fresh")
    return {"seconds": result.seconds, "already_loaded": result.already_loaded}


def _explain(text: str) -> str:
    from lindungi.registry.models import Worker
    from lindungi.registry.search import filter_by_name

    qs = filter_by_name(Worker.objects.all(), text).order_by("-pk")[:26]
    return qs.explain(analyze=True) if _vendor() == "postgresql" else qs.explain()


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def run(args: argparse.Namespace) -> dict[str, Any]:
    label = _common.choose_database("bench", fresh=args.fresh, sqlite_file=args.sqlite_file)
    _common.setup_django()
    load = _ensure_loaded(args.workers, args.seed)
    rng = random.Random(args.seed)  # sampling queries, not secrets
    actors = _actors()
    samples = {
        "admin": _sample(rng, "", args.queries),
        "branch_6402": _sample(rng, "6402", args.queries),
    }
    names = {
        k: FIXED + [_variant(rng, n) for _, _, n in v][: args.queries - len(FIXED)]
        for k, v in samples.items()
    }
    results: dict[str, Any] = {"database": label, "machine": _common.machine(), "load": load}
    for who, actor in actors.items():
        niks = [nik for _, nik, _ in samples[who]]
        _search(actor)(niks[0])  # warm the connection and caches once
        results[f"nik_{who}"] = _time(niks, _search(actor))
        results[f"name_{who}"] = _time(names[who], _search(actor))
        results[f"name_{who}_baseline_icontains"] = _time(
            names[who][: args.baseline_queries], _icontains(actor)
        )
    niks = [nik for _, nik, _ in samples["admin"]][: args.nik_baseline_queries]
    results["nik_admin_baseline_decrypt_scan"] = _time(niks, _decrypt_scan)
    results["sample_names"] = names["admin"][:12]
    if args.explain:
        results["explain"] = {q: _explain(q) for q in ("Muhamad Rizky", names["admin"][7])}
    return results


def _print(results: dict[str, Any]) -> None:
    print(f"search, {results['database']}; {results['machine']}")
    for who in ("admin", "branch_6402"):
        for kind, target in (("nik", 20), ("name", 300)):
            r = results[f"{kind}_{who}"]
            print(
                f"  {kind:4} {who:12} n={r['n']:<4} p50 {r['p50_ms']:8.2f} ms"
                f"  p95 {r['p95_ms']:8.2f} ms"
                f"  (target p95 < {target} ms)  hits {r['hit_rate']:.0%}"
            )
        base, fast = results[f"name_{who}_baseline_icontains"], results[f"name_{who}"]
        print(
            f"  name {who:12} icontains baseline n={base['n']:<4} p50 {base['p50_ms']:8.2f} ms"
            f"  p95 {base['p95_ms']:8.2f} ms  hits {base['hit_rate']:.0%}"
            f"  -> p95 ratio {base['p95_ms'] / max(fast['p95_ms'], 1e-9):.1f}x"
        )
    base, fast = results["nik_admin_baseline_decrypt_scan"], results["nik_admin"]
    print(
        f"  nik  admin        decrypt-scan baseline n={base['n']}  p50 {base['p50_ms']:10.1f} ms"
        f"  -> p50 ratio {base['p50_ms'] / max(fast['p50_ms'], 1e-9):,.0f}x"
    )
    print(f"  sample name queries: {results['sample_names']}")
    for query, plan in results.get("explain", {}).items():
        print(f"\n  plan for {query!r}:\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=50)
    parser.add_argument("--nik-baseline-queries", type=int, default=3)
    parser.add_argument("--sqlite-file", help="reuse/keep the SQLite database at this path")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args)
    _print(results)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
