"""`lindungi import`: counts in JSON and in words; refusals as exit code 1, nothing written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lindungi.cli import main
from lindungi.ingest.models import ImportJob
from lindungi.registry.models import Worker

from .conftest import KUKAR, csv_bytes, nik, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_only")]


def test_import_json(tmp_path, good_rows):
    path = tmp_path / "dtks.xlsx"
    path.write_bytes(xlsx_bytes([*good_rows, [nik(1), "Budi", "x", "L", KUKAR]], title_rows=1))
    result = CliRunner().invoke(main, ["import", str(path), "--kind", "dtks", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    keys = ("read", "valid", "invalid", "warned", "new", "linked", "review")
    assert {k: data[k] for k in keys} == {
        "read": 4,
        "valid": 3,
        "invalid": 1,
        "warned": 0,
        "new": 3,
        "linked": 0,
        "review": 0,
    }


def test_import_human_and_again(tmp_path, good_rows):
    path = tmp_path / "dtks.csv"
    path.write_bytes(csv_bytes(good_rows, sep=";", encoding="cp1252"))
    first = CliRunner().invoke(main, ["import", str(path), "--kind", "village"])
    assert "dibaca 3, valid 3, tidak valid 0, baru 3" in first.output
    again = CliRunner().invoke(main, ["import", str(path), "--kind", "village"])
    assert "baru 0" in again.output
    assert "sudah ada 3" in again.output
    assert Worker.objects.count() == 3


def test_200_mb_file_refused_before_reading(tmp_path):
    path = tmp_path / "besar.csv"
    with path.open("wb") as f:  # sparse: 200 MB that take no disk space
        f.truncate(200 * 1024 * 1024)
    result = CliRunner().invoke(main, ["import", str(path), "--kind", "dtks"])
    assert result.exit_code == 1
    assert "melebihi batas 100 MB" in result.output
    assert ImportJob.objects.count() == 0


def test_unknown_template(tmp_path, good_rows):
    path = tmp_path / "d.csv"
    path.write_bytes(csv_bytes(good_rows))
    result = CliRunner().invoke(main, ["import", str(path), "--kind", "dtks", "--template", "x"])
    assert result.exit_code == 1
    assert ImportJob.objects.count() == 0
