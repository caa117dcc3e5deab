"""The linkage model: comparisons, blocking rules, m/u parameters and thresholds.

The comparisons are written once as SQL templates over columns the engine prepares
(`name`, `name_sorted`, `name_compact`, `name_tokens`, `patronym`, `bd` = YYYYMMDD text,
`birth_year`, `sex`, `village`, `district`, `regency`, `nik_index`). `settings_dict(dialect=)`
renders them for DuckDB (default) or Spark, so the parameters stored by `save` — plain m and u
per level, independent of any backend — drive the same model on either (docs/linkage.md).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings

FUNCTIONS = {
    "duckdb": {
        "jw": "jaro_winkler_similarity({a}, {b})",
        "lev": "levenshtein({a}, {b})",
        "contains_all": "list_has_all({a}, {b})",
    },
    "spark": {
        "jw": "jaro_winkler({a}, {b})",
        "lev": "levenshtein({a}, {b})",
        "contains_all": "size(array_except({b}, {a})) = 0",
    },
}

# (comparison, [(level label, SQL template or None for the null level, agreement)]).
# Templates use {jw:x}, {lev:x}, {all:x} placeholders resolved per dialect.
Level = tuple[str, str, str]
COMPARISONS: list[tuple[str, list[Level]]] = [
    (
        "name",
        [
            ("missing", '"name_l" IS NULL OR "name_r" IS NULL', "missing"),
            ("exact", '"name_l" = "name_r"', "agree"),
            (
                "same_tokens",
                '"name_sorted_l" = "name_sorted_r" OR "name_compact_l" = "name_compact_r"',
                "agree",
            ),
            (
                "close",
                '{jw:"name_sorted_l","name_sorted_r"} >= 0.92 OR {jw:"name_l","name_r"} >= 0.92',
                "fuzzy",
            ),
            (
                "subset",
                '{all:"name_tokens_l","name_tokens_r"} OR {all:"name_tokens_r","name_tokens_l"}',
                "fuzzy",
            ),
            ("similar", '{jw:"name_sorted_l","name_sorted_r"} >= 0.80', "fuzzy"),
            ("else", "ELSE", "disagree"),
        ],
    ),
    (
        "patronym",
        [
            ("missing", '"patronym_l" IS NULL OR "patronym_r" IS NULL', "missing"),
            ("exact", '"patronym_l" = "patronym_r"', "agree"),
            ("close", '{jw:"patronym_l","patronym_r"} >= 0.90', "fuzzy"),
            ("else", "ELSE", "disagree"),
        ],
    ),
    (
        "birth_date",
        [
            ("missing", '"bd_l" IS NULL OR "bd_r" IS NULL', "missing"),
            ("exact", '"bd_l" = "bd_r"', "agree"),
            (
                "day_month_swapped",
                'substr("bd_l", 1, 4) = substr("bd_r", 1, 4)'
                ' AND substr("bd_l", 5, 2) = substr("bd_r", 7, 2)'
                ' AND substr("bd_l", 7, 2) = substr("bd_r", 5, 2)',
                "fuzzy",
            ),
            ("one_digit", '{lev:"bd_l","bd_r"} <= 1', "fuzzy"),
            ("near_year", 'abs("birth_year_l" - "birth_year_r") <= 1', "disagree"),
            ("else", "ELSE", "disagree"),
        ],
    ),
    (
        "sex",
        [
            ("missing", '"sex_l" IS NULL OR "sex_r" IS NULL', "missing"),
            ("exact", '"sex_l" = "sex_r"', "agree"),
            ("else", "ELSE", "disagree"),
        ],
    ),
    (
        "village",
        [
            ("missing", '"village_l" IS NULL OR "village_r" IS NULL', "missing"),
            ("exact", '"village_l" = "village_r"', "agree"),
            ("district", '"district_l" = "district_r"', "fuzzy"),
            ("regency", '"regency_l" = "regency_r"', "fuzzy"),
            ("else", "ELSE", "disagree"),
        ],
    ),
    (
        "nik",
        [
            ("missing", '"nik_index_l" IS NULL OR "nik_index_r" IS NULL', "missing"),
            ("exact", '"nik_index_l" = "nik_index_r"', "agree"),
            ("else", "ELSE", "disagree"),
        ],
    ),
]

TF_LEVELS = frozenset({("name", "exact")})

# Blocking rules for predictions (a pair is compared if any rule holds); why each one:
BLOCKING_RULES = [
    # name typos, swaps, titles and moved villages: same birth date in the same regency
    'l."bd" = r."bd" AND l."regency" = r."regency"',
    # ... or moved across regencies but written alike (first two letters of the sorted name)
    'l."bd" = r."bd" AND l."name_head" = r."name_head"',
    # birth date wrong (day/month swapped, a digit off): same name, same birth year
    'l."name_sorted" = r."name_sorted" AND l."birth_year" = r."birth_year"',
    # ... or the year itself wrong: same name in the same district
    'l."name_sorted" = r."name_sorted" AND l."district" = r."district"',
    # the same NIK twice (within a file only: exact NIK matches never reach the model)
    'l."nik_index" = r."nik_index"',
]

# Defaults shipped in code, used until a deployment trains its own: the output of
# `lindungi linkage train --source generated --size 100000 --seed 1` (u by random sampling over
# 200,000 generated workers, m by EM on 100,000 generated file rows), rounded to 4 digits.
DEFAULT_MU: dict[str, dict[str, tuple[float, float]]] = {
    "name": {
        "exact": (0.8944, 0.0009866),
        "same_tokens": (0.02525, 1.662e-05),
        "close": (0.0674, 0.001675),
        "subset": (0.004214, 0.003427),
        "similar": (0.006609, 0.008588),
        "else": (0.002154, 0.9853),
    },
    "patronym": {
        "exact": (0.9634, 0.0164),
        "close": (0.02663, 0.009626),
        "else": (0.009962, 0.974),
    },
    "birth_date": {
        "exact": (0.9841, 5.28e-05),
        "day_month_swapped": (0.01024, 1.662e-05),
        "one_digit": (0.005618, 0.001451),
        "near_year": (0.001, 0.05546),
        "else": (0.001, 0.943),
    },
    "sex": {
        "exact": (0.9984, 0.4967),
        "else": (0.001606, 0.5033),
    },
    "village": {
        "exact": (0.9194, 0.0004683),
        "district": (0.03725, 0.006155),
        "regency": (0.004251, 0.09249),
        "else": (0.0391, 0.9009),
    },
    "nik": {
        "exact": (0.9834, 3.867e-06),
        "else": (0.01661, 1.0),
    },
}


@dataclass(frozen=True)
class Thresholds:
    """At or above `upper` a match merges (if sex and birth date allow it); from `lower`, review."""

    upper: float = 0.9
    lower: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 < self.lower <= self.upper <= 1.0:
            raise ValueError(f"thresholds need 0 < lower <= upper <= 1: {self}")


@dataclass(frozen=True)
class LinkModel:
    """Everything `link()` needs besides data; stored as JSON per deployment and model name."""

    name: str = "default"
    mu: dict[str, dict[str, tuple[float, float]]] = field(default_factory=lambda: DEFAULT_MU)
    thresholds: Thresholds = field(default_factory=Thresholds)
    match_share: float = 0.7  # expected share of file rows that are in the registry
    duplicate_share: float = 0.02  # expected share of file rows repeating an earlier row
    # A file row is drawn from a whole population, not only from a small registry: the prior of a
    # pair matching is never taken as higher than 1 in this many people (a young deployment).
    population_floor: int = 100_000
    trained_on: str = "defaults shipped in code"
    trained_at: str = ""

    def with_thresholds(self, upper: float, lower: float) -> LinkModel:
        return replace(self, thresholds=Thresholds(upper=upper, lower=lower))

    def population(self, registry_size: int) -> int:
        return max(registry_size, self.population_floor)

    def link_prior(self, registry_size: int) -> float:
        """Probability that a file row and a registry worker picked at random are one person."""
        return self.match_share / self.population(registry_size)

    def dedupe_prior(self, file_size: int) -> float:
        """The same for two rows of one file."""
        return self.duplicate_share / max(file_size, self.population_floor)


def render(template: str, dialect: str) -> str:
    """A template in a dialect: its functions, and its identifier quotes (Spark: backticks)."""
    out = template if dialect == "duckdb" else template.replace('"', "`")
    for key, fn in (("jw", "jw"), ("lev", "lev"), ("all", "contains_all")):
        while "{" + key + ":" in out:
            start = out.index("{" + key + ":")
            end = out.index("}", start)
            a, b = out[start + len(key) + 2 : end].split(",")
            out = out[:start] + FUNCTIONS[dialect][fn].format(a=a, b=b) + out[end + 1 :]
    return out


def comparisons(mu: dict[str, dict[str, tuple[float, float]]], dialect: str) -> list[Any]:
    """Splink comparison dicts with the given m/u (missing entries left for training)."""
    out: list[dict[str, Any]] = []
    for name, levels in COMPARISONS:
        rendered: list[dict[str, Any]] = []
        for label, sql, _agreement in levels:
            level: dict[str, Any] = {"sql_condition": render(sql, dialect)}
            level["label_for_charts"] = label
            if label == "missing":
                level["is_null_level"] = True
            elif label in mu.get(name, {}):
                level["m_probability"], level["u_probability"] = mu[name][label]
            if (name, label) in TF_LEVELS:
                # a rare name agreeing says more than "Siti Aminah" agreeing (tf_name column)
                level["tf_adjustment_column"] = "name"
                level["tf_adjustment_weight"] = 1.0
            rendered.append(level)
        out.append({"output_column_name": name, "comparison_levels": rendered})
    return out


def settings_dict(
    model: LinkModel, *, link_type: str, prior: float, dialect: str = "duckdb"
) -> dict[str, Any]:
    """A Splink settings dictionary for `link_only` (file → registry) or `dedupe_only`."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": min(max(prior, 1e-12), 0.5),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": render(rule, dialect)} for rule in BLOCKING_RULES
        ],
        "comparisons": comparisons(model.mu, dialect),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


AGREEMENT = {(c, label): agreement for c, levels in COMPARISONS for label, _s, agreement in levels}


def agreement_of(comparison: str, label: str) -> str:
    """'agree' | 'fuzzy' | 'disagree' | 'missing' of a comparison level."""
    return AGREEMENT[(comparison, label)]


# --- storage: JSON under DATA_DIR/linkage/<name>.json ---------------------------------------


def model_path(name: str) -> Path:
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"model name {name!r}: letters, digits, '-' and '_' only")
    return Path(settings.DATA_DIR) / "linkage" / f"{name}.json"


def save(model: LinkModel) -> Path:
    """Write the model atomically (temporary file, then rename)."""
    path = model_path(model.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(model), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path


def load(name: str = "default") -> LinkModel:
    """The trained model of that name, or the defaults shipped in code if none was trained."""
    path = model_path(name)
    if not path.exists():
        return LinkModel(name=name)
    raw = json.loads(path.read_text(encoding="utf-8"))
    mu = {c: {lv: (float(p[0]), float(p[1])) for lv, p in v.items()} for c, v in raw["mu"].items()}
    return LinkModel(
        name=raw["name"],
        mu=mu,
        thresholds=Thresholds(**raw["thresholds"]),
        match_share=float(raw["match_share"]),
        duplicate_share=float(raw["duplicate_share"]),
        population_floor=int(raw.get("population_floor", 100_000)),
        trained_on=str(raw.get("trained_on", "")),
        trained_at=str(raw.get("trained_at", "")),
    )
