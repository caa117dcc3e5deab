"""The linkage run: exact NIK, then Splink on DuckDB for the rest, then duplicates in the batch.

Everything between reading the registry and returning results happens in one in-process DuckDB
database; the batch and its candidate workers are columnar (Arrow), never ORM objects.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from lindungi.ingest.linkage import names
from lindungi.ingest.linkage.model import (
    COMPARISONS,
    LinkModel,
    agreement_of,
    render,
    settings_dict,
)
from lindungi.ingest.linkage.registry_source import (
    WHOLE_REGISTRY_DATES,
    WHOLE_REGISTRY_PER_ROW,
    Registry,
)
from lindungi.ingest.linkage.types import (
    DUPLICATE,
    EXACT,
    MERGE,
    NEW,
    REVIEW,
    LinkInput,
    LinkResult,
)

THREADS = 2
# DuckDB spills joins past this to a temporary directory instead of growing without bound
MEMORY_LIMIT = "3GB"
MAX_THRESHOLD = 1 - 1e-12
FUZZY_DATE_OK = frozenset({"exact", "day_month_swapped", "one_digit"})
PREPARED = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("name", pa.string()),
        ("patronym", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("village", pa.string()),
        ("nik_index", pa.string()),
    ]
)
DERIVED = """
SELECT *, strftime(birth_date, '%Y%m%d') AS bd, year(birth_date) AS birth_year,
       array_to_string(name_tokens, ' ') AS name_sorted,
       replace(name, ' ', '') AS name_compact,
       substr(array_to_string(name_tokens, ' '), 1, 2) AS name_head,
       substr(village, 1, 6) AS district, substr(village, 1, 4) AS regency
FROM (SELECT *, list_sort(string_split(name, ' ')) AS name_tokens FROM {src})
"""


@dataclass(frozen=True)
class Pair:
    """One scored pair: file row position, the other side's id, probability and level labels."""

    left: int
    right: int
    probability: float
    levels: dict[str, str]


def run(inputs: Sequence[LinkInput], *, model: LinkModel, registry: Registry) -> list[LinkResult]:
    """Link a batch; results in input order."""
    if not inputs:
        return []
    scored = score(inputs, model=model, registry=registry)
    return scored.results(model)


@dataclass
class Scored:
    """A batch after scoring: exact matches and the pairs above the thresholds' floor."""

    inputs: Sequence[LinkInput]
    exact: dict[int, int]
    rest: list[int]
    pairs: list[Pair]
    dup_pairs: list[Pair]

    def results(self, model: LinkModel) -> list[LinkResult]:
        """Outcomes under the model's thresholds (cheap: no rescoring)."""
        out: dict[int, LinkResult] = {
            pos: LinkResult(self.inputs[pos].key, EXACT, worker, 1.0, {"nik": "agree"})
            for pos, worker in self.exact.items()
        }
        out |= _decide(self.inputs, self.rest, self.pairs, model)
        ordered = [out[pos] for pos in range(len(self.inputs))]
        return _mark_duplicates(self.inputs, ordered, self.dup_pairs, model)


def score(
    inputs: Sequence[LinkInput], *, model: LinkModel, registry: Registry, floor: float | None = None
) -> Scored:
    """Exact NIK, then pairs scored by Splink at or above `floor` (default: the lower threshold)."""
    size = registry.size()
    registry = _read_once(inputs, registry, size)
    exact = _exact(inputs, registry)
    rest = [i for i in range(len(inputs)) if i not in exact]
    pairs: list[Pair] = []
    with duckdb.connect(config=DUCKDB_CONFIG) as con:
        if prepare_tables(con, inputs, rest, registry, population=model.population(size)):
            prior = model.link_prior(size)
            pairs = _predict_link(con, model, prior, floor or model.thresholds.lower)
        dup_pairs: list[Pair] = []
        if len(inputs) > 1:
            prior = model.dedupe_prior(len(inputs))
            dup_pairs = _predict_dedupe(con, model, prior, floor or model.thresholds.upper)
    return Scored(inputs, exact, rest, pairs, dup_pairs)


DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "threads": THREADS,
    "memory_limit": MEMORY_LIMIT,
    "preserve_insertion_order": False,
    "temp_directory": str(Path(tempfile.gettempdir()) / "lindungi-linkage"),
}


def prepare_tables(
    con: duckdb.DuckDBPyConnection,
    inputs: Sequence[LinkInput],
    rest: list[int],
    registry: Registry,
    *,
    population: int,
) -> int:
    """Tables file_rows (all inputs), file_rest (those to link) and registry_rows, each written
    once with its term frequency; returns the number of candidates."""
    cache: dict[str, names.NameParts] = {}
    parts = [cache.get(i.full_name) or cache.setdefault(i.full_name, _parts(i)) for i in inputs]
    if rest:
        candidates = _candidates(inputs, [parts[i] for i in rest], rest, registry)
    else:
        candidates = pa.Table.from_pylist([], PREPARED)
    per = 1 / float(population)
    _register(con, "registry_rows", candidates, tf=REGISTRY_TF.format(per=per))
    _register(con, "file_rows", _prepare_inputs(inputs, parts), tf=FILE_TF.format(per=per))
    con.execute(
        "CREATE TABLE file_rest AS SELECT * FROM file_rows"
        " WHERE unique_id IN (SELECT unnest($1::BIGINT[]))",
        [rest],
    )
    return int(candidates.num_rows)


# `tf_name`: how common a name is in the registry, for Splink's term-frequency adjustment.
# Counted over the candidates: every worker whose name equals a file row's name was read (the
# name join), so for any name that can agree exactly the count is the registry's own; a name
# the candidates lack counts once.
REGISTRY_TF = (
    "CASE WHEN name IS NULL THEN 1 ELSE count(*) OVER (PARTITION BY name) END * {per} AS tf_name"
)
FILE_TF = (
    "coalesce((SELECT any_value(r.tf_name) FROM registry_rows r WHERE r.name = d.name), {per})"
    " AS tf_name"
)


def _parts(row: LinkInput) -> names.NameParts:
    """The row's name as compared; the key computed when the row was checked is reused (a key
    of 200 characters may have been cut, so it is folded again)."""
    if row.name_key is not None and len(row.name_key) < 200:
        return names.registry_parts(row.full_name, row.name_key)
    return names.normalise(row.full_name)


def _read_once(inputs: Sequence[LinkInput], registry: Registry, size: int) -> Registry:
    """The registry read whole when keyed reads would cost more: when the registry is not much
    larger than the file, or when the rows without NIK alone have so many birth dates that the
    candidates would be the whole registry anyway. The NIK lookups (hundreds of thousands in a
    national file) are then answered from the same read instead of a second one."""
    if size <= WHOLE_REGISTRY_PER_ROW * len(inputs):
        return registry.whole()
    dates = {i.birth_date for i in inputs if not i.nik_index and i.birth_date is not None}
    return registry.whole() if len(dates) > WHOLE_REGISTRY_DATES else registry


def _exact(inputs: Sequence[LinkInput], registry: Registry) -> dict[int, int]:
    indexes = sorted({i.nik_index for i in inputs if i.nik_index})
    found = registry.by_nik(indexes) if indexes else {}
    return {
        pos: found[row.nik_index]
        for pos, row in enumerate(inputs)
        if row.nik_index and row.nik_index in found
    }


def _prepare_inputs(inputs: Sequence[LinkInput], parts: list[names.NameParts]) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "unique_id": list(range(len(inputs))),
            "name": [p.given or None for p in parts],
            "patronym": [p.patronym or None for p in parts],
            "birth_date": [i.birth_date for i in inputs],
            "sex": [i.sex or None for i in inputs],
            "village": [i.village_code or None for i in inputs],
            "nik_index": [i.nik_index for i in inputs],
        },
        schema=PREPARED,
    )


def _candidates(
    inputs: Sequence[LinkInput], parts: list[names.NameParts], rest: list[int], registry: Registry
) -> pa.Table:
    dates = sorted({d for i in rest if (d := inputs[i].birth_date) is not None})
    keys: set[str] = set()
    for p in parts:
        keys |= {p.given, p.sorted_key, f"{p.given} {p.patronym}".strip()}
    table = registry.candidates(dates=dates, names=sorted(k for k in keys if k))
    given, patronym = _registry_names(table)
    return pa.Table.from_pydict(
        {
            "unique_id": table["id"],
            "name": given,
            "patronym": patronym,
            "birth_date": table["birth_date"],
            "sex": table["sex"],
            "village": table["village_code"],
            "nik_index": table["nik_index"],
        },
        schema=PREPARED,
    )


def _registry_names(table: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Given names and patronyms of candidates: the stored key unless bin/binti is written."""
    stored = table["name_search"].combine_chunks() if table.num_rows else pa.array([], pa.string())
    written = pc.match_substring_regex(table["full_name"], names.PATRONYM_HINT, ignore_case=True)
    hits = [int(i) for i in pc.indices_nonzero(written).to_pylist()]
    if not hits:
        return stored, pa.nulls(table.num_rows, pa.string())
    given = stored.to_pylist()
    patronym: list[str | None] = [None] * table.num_rows
    full = table["full_name"]
    for i in hits:
        p = names.normalise(full[i].as_py())
        given[i], patronym[i] = p.given or None, p.patronym or None
    return pa.array(given, pa.string()), pa.array(patronym, pa.string())


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, *, tf: str) -> None:
    con.register(f"{name}_arrow", table)
    derived = DERIVED.format(src=name + "_arrow")
    con.execute(f"CREATE TABLE {name} AS SELECT d.*, {tf} FROM ({derived}) d")  # noqa: S608
    con.unregister(f"{name}_arrow")


def _splink_pairs(
    con: duckdb.DuckDBPyConnection, tables: list[str], settings: dict[str, Any], threshold: float
) -> list[Pair]:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(t, dataset_display_name=t) for t in tables]
    linker = Linker(
        frames if len(frames) > 1 else frames[0],
        settings,
        log_level=logging.WARNING,
        validate_settings=False,  # fixed in code; tests validate them once
    )
    # Splink turns the threshold into a match weight: 1.0 itself has none
    scored = linker.inference.predict(threshold_match_probability=min(threshold, MAX_THRESHOLD))
    # Splink 5 no longer returns gamma columns: label the levels of the (few) kept pairs here
    rows = con.execute(
        f"SELECT p.unique_id_l, p.unique_id_r, p.match_probability, {LEVEL_CASES}"  # noqa: S608
        f" FROM {scored.physical_name} p JOIN {tables[0]} l ON l.unique_id = p.unique_id_l"
        f" JOIN {tables[-1]} r ON r.unique_id = p.unique_id_r"
    ).fetchall()
    scored.drop_table_from_database_and_remove_from_cache()
    labels = [c for c, _ in COMPARISONS]
    return [
        Pair(int(r[0]), int(r[1]), float(r[2]), dict(zip(labels, r[3:], strict=True))) for r in rows
    ]


_SIDES = re.compile(r'"(\w+)_(l|r)"')


def _on_sides(sql: str) -> str:
    """'"name_l" = "name_r"' as a join condition: 'l."name" = r."name"'."""
    return _SIDES.sub(lambda m: f'{m.group(2)}."{m.group(1)}"', render(sql, "duckdb"))


def _level_cases() -> str:
    cases = []
    for comparison, levels in COMPARISONS:
        whens = " ".join(
            f"WHEN {_on_sides(sql)} THEN '{label}'" for label, sql, _a in levels if sql != "ELSE"
        )
        cases.append(f"CASE {whens} ELSE 'else' END AS lv_{comparison}")
    return ", ".join(cases)


LEVEL_CASES = _level_cases()


def _predict_link(
    con: duckdb.DuckDBPyConnection, model: LinkModel, prior: float, floor: float
) -> list[Pair]:
    settings = settings_dict(model, link_type="link_only", prior=prior)
    # display names sort "file_rest" before "registry_rows", so _l is always the file row
    return _splink_pairs(con, ["file_rest", "registry_rows"], settings, floor)


def _predict_dedupe(
    con: duckdb.DuckDBPyConnection, model: LinkModel, prior: float, floor: float
) -> list[Pair]:
    settings = settings_dict(model, link_type="dedupe_only", prior=prior)
    return _splink_pairs(con, ["file_rows"], settings, floor)


def auto_merge_allowed(levels: dict[str, str]) -> bool:
    """Merging without a clerk needs no sex disagreement and a birth date at least fuzzily equal."""
    return levels.get("sex") != "else" and levels.get("birth_date") in FUZZY_DATE_OK


def agreements(levels: dict[str, str]) -> dict[str, str]:
    """What agreed and what did not, per compared field, for the review screen."""
    return {c: agreement_of(c, levels.get(c, "missing")) for c, _levels in COMPARISONS}


def _decide(
    inputs: Sequence[LinkInput], rest: list[int], pairs: list[Pair], model: LinkModel
) -> dict[int, LinkResult]:
    by_row: dict[int, list[Pair]] = {}
    for pair in pairs:
        by_row.setdefault(pair.left, []).append(pair)
    lower = model.thresholds.lower
    out: dict[int, LinkResult] = {}
    for pos in rest:
        ranked = sorted(by_row.get(pos, []), key=lambda p: (-p.probability, p.right))
        key = inputs[pos].key
        if not ranked or ranked[0].probability < lower:
            out[pos] = LinkResult(key, NEW, None, None, {})
            continue
        best = ranked[0]
        outcome = MERGE if _mergeable(best, ranked[1:], model) else REVIEW
        out[pos] = LinkResult(key, outcome, best.right, best.probability, agreements(best.levels))
    return out


def _mergeable(best: Pair, others: list[Pair], model: LinkModel) -> bool:
    """Above the upper threshold, allowed by sex and birth date, and no rival above it too."""
    upper = model.thresholds.upper
    clear = not others or others[0].probability < upper
    return best.probability >= upper and clear and auto_merge_allowed(best.levels)


def _mark_duplicates(
    inputs: Sequence[LinkInput], results: list[LinkResult], pairs: list[Pair], model: LinkModel
) -> list[LinkResult]:
    """Rows of one person (same NIK, or a pair above the upper threshold) after the first
    become duplicates of it; only the rows in such a group are looked at twice."""
    parent = list(range(len(inputs)))
    grouped: set[int] = set()

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        grouped.update((a, b))
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of_nik: dict[str, int] = {}
    for pos, row in enumerate(inputs):
        if row.nik_index and (first := first_of_nik.setdefault(row.nik_index, pos)) != pos:
            union(first, pos)
    for pair in pairs:
        if pair.probability >= model.thresholds.upper and auto_merge_allowed(pair.levels):
            union(pair.left, pair.right)
    out = list(results)
    for pos in grouped:
        root = find(pos)
        if root != pos:
            r = results[pos]
            out[pos] = LinkResult(
                r.key,
                DUPLICATE,
                r.worker_id,
                r.probability,
                r.agreements,
                duplicate_of=inputs[root].key,
            )
    return out
