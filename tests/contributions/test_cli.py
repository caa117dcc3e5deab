"""`lindungi contribution`: JSON shape, the human table, and errors as exit code 1."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from lindungi.cli import main

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["contribution", *args])
    return result.exit_code, result.output


def _json(*args: str) -> dict[str, Any]:
    code, output = _run(*args, "--json")
    assert code == 0, output
    data: dict[str, Any] = json.loads(output)
    return data


@pytest.mark.parametrize(
    ("args", "programmes", "total"),
    [
        (
            ["--segment", "BPU", "--income", "1000000", "--programs", "JKK,JKM"],
            {"JKK": 10_000, "JKM": 6_800},
            16_800,
        ),
        (["--segment", "bpu", "--income", "1000000"], {"JKK": 10_000, "JKM": 6_800}, 16_800),
        (
            ["--segment", "BPU", "--income", "1000000", "--programmes", "jkk, jkm, jht"],
            {"JKK": 10_000, "JKM": 6_800, "JHT": 20_000},
            36_800,
        ),
        (
            ["--segment", "PU", "--wage", "5000000", "--risk-group", "I"],
            {"JKK": 12_000, "JKM": 15_000, "JHT": 285_000, "JP": 150_000},
            462_000,
        ),
        (
            [
                *("--segment", "PU", "--wage", "4000000", "--risk-group", "iii"),
                *("--programs", "JKK", "--kbli", "14111", "--workers", "60"),
            ],
            {"JKK": 17_800},
            17_800,
        ),
        (
            ["--segment", "JAKON", "--contract-value", "2000000000"],
            {"JKK": 2_640_000, "JKM": 310_000},
            2_950_000,
        ),
        (
            ["--segment", "PMI", "--phase", "placement", "--contract-months", "24"],
            {"JKK+JKM": 332_500},
            332_500,
        ),
    ],
)
def test_json(args: list[str], programmes: dict[str, int], total: int) -> None:
    month = "2025-03" if "--kbli" in args else "2026-11"
    data = _json(*args, "--month", month)
    assert data["month"] == month
    assert data["programmes"] == programmes
    assert data["total"] == total
    assert data["rules"]
    assert all(rule["regulation"] for rule in data["rules"])


def test_json_of_the_brief() -> None:
    data = _json(
        "--segment", "BPU", "--income", "1000000", "--programs", "JKK,JKM", "--month", "2026-11"
    )
    assert {k: data[k] for k in ("segment", "month", "programmes", "total")} == {
        "segment": "BPU",
        "month": "2026-11",
        "programmes": {"JKK": 10_000, "JKM": 6_800},
        "total": 16_800,
    }
    assert {rule["table"] for rule in data["rules"]} == {
        "bpu_jkk_rate",
        "bpu_jkm_flat",
        "bpu_income_min",
        "bpu_income_max",
    }


def test_json_shows_deferred_jp() -> None:
    data = _json(
        *("--segment", "PU", "--wage", "5000000", "--risk-group", "I", "--programs", "JP"),
        *("--month", "2020-09"),
    )
    assert data["dues"] == [
        {
            "programme": "JP",
            "employer_share": 1_000,
            "worker_share": 500,
            "government_share": 0,
            "deferred": 148_500,
        }
    ]
    assert (data["total"], data["deferred"]) == (1_500, 148_500)


def test_human_table() -> None:
    code, output = _run(
        *("--segment", "PU", "--wage", "12000000", "--risk-group", "I"),
        *("--programs", "JP,JKP", "--month", "2026-03"),
    )
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "Iuran PU bulan 2026-03 (contribution)"
    assert " ".join(lines[1].split()) == "Program Pemberi kerja Pekerja Pemerintah Ditunda Ditagih"
    assert lines[2].split() == ["JP", "221.726", "110.863", "0", "0", "332.589"]
    assert lines[3].split() == ["JKP", "0", "0", "11.000", "0", "0"]
    assert "Jumlah ditagih (billed): Rp332.589" in output
    assert "Dibiayai pemerintah (government-funded): Rp11.000" in output
    assert "jp_wage_cap: PP 45/2015 Pasal 29" in output


def test_month_defaults_to_the_current_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda: date(2020, 9, 17))
    data = _json("--segment", "BPU", "--income", "1000000")
    assert (data["month"], data["total"]) == ("2020-09", 168)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--segment", "BPU", "--income", "500000"], "Rp1.000.000 sampai Rp20.700.000"),
        (["--segment", "BPU", "--income", "1000000", "--programs", "JP"], "JP"),
        (["--segment", "PU", "--wage", "5000000"], "risk_group"),
        (["--segment", "BPU", "--income", "1000000", "--month", "2015-01"], "bpu_jkk_rate"),
        (["--segment", "BPU", "--income", "1000000", "--month", "2026-13"], "YYYY-MM"),
        (["--segment", "XX"], "XX"),
    ],
)
def test_errors_exit_1_with_a_message(args: list[str], message: str) -> None:
    code, output = _run(*args)
    assert code != 0
    assert message in output
