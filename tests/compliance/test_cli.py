"""`lindungi crosscheck` and `lindungi compliance ...`: counts per kind, JSON, idempotence."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lindungi.cli import main
from lindungi.compliance.models import Finding

from .conftest import wlkp_csv

pytestmark = pytest.mark.django_db


def test_crosscheck_json_twice_same_counts(
    tmp_path: Path,
    make_employer: Callable[..., Any],
    add_members: Callable[..., Any],
    kukar_village: str,
) -> None:
    employer = make_employer(kukar_village, npp="K3000001", size="medium")
    add_members(employer, 2, wage=4_000_000, jp=False)
    path = tmp_path / "wlkp.csv"
    path.write_bytes(wlkp_csv([("", "K3000001", "2026-10", 5, 0, 20_000_000)]))
    imported = CliRunner().invoke(main, ["compliance", "import", "wlkp", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "1 dimuat" in imported.output
    outputs = []
    for _ in range(2):
        result = CliRunner().invoke(main, ["crosscheck", "--month", "2026-10", "--json"])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    assert outputs[0] == outputs[1]
    assert outputs[0]["counts"] == {
        "ptd": 0,
        "pds_tk": 1,
        "pds_upah": 0,
        "pds_program": 1,
        "arrears": 0,
    }
    assert Finding.objects.count() == 2


def test_crosscheck_human_and_bad_month() -> None:
    result = CliRunner().invoke(main, ["crosscheck", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "PDS tenaga kerja" in result.output
    bad = CliRunner().invoke(main, ["crosscheck", "--month", "oktober"])
    assert bad.exit_code == 2
    assert "bukan bulan" in bad.output


def test_load_holidays_idempotent() -> None:
    result = CliRunner().invoke(main, ["compliance", "load-holidays", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 0
