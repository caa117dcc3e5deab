"""Train and store a deployment's linkage model; generate evaluation sets from this database."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from django.db import connection, transaction

from lindungi.core import access, audit
from lindungi.core.errors import ValidationError
from lindungi.ingest.linkage import model as model_store
from lindungi.ingest.linkage import synth, train
from lindungi.ingest.linkage.model import LinkModel
from lindungi.ingest.linkage.registry_source import COLUMNS, SCHEMA
from lindungi.reference.models import Region, RegionLevel

MIN_REGISTRY = 1_000  # below this, u from the registry is noise: train on a generated set
MAX_TRAIN = 1_000_000


def village_codes() -> list[str]:
    """Current village codes of the reference data, or synthetic ones if none are loaded."""
    codes = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, historic=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return codes or synth.synthetic_villages()


def registry_sample(n: int, *, seed: int) -> pa.Table:
    """Up to n active workers in random order (linkage columns only)."""
    cols = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM registry_worker WHERE status <> 'merged'")
        total = int(cur.fetchone()[0])
        # every k-th id from a random start: a cheap sample that needs no ORDER BY random()
        step = max(total // max(n, 1), 1)
        start = int(np.random.default_rng(seed).integers(0, step))
        cur.execute(
            f"SELECT {cols} FROM registry_worker WHERE status <> 'merged'"  # noqa: S608
            " AND (id %% %s) = %s ORDER BY id",
            [step, start],
        )
        rows = cur.fetchmany(n)
    data: dict[str, list[Any]] = {c: [r[i] for r in rows] for i, c in enumerate(COLUMNS)}
    data["birth_date"] = [_as_date(v) for v in data["birth_date"]]
    return pa.Table.from_pydict(data, schema=SCHEMA)


def _as_date(value: Any) -> Any:
    # SQLite hands dates back as text through a raw cursor
    return date.fromisoformat(value) if isinstance(value, str) else value


def training_set(*, size: int, seed: int, source: str) -> tuple[pa.Table, synth.FileSet, str]:
    """Registry and file to train on: this registry (plus generated new people) or generated."""
    rng = np.random.default_rng(seed)
    villages = village_codes()
    if source == "registry":
        registry = registry_sample(2 * size, seed=seed)
        if registry.num_rows < MIN_REGISTRY:
            raise ValidationError(
                {"source": f"Registri hanya {registry.num_rows} pekerja (too few to train on)"}
            )
        new, _ = synth.make_people(rng, int(size * synth.NEW_SHARE), villages, first_id=2**40)
        people = pa.concat_tables([registry, new])
        file = synth.make_file(rng, people, registry.num_rows, size, villages)
        about = f"registry sample of {registry.num_rows} workers, {size} generated file rows"
        return registry, file, about
    data = synth.generate(registry_size=2 * size, file_size=size, seed=seed, villages=villages)
    about = f"generated: {2 * size} registry people, {size} file rows, seed {seed}"
    return data.registry, synth.FileSet(data.inputs, data.truth), about


def linkage_model_train(
    *, name: str, size: int, seed: int, source: str, actor: Any | None = None
) -> LinkModel:
    """Estimate u by random sampling and m by EM, keep the thresholds, store the model; audited."""
    if actor is not None:
        access.require(actor, access.EDIT_RULES)
    if not 1_000 <= size <= MAX_TRAIN:
        raise ValidationError({"size": f"Antara 1.000 dan {MAX_TRAIN:,} (between 1,000 and that)"})
    if source not in ("generated", "registry"):
        raise ValidationError({"source": "generated | registry"})
    model_store.model_path(name)  # validates the name before any work
    registry, file, about = training_set(size=size, seed=seed, source=source)
    previous = model_store.load(name)
    trained = train.train(
        name=name, registry=registry, inputs=file.inputs, seed=seed, description=about
    )
    trained = trained.with_thresholds(previous.thresholds.upper, previous.thresholds.lower)
    path = model_store.model_path(name)
    with transaction.atomic():  # the file is written last: a failed audit leaves the old model
        audit.record(
            actor=actor,
            action="linkage.model_train",
            object_type="ingest.linkage_model",
            object_id=name,
            before={"trained_on": previous.trained_on, "trained_at": previous.trained_at},
            after=json.loads(json.dumps(asdict(trained))) | {"path": str(path)},
        )
        model_store.save(trained)
    return trained
