from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lindungi.cli import main

pytestmark = pytest.mark.django_db


def test_load_reference_json_reports_counts_and_no_change() -> None:
    result = CliRunner().invoke(main, ["load-reference", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in ("provinces", "regencies", "districts", "villages")} == {
        "provinces": 38,
        "regencies": 514,
        "districts": 7_285,
        "villages": 83_762,
    }
    assert (data["historic"], data["occupations"], data["rules"]) == (680, 46, 82)
    assert (data["changed"], data["rules_added"]) == (0, 0)
    assert data["elapsed_seconds"] >= 0


def test_load_reference_human_output() -> None:
    result = CliRunner().invoke(main, ["load-reference"])
    assert result.exit_code == 0, result.output
    assert "38 provinsi" in result.output
    assert "83762 desa/kelurahan" in result.output
    assert "ditambah 0" in result.output
