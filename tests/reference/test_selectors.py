from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lindungi.core.errors import NotFound
from lindungi.reference import selectors
from lindungi.reference.models import Region, RegionLevel
from lindungi.reference.services import LoadResult

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("level", "count"),
    [
        (RegionLevel.PROVINCE, 38),
        (RegionLevel.REGENCY, 514),
        (RegionLevel.DISTRICT, 7_285),
        (RegionLevel.VILLAGE, 83_762),
    ],
)
def test_loaded_regions_per_level(reference_data: LoadResult, level: int, count: int) -> None:
    assert Region.objects.filter(level=level, historic=False).count() == count


@pytest.mark.parametrize(
    ("province", "districts", "villages"),
    [  # REGULATIONS.md §5.3
        ("61", 174, 2_145),
        ("62", 136, 1_571),
        ("63", 156, 2_016),
        ("64", 105, 1_038),
        ("65", 55, 482),
    ],
)
def test_kalimantan_district_and_village_counts(
    province: str, districts: int, villages: int
) -> None:
    current = Region.objects.filter(code__startswith=province, historic=False)
    assert current.filter(level=RegionLevel.DISTRICT).count() == districts
    assert current.filter(level=RegionLevel.VILLAGE).count() == villages


D = date


@pytest.mark.parametrize(
    ("table", "key", "on", "value"),
    [
        ("jp_wage_cap", "", D(2015, 7, 1), 7_000_000),
        ("jp_wage_cap", "", D(2024, 2, 29), 9_559_600),
        ("jp_wage_cap", "", D(2024, 3, 1), 10_042_300),
        ("jp_wage_cap", "", D(2026, 3, 1), 11_086_300),
        ("pu_jkk_rate", "I", D(2024, 1, 1), Decimal("0.0024")),
        ("pu_jkk_rate", "V", D(2024, 1, 1), Decimal("0.0174")),
        ("pu_jkm_rate", "", D(2024, 1, 1), Decimal("0.0030")),
        ("pu_jht_rate", "employer", D(2024, 1, 1), Decimal("0.037")),
        ("pu_jp_rate", "worker", D(2024, 1, 1), Decimal("0.01")),
        ("jkp_rate", "", D(2025, 2, 6), Decimal("0.0046")),
        ("jkp_rate", "", D(2025, 2, 7), Decimal("0.0036")),
        ("bpu_jkk_rate", "", D(2026, 1, 1), Decimal("0.01")),
        ("bpu_jkm_flat", "", D(2026, 1, 1), 6_800),
        ("bpu_income_max", "", D(2026, 1, 1), 20_700_000),
        ("jakon_wages_known", "jkk", D(2024, 1, 1), Decimal("0.0174")),
        ("jakon_tier", "jkm_2", D(2024, 1, 1), Decimal("0.0002")),
        ("pmi_amount", "placement_24m", D(2024, 1, 1), 332_500),
        ("discount", "jkk_jkm", D(2020, 9, 1), Decimal("0.01")),
        ("discount", "jkk_padat_karya", D(2025, 3, 1), Decimal("0.5")),
        ("late_fine_pu", "", D(2020, 7, 1), Decimal("0.02")),
        ("late_fine_pu", "", D(2020, 9, 1), Decimal("0.005")),
        ("late_fine_pu", "", D(2021, 2, 1), Decimal("0.02")),
        ("due_day_pu", "", D(2020, 12, 1), 30),
        ("due_day_pu", "", D(2021, 2, 1), 15),
        ("due_day_bpu", "", D(2026, 1, 1), 15),
        ("bpu_lapse_months", "", D(2026, 1, 1), 3),
        ("ump", "61", D(2025, 6, 1), 2_878_286),
        ("ump", "64", D(2026, 1, 1), 3_762_431),
        ("ump", "65", D(2024, 12, 31), 3_361_653),
    ],
)
def test_rate_in_force(table: str, key: str, on: date, value: Decimal | int) -> None:
    row = selectors.rate_in_force(table, key, on)
    assert row.value == value
    assert row.regulation


def test_bpu_minimum_package_is_16800() -> None:
    """DESIGN.md §1: JKK 1 % of Rp1,000,000 + JKM Rp6,800 = Rp16,800 a month."""
    on = D(2026, 1, 1)
    income = selectors.rate_in_force("bpu_income_min", "", on).value
    jkk = income * selectors.rate_in_force("bpu_jkk_rate", "", on).value
    assert jkk + selectors.rate_in_force("bpu_jkm_flat", "", on).value == 16_800


@pytest.mark.parametrize(
    ("table", "key", "on"),
    [
        ("jp_wage_cap", "", D(2015, 6, 30)),  # before PP 45/2015
        ("discount", "jkk_jkm", D(2021, 2, 1)),  # PP 49/2020 ended with January 2021
        ("ump", "64", D(2023, 12, 31)),
        ("pu_jkk_rate", "VI", D(2024, 1, 1)),
        ("no_such_table", "", D(2024, 1, 1)),
    ],
)
def test_rate_in_force_raises_not_found(table: str, key: str, on: date) -> None:
    with pytest.raises(NotFound):
        selectors.rate_in_force(table, key, on)


def test_rules_in_force_gives_one_row_per_key_ordered() -> None:
    rows = selectors.rules_in_force("pu_jkk_rate", D(2025, 1, 1))
    assert [(r.key, r.value) for r in rows] == [
        ("I", Decimal("0.0024")),
        ("II", Decimal("0.0054")),
        ("III", Decimal("0.0089")),
        ("IV", Decimal("0.0127")),
        ("V", Decimal("0.0174")),
    ]
    assert selectors.rules_in_force("discount", D(2024, 1, 1)) == []


def test_region_get_accepts_dotted_codes() -> None:
    assert selectors.region_get("64.02").name == "Kabupaten Kutai Kartanegara"
    assert selectors.region_get("6402").dotted == "64.02"
    with pytest.raises(NotFound):
        selectors.region_get("99")


def test_region_children() -> None:
    assert selectors.region_children("").count() == 38
    assert list(selectors.region_children("61.12").values_list("code", flat=True)) == [
        f"6112{n:02d}" for n in range(1, 10)
    ]  # Kubu Raya's nine kecamatan
    assert not selectors.region_children("64").filter(historic=True).exists()
    old = selectors.region_children("64", include_historic=True).filter(historic=True)
    assert sorted(old.values_list("code", flat=True)) == ["6404", "6405", "6406", "6410", "6473"]


def test_region_path_names_province_to_village() -> None:
    assert selectors.region_path("61.12.01.2001") == [
        "Kalimantan Barat",
        "Kabupaten Kubu Raya",
        "Sungai Raya",
        "Sungai Raya",
    ]
    with pytest.raises(NotFound):
        selectors.region_path("6112019999")
    with pytest.raises(NotFound):
        selectors.region_path("nonsense")


def test_district_codes_for_nik_include_historic_codes() -> None:
    codes = selectors.district_codes_for_nik()
    assert len(codes) == 7_285 + 649
    assert {"640201", "650105", "640405", "647301", "910101"} <= codes
    assert "640701" not in codes  # a gap in today's Kutai Barat, not a known old code
    assert selectors.district_codes_for_nik() is codes  # cached per process


def test_region_exists_includes_historic() -> None:
    assert selectors.region_exists("64.04")
    assert selectors.region_exists("6404")
    assert not selectors.region_exists("6412")


def test_historic_region_points_at_successor() -> None:
    old = selectors.region_get("64.04.05")
    assert old.historic
    assert old.successor is not None
    assert (old.successor.dotted, old.successor.name) == ("65.01.05", "Tanjung Selor")


def test_village_choices_and_address_exclude_historic() -> None:
    choices = selectors.village_choices("61.12.01")
    assert len(choices) == 22
    assert choices[0] == ("6112012001", "Sungai Raya")
    assert selectors.village_for_address("61.12.01.2001").name == "Sungai Raya"
    for not_a_village in ("640405", "6404", "611201"):
        with pytest.raises(NotFound):
            selectors.village_for_address(not_a_village)


def test_occupation_selectors() -> None:
    assert selectors.occupation_get("nelayan").jkk_risk_group == 4
    assert ("petani", "Petani") in selectors.occupation_choices()
    with pytest.raises(NotFound):
        selectors.occupation_get("astronot")
