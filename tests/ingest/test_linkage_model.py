"""The model: stored parameters and thresholds, training, evaluation on generated data, CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from lindungi.accounts.models import User
from lindungi.cli import main
from lindungi.core.errors import PermissionDenied, ValidationError
from lindungi.core.models import AuditEvent
from lindungi.ingest.linkage import evaluate, model, services, synth
from lindungi.ingest.linkage.types import LinkResult


@pytest.fixture(autouse=True)
def _own_model_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def test_nothing_trained_means_the_defaults_shipped_in_code() -> None:
    loaded = model.load("default")
    assert loaded == model.LinkModel()
    assert (loaded.thresholds.upper, loaded.thresholds.lower) == (0.9, 0.1)
    assert (
        loaded.mu["birth_date"]["day_month_swapped"]
        == model.DEFAULT_MU["birth_date"]["day_month_swapped"]
    )


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    mine = model.LinkModel(name="kaltim-2026", trained_on="x").with_thresholds(0.97, 0.2)
    path = model.save(mine)
    assert path == tmp_path / "linkage" / "kaltim-2026.json"
    assert model.load("kaltim-2026") == mine


@pytest.mark.parametrize(("upper", "lower"), [(0.5, 0.6), (1.2, 0.5), (0.9, 0.0)])
def test_thresholds_must_be_ordered_probabilities(upper: float, lower: float) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        model.Thresholds(upper=upper, lower=lower)


@pytest.mark.parametrize("name", ["../etc", "a b", ""])
def test_model_names_cannot_escape_the_folder(name: str) -> None:
    with pytest.raises(ValueError, match="model name"):
        model.model_path(name)


def test_same_settings_render_for_spark() -> None:
    duck = json.dumps(model.settings_dict(model.LinkModel(), link_type="link_only", prior=1e-6))
    spark = json.dumps(
        model.settings_dict(model.LinkModel(), link_type="link_only", prior=1e-6, dialect="spark")
    )
    assert "jaro_winkler_similarity(" in duck
    assert "list_has_all(" in duck
    assert "jaro_winkler_similarity(" not in spark
    assert "jaro_winkler(" in spark
    assert "array_except(" in spark
    assert '\\"' not in spark  # Spark quotes identifiers with backticks
    assert "l.`bd` = r.`bd`" in spark
    # every condition parses as Spark SQL with column references, no quoted strings
    rendered = model.settings_dict(
        model.LinkModel(), link_type="link_only", prior=1e-6, dialect="spark"
    )
    levels = [lv["sql_condition"] for c in rendered["comparisons"] for lv in c["comparison_levels"]]
    rules = [b["blocking_rule"] for b in rendered["blocking_rules_to_generate_predictions"]]
    for sql in [x for x in levels if x != "ELSE"] + rules:
        tree = sqlglot.parse_one(sql, read="spark")
        assert not [x for x in tree.find_all(exp.Literal) if x.is_string], sql
        assert list(tree.find_all(exp.Column)), sql
    assert duck.count("m_probability") == spark.count("m_probability") == 22


def test_evaluation_on_a_generated_set_meets_the_targets() -> None:
    result = evaluate.evaluate(size=3000, model=model.LinkModel(), seed=11)
    assert result.rows == 3000
    assert result.precision >= 0.995
    assert result.recall >= 0.98
    assert result.review_share < 0.03
    assert result.meets_targets


def test_score_counts_duplicates_through_their_first_row() -> None:
    results = [
        LinkResult(1, "exact", 10, 1.0),
        LinkResult(2, "duplicate_in_file", 10, 1.0, duplicate_of=1),
        LinkResult(3, "merge", 11, 0.99),  # wrong worker
        LinkResult(4, "new", None, None),  # really new
        LinkResult(5, "review", 12, 0.5),
    ]
    scored = evaluate.score(results, [10, 10, 12, 99, 12], registry_size=50, seconds=0)
    assert (scored.precision, scored.recall, scored.review_share) == (0.66667, 0.5, 0.2)
    assert (scored.exact_precision, scored.merge_precision, scored.new_precision) == (1.0, 0.0, 1.0)


def test_generator_truth_and_error_rates() -> None:
    data = synth.generate(registry_size=4000, file_size=2000, seed=3)
    assert data.registry.num_rows == 4000
    assert len(data.inputs) == len(data.truth) == 2000
    assert len({t for t in data.truth if t > 4000}) == 500  # NEW_SHARE of people not registered
    no_nik = sum(i.nik_index is None for i in data.inputs)
    assert 0.2 <= no_nik / 2000 <= 0.3  # 20 % missing, part of the 5 % wrong digits invalid
    assert len(set(data.truth)) < 2000  # repeats inside the file


@pytest.mark.django_db
def test_train_stores_the_model_and_audits(tmp_path: Path) -> None:
    trained = services.linkage_model_train(name="default", size=1000, seed=2, source="generated")
    stored = json.loads((tmp_path / "linkage" / "default.json").read_text())
    assert (
        stored["trained_on"]
        == trained.trained_on
        == "generated: 2000 registry people, 1000 file rows, seed 2"
    )
    assert model.load("default") == trained
    assert trained.mu != model.DEFAULT_MU
    event = AuditEvent.objects.get(action="linkage.model_train")
    assert (event.object_id, event.after["thresholds"]) == (
        "default",
        {"upper": 0.9, "lower": 0.1},
    )


@pytest.mark.django_db
def test_training_on_an_empty_registry_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        services.linkage_model_train(name="default", size=1000, seed=2, source="registry")
    assert not (tmp_path / "linkage" / "default.json").exists()
    assert not AuditEvent.objects.filter(action="linkage.model_train").exists()


@pytest.mark.django_db
def test_only_administrators_train(tmp_path: Path, branch_officer_kukar: User) -> None:
    with pytest.raises(PermissionDenied):
        services.linkage_model_train(
            name="default", size=1000, seed=2, source="generated", actor=branch_officer_kukar
        )
    assert not (tmp_path / "linkage").exists()
    assert not AuditEvent.objects.filter(action="linkage.model_train").exists()


@pytest.mark.django_db
def test_cli_generate_and_evaluate(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "set"
    made = runner.invoke(
        main,
        ["linkage", "generate", "--registry", "300", "--file", "100", "--out", str(out), "--json"],
    )
    assert made.exit_code == 0, made.output
    with (out / "file.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 100
    assert list(rows[0]) == [
        *("row", "nik", "full_name", "birth_date", "sex", "village_code"),
        *("truth_person_id", "in_registry"),
    ]
    assert len({r["truth_person_id"] for r in rows if r["in_registry"] == "0"}) == 25
    evaluated = runner.invoke(main, ["linkage", "evaluate", "--size", "2000", "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    figures = json.loads(evaluated.output)
    assert figures["meets_targets"] is True
    assert figures["rows"] == 2000
    assert figures["registry"] == 4000


@pytest.mark.django_db
def test_train_on_this_registry(tmp_path: Path) -> None:
    from lindungi.registry.models import Worker

    people = synth.generate(registry_size=1200, file_size=10, seed=5, villages=["6402012001"])
    Worker.objects.bulk_create(
        Worker(
            full_name=r["full_name"],
            name_search=r["name_search"],
            birth_date=r["birth_date"],
            sex=r["sex"],
            village_id=r["village_code"],
            nik_index=r["nik_index"],
        )
        for r in people.registry.to_pylist()
    )
    trained = services.linkage_model_train(name="kaltim", size=1000, seed=3, source="registry")
    assert trained.trained_on == "registry sample of 1200 workers, 1000 generated file rows"
    assert model.load("kaltim") == trained


@pytest.mark.django_db
def test_cli_sweep_prints_every_threshold_pair() -> None:
    swept = CliRunner().invoke(main, ["linkage", "evaluate", "--size", "500", "--sweep", "--json"])
    assert swept.exit_code == 0, swept.output
    rows = json.loads(swept.output)
    assert len(rows) == 24
    assert {(r["upper"], r["lower"]) for r in rows} >= {(0.9, 0.1), (0.99, 0.5), (0.5, 0.05)}
    assert all(r["rows"] == 500 and r["registry"] == 1000 for r in rows)
