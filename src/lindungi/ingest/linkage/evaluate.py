"""Precision and recall of `link()` on a generated set with known truth."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from lindungi.ingest.linkage import engine, synth
from lindungi.ingest.linkage.model import LinkModel
from lindungi.ingest.linkage.registry_source import TableRegistry
from lindungi.ingest.linkage.types import DUPLICATE, EXACT, MERGE, NEW, REVIEW, LinkResult

TARGETS = {"precision": 0.995, "recall": 0.98, "review_share": 0.03}


@dataclass(frozen=True)
class Evaluation:
    """Figures of one evaluation; `recall` counts only automatic links (exact and merge)."""

    rows: int
    registry: int
    outcomes: dict[str, int]
    precision: float  # correct automatic links / automatic links
    recall: float  # correct automatic links / rows whose person is in the registry
    exact_precision: float
    merge_precision: float
    review_share: float
    new_precision: float  # rows registered as new that really are new
    seconds: float
    meets_targets: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _resolved(results: list[LinkResult]) -> list[tuple[str, int | None]]:
    """Each row's (outcome, worker) after following duplicate_of to the first row."""
    by_key = {r.key: r for r in results}
    out: list[tuple[str, int | None]] = []
    for r in results:
        target = by_key[r.duplicate_of] if r.outcome == DUPLICATE and r.duplicate_of else r
        out.append((target.outcome, target.worker_id))
    return out


def score(
    results: list[LinkResult], truth: list[int], registry_size: int, seconds: float
) -> Evaluation:
    """Compare results with the truth (worker id = person id for registry people)."""
    resolved = _resolved(results)
    known = [t <= registry_size for t in truth]
    auto = Counter[str]()
    correct = Counter[str]()
    new_rows = new_correct = 0
    for (outcome, worker), person, in_registry in zip(resolved, truth, known, strict=True):
        if outcome in (EXACT, MERGE):
            auto[outcome] += 1
            correct[outcome] += int(worker == person)
        elif outcome == NEW:
            new_rows += 1
            new_correct += int(not in_registry)
    n_auto, n_correct = sum(auto.values()), sum(correct.values())
    outcomes = Counter(r.outcome for r in results)
    precision = n_correct / n_auto if n_auto else 1.0
    recall = n_correct / max(sum(known), 1)
    review_share = outcomes[REVIEW] / len(results) if results else 0.0
    return Evaluation(
        rows=len(results),
        registry=registry_size,
        outcomes=dict(sorted(outcomes.items())),
        precision=round(precision, 5),
        recall=round(recall, 5),
        exact_precision=round(correct[EXACT] / auto[EXACT], 5) if auto[EXACT] else 1.0,
        merge_precision=round(correct[MERGE] / auto[MERGE], 5) if auto[MERGE] else 1.0,
        review_share=round(review_share, 5),
        new_precision=round(new_correct / new_rows, 5) if new_rows else 1.0,
        seconds=round(seconds, 2),
        meets_targets=precision >= TARGETS["precision"]
        and recall >= TARGETS["recall"]
        and review_share < TARGETS["review_share"],
    )


def evaluate(
    *, size: int, model: LinkModel, seed: int = 7, registry_size: int | None = None
) -> Evaluation:
    """Generate a file of `size` rows against a registry twice as large, link it, score it."""
    registry_size = registry_size or 2 * size
    data = synth.generate(registry_size=registry_size, file_size=size, seed=seed)
    started = time.perf_counter()
    results = engine.run(data.inputs, model=model, registry=TableRegistry(data.registry))
    return score(results, data.truth, registry_size, time.perf_counter() - started)


def sweep(
    *,
    size: int,
    model: LinkModel,
    uppers: Sequence[float],
    lowers: Sequence[float],
    seed: int = 7,
    registry_size: int | None = None,
) -> list[tuple[float, float, Evaluation]]:
    """Score once, then evaluate every (upper, lower) pair: how the defaults were chosen."""
    registry_size = registry_size or 2 * size
    data = synth.generate(registry_size=registry_size, file_size=size, seed=seed)
    started = time.perf_counter()
    floor = min(min(lowers), min(uppers))
    scored = engine.score(
        data.inputs, model=model, registry=TableRegistry(data.registry), floor=floor
    )
    seconds = time.perf_counter() - started
    out = []
    for upper in uppers:
        for lower in (x for x in lowers if x <= upper):
            candidate = model.with_thresholds(upper, lower)
            results = scored.results(candidate)
            out.append((upper, lower, score(results, data.truth, registry_size, seconds)))
    return out
