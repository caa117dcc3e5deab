"""The vendored files themselves: counts, shape, provenance of every rule row (no database)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from lindungi.reference import loading
from lindungi.reference.loading import RegionRow
from lindungi.reference.models import RiskGroup, RuleStatus

# idn-area-data 4.0.1 = Kepmendagri 300.2.2-2138/2025 (REGULATIONS.md §5.2).
EXPECTED_LEVELS = {1: 38, 2: 514, 3: 7_285, 4: 83_762}

# Codes the demo generator and the village/BPU screens rely on.
REQUIRED_OCCUPATIONS = [
    "petani",
    "nelayan",
    "pedagang",
    "ojek",
    "sopir_angkot",
    "buruh_bangunan",
    "buruh_kebun",
    "penambang",
    "perangkat_desa",
    "ketua_rt",
    "pekebun",
    "peternak",
    "pengrajin",
    "asisten_rumah_tangga",
    "tukang_parkir",
    "pemulung",
    "buruh_pelabuhan",
    "karyawan_pabrik",
    "karyawan_kantor",
    "guru_honorer",
    "tenaga_kesehatan",
    "kurir",
]


@pytest.fixture(scope="module")
def rows() -> tuple[RegionRow, ...]:
    return loading.region_rows()  # parsed once: ~0.3 s per parse


def test_vendored_region_counts_per_level(rows: tuple[RegionRow, ...]) -> None:
    current = Counter(row.level for row in rows if not row.historic)
    assert dict(current) == EXPECTED_LEVELS


def test_every_region_has_its_parent_in_the_files(rows: tuple[RegionRow, ...]) -> None:
    codes = {row.code for row in rows}
    assert len(codes) == len(rows)
    assert all(row.parent in codes for row in rows if row.level > 1)


def test_historic_rows_are_regencies_and_districts_with_current_successors(
    rows: tuple[RegionRow, ...],
) -> None:
    current = {row.code for row in rows if not row.historic}
    historic = [row for row in rows if row.historic]
    assert Counter(row.level for row in historic) == {2: 31, 3: 649}
    assert all(row.code not in current for row in historic)
    assert all(row.successor in current for row in historic if row.successor)
    successors = [row.successor for row in historic if row.successor]
    assert len(successors) == len(set(successors))  # no two old codes claim one new code


@pytest.mark.parametrize(
    ("old", "successor"),
    [
        # Kalimantan Utara (UU 20/2012) — inferred, see docs/reference-data.md
        ("6404", "6501"),  # Bulungan
        ("6405", "6503"),  # Nunukan
        ("6406", "6502"),  # Malinau
        ("6410", "6504"),  # Tana Tidung
        ("6473", "6571"),  # Kota Tarakan
        ("640405", "650105"),  # Tanjung Selor
        ("647301", "657101"),  # Tarakan Barat
        ("641001", "650401"),  # Sesayap
        # Papua's new provinces (2022) — from the archived Permendagri 58/2021 list
        ("9101", "9301"),  # Merauke → Papua Selatan
        ("910101", "930101"),
        ("910203", "950102"),  # Kurulu: renumbered when Jayawijaya moved to Papua Pegunungan
        ("9271", "9671"),  # Kota Sorong → Papua Barat Daya (not Kabupaten Sorong)
        ("9201", "9601"),
    ],
)
def test_historic_code_points_at_its_successor(
    old: str, successor: str, rows: tuple[RegionRow, ...]
) -> None:
    by_code = {row.code: row for row in rows}
    assert by_code[old].historic
    assert by_code[old].successor == successor
    assert not by_code[successor].historic


def test_kaltara_historic_districts_mirror_todays_districts(rows: tuple[RegionRow, ...]) -> None:
    old = sorted(r.code[4:] for r in rows if r.historic and r.parent == "6404")
    new = sorted(r.code[4:] for r in rows if not r.historic and r.parent == "6501")
    assert old == new
    assert len(old) == 10


def test_vendored_files_stay_small() -> None:
    total = sum(p.stat().st_size for p in loading.DATA_DIR.iterdir() if p.is_file())
    assert total < 2_000_000


def test_occupations_cover_the_demo_codes_with_valid_fields() -> None:
    rows = loading.occupation_rows()
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes))
    assert set(REQUIRED_OCCUPATIONS) <= set(codes)
    assert 40 <= len(rows) <= 60
    for row in rows:
        assert re.fullmatch(r"[a-z_]{2,32}", row.code), row.code
        assert row.name, row.code
        assert row.name_en, row.code
        assert row.jkk_risk_group in RiskGroup.values
        assert re.fullmatch(r"[A-U]?", row.kbli_section), row.code


def test_every_rule_row_names_regulation_source_and_status() -> None:
    specs = loading.rule_specs()
    assert len(specs) == 82
    for spec in specs:
        assert spec.regulation.strip(), spec.identity
        assert spec.source.strip(), spec.identity
        assert spec.status in RuleStatus.values, spec.identity


def test_rule_tables_are_the_contribution_tables() -> None:
    tables = {spec.table for spec in loading.rule_specs()}
    assert tables == {
        "pu_jkk_rate",
        "pu_jkm_rate",
        "pu_jht_rate",
        "pu_jp_rate",
        "jp_wage_cap",
        "jkp_rate",
        "bpu_jkk_rate",
        "bpu_jkm_flat",
        "bpu_jht_rate",
        "bpu_income_min",
        "bpu_income_max",
        "jakon_wages_known",
        "jakon_tier",
        "pmi_amount",
        "pmi_jht_option",
        "discount",
        "jp_deferral",
        "late_fine_pu",
        "sanction_fine",
        "due_day_pu",
        "due_day_bpu",
        "bpu_late_fine",
        "bpu_lapse_months",
        "ump",
    }


@pytest.mark.parametrize(
    ("table", "key"), [("jp_wage_cap", ""), *(("ump", p) for p in ("61", "62", "63", "64", "65"))]
)
def test_chained_tables_have_no_gaps(table: str, key: str) -> None:
    rows = sorted(
        (s for s in loading.rule_specs() if s.table == table and s.key == key),
        key=lambda s: s.valid_from,
    )
    assert [a.valid_to for a in rows[:-1]] == [b.valid_from for b in rows[1:]]
    assert rows[-1].valid_to is None


def test_jp_wage_cap_steps_follow_gdp_and_round_down_to_100() -> None:
    """PP 45/2015 Pasal 29: previous cap x (1 + GDP growth), rounded down to Rp100."""
    rows = sorted(
        (s for s in loading.rule_specs() if s.table == "jp_wage_cap"), key=lambda s: s.valid_from
    )
    for previous, row in pairwise(rows):
        if "gdp_factor" in row.params:
            expected = int(previous.value * Decimal(row.params["gdp_factor"])) // 100 * 100
            assert row.value == expected, row.valid_from


def test_discount_rows_name_programmes_and_scope() -> None:
    discounts = [s for s in loading.rule_specs() if s.table == "discount"]
    assert [
        (s.valid_from, s.valid_to, s.value, s.regulation.split(" (")[0]) for s in discounts
    ] == [
        (date(2020, 8, 1), date(2021, 2, 1), Decimal("0.01"), "PP 49/2020 Pasal 9"),
        (date(2025, 2, 1), date(2025, 8, 1), Decimal("0.5"), "PP 7/2025"),
        (date(2025, 8, 1), date(2026, 2, 1), Decimal("0.5"), "PP 36/2025"),
    ]
    assert discounts[2].status == RuleStatus.UNVERIFIED
    assert discounts[1].params["min_workers"] == 50
    assert all(s.params["programmes"] for s in discounts)
