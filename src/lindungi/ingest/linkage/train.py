"""Estimate the model's parameters: u by random sampling, m by expectation maximisation.

u (how often non-matching pairs agree by chance) comes from the registry itself — its real
name, birth-date and village distributions. m (how often the same person's two records agree)
needs pairs that are mostly matches: EM runs on a file linked against the registry, blocked
twice so that each comparison is estimated from a rule that does not fix it (docs/linkage.md).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from lindungi.ingest.linkage import engine
from lindungi.ingest.linkage.model import COMPARISONS, LinkModel, settings_dict
from lindungi.ingest.linkage.registry_source import COLUMNS, SCHEMA, TableRegistry
from lindungi.ingest.linkage.types import LinkInput

EM_RULES = (
    'l."bd" = r."bd"',  # estimates name, patronym, sex, village, nik
    'l."name_sorted" = r."name_sorted" AND l."regency" = r."regency"',  # estimates birth date
)
U_PAIRS = 2e6
M_FLOOR = 1e-3
U_FLOOR = 1e-7


def train(
    *,
    name: str,
    registry: pa.Table,
    inputs: list[LinkInput],
    seed: int = 1,
    description: str = "",
) -> LinkModel:
    """A model trained on `inputs` linked against `registry` (Arrow, registry_source.COLUMNS)."""
    base = LinkModel(name=name)
    source = TableRegistry(registry.select(list(COLUMNS)).cast(SCHEMA))
    with duckdb.connect(config=engine.DUCKDB_CONFIG) as con:
        everyone = list(range(len(inputs)))
        population = base.population(source.size())
        engine.prepare_tables(con, inputs, everyone, source, population=population)
        from splink import DuckDBAPI, Linker

        db_api = DuckDBAPI(connection=con)
        frames = [
            db_api.register(t, dataset_display_name=t) for t in ("file_rest", "registry_rows")
        ]
        prior = base.link_prior(source.size())
        settings = settings_dict(base, link_type="link_only", prior=prior)
        linker = Linker(frames, settings, log_level=logging.WARNING)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
        for rule in EM_RULES:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=True, record_sample_proportion=1.0
            )
        trained = linker.misc.save_model_to_json()
    return replace(
        base,
        mu=_mu_from(trained, base.mu),
        trained_on=description or f"{len(inputs)} rows against {source.size()} workers",
        trained_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
    )


def _mu_from(
    trained: dict[str, Any], fallback: dict[str, dict[str, tuple[float, float]]]
) -> dict[str, dict[str, tuple[float, float]]]:
    """m/u per comparison level from Splink's settings; untrainable levels keep the default."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    for comparison, levels in COMPARISONS:
        out[comparison] = {}
        for level in by_name[comparison]["comparison_levels"]:
            label = level.get("label_for_charts", "")
            if level.get("is_null_level") or label not in {lv[0] for lv in levels}:
                continue
            m_default, u_default = fallback[comparison][label]
            m = level.get("m_probability") or m_default
            u = level.get("u_probability") or u_default
            # EM drives levels the training file never produced to ~1e-40, a veto real files
            # would break: keep a floor
            out[comparison][label] = (max(float(m), M_FLOOR), max(float(u), U_FLOOR))
    return out
