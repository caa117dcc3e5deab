"""link() against the registry database: exact NIK, probabilistic outcomes, duplicates in a file."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

import pytest

from lindungi.core import pii
from lindungi.ingest.linkage import LinkInput, LinkResult, link, model
from lindungi.reference.models import Region
from lindungi.registry.models import Worker
from lindungi.registry.rules import name_search_key

pytestmark = pytest.mark.django_db
_keys = count(1)


@pytest.fixture(autouse=True)
def _own_model_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path  # never a developer's trained model


@pytest.fixture(autouse=True, params=["keyed", "whole"])
def registry_read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test links both ways: keyed reads of the registry, and the registry read whole
    (the registries here are small, so the size rule alone would always read them whole)."""
    per_row = 0 if request.param == "keyed" else 10**9
    monkeypatch.setattr("lindungi.ingest.linkage.engine.WHOLE_REGISTRY_PER_ROW", per_row)
    return str(request.param)


@pytest.fixture
def villages() -> dict[str, str]:
    """Two villages of one district (640201), one of another regency (6403)."""
    same = list(
        Region.objects.filter(code__startswith="640201", level=4).values_list("code", flat=True)[:2]
    )
    far = Region.objects.filter(code__startswith="6403", level=4).values_list("code", flat=True)[0]
    return {"home": same[0], "neighbour": same[1], "far": far}


def nik_index(nik: str) -> str:
    return pii.blind_index(nik, field="nik")


def worker(name: str, born: date, sex: str, village: str, nik: str | None = None) -> Worker:
    return Worker.objects.create(
        full_name=name,
        name_search=name_search_key(name),
        birth_date=born,
        sex=sex,
        village_id=village,
        nik_index=nik_index(nik) if nik else None,
    )


def row(
    name: str, born: date | None, sex: str | None, village: str | None, nik: str | None = None
) -> LinkInput:
    return LinkInput(
        key=next(_keys),
        nik_index=nik_index(nik) if nik else None,
        nik_valid=True,
        full_name=name,
        birth_date=born,
        sex=sex,
        village_code=village,
    )


def one(inp: LinkInput) -> LinkResult:
    (result,) = link([inp])
    return result


def test_empty_batch() -> None:
    assert link([]) == []


def test_exact_nik(villages: dict[str, str]) -> None:
    w = worker("Siti Aminah", date(1985, 8, 17), "P", villages["home"], "6402015708850001")
    inp = row("Siti Aminah binti Usman", date(1986, 1, 1), "P", villages["far"], "6402015708850001")
    assert one(inp) == LinkResult(inp.key, "exact", w.pk, 1.0, {"nik": "agree"}, None)


def test_typo_in_name_same_birth_date_and_village_merges(villages: dict[str, str]) -> None:
    w = worker("Rusmadi Hidayat", date(1979, 3, 2), "L", villages["home"])
    result = one(row("Rusmadi Hidayta", date(1979, 3, 2), "L", villages["home"]))
    assert (result.outcome, result.worker_id) == ("merge", w.pk)
    assert result.agreements == {
        "name": "fuzzy",
        "patronym": "missing",
        "birth_date": "agree",
        "sex": "agree",
        "village": "agree",
        "nik": "missing",
    }
    assert result.probability is not None
    assert result.probability >= 0.99


@pytest.mark.parametrize(
    "written",
    ["H. Muhammad Rizky, S.Pd.", "Moch. Rizki", "M. Rizky", "Rizky Muhammad", "Muhamad Rizky"],
)
def test_titles_muhammad_and_order_merge(villages: dict[str, str], written: str) -> None:
    w = worker("Muhammad Rizky", date(1990, 11, 23), "L", villages["home"])
    result = one(row(written, date(1990, 11, 23), "L", villages["home"]))
    assert (result.outcome, result.worker_id) == ("merge", w.pk)


def test_day_month_swap_merges(villages: dict[str, str]) -> None:
    w = worker("Masrani Rahmatullah", date(1957, 6, 12), "L", villages["home"])
    result = one(row("Masrani Rahmatullah", date(1957, 12, 6), "L", villages["home"]))
    assert (result.outcome, result.worker_id) == ("merge", w.pk)
    assert result.agreements["birth_date"] == "fuzzy"


def test_same_name_birth_date_far_apart_is_new(villages: dict[str, str]) -> None:
    worker("Dominikus Alang", date(1962, 4, 9), "L", villages["home"])
    result = one(row("Dominikus Alang", date(1991, 10, 27), "L", villages["far"]))
    assert (result.outcome, result.worker_id) == ("new", None)


def test_same_rare_name_and_village_but_another_birth_date_goes_to_a_clerk(
    villages: dict[str, str],
) -> None:
    w = worker("Dominikus Alang", date(1962, 4, 9), "L", villages["home"])
    result = one(row("Dominikus Alang", date(1991, 10, 27), "L", villages["home"]))
    assert (result.outcome, result.worker_id) == ("review", w.pk)
    assert result.agreements["birth_date"] == "disagree"


def test_sex_disagreement_never_merges_automatically(villages: dict[str, str]) -> None:
    w = worker("Nova Lenjau", date(1988, 5, 14), "P", villages["home"])
    result = one(row("Nova Lenjau", date(1988, 5, 14), "L", villages["home"]))
    assert (result.outcome, result.worker_id) == ("review", w.pk)
    assert result.agreements["sex"] == "disagree"


def test_nobody_alike_is_new(villages: dict[str, str]) -> None:
    worker("Yohanes Ingan", date(1970, 1, 1), "L", villages["home"])
    assert one(row("Sri Wahyuni", date(1999, 9, 9), "P", villages["far"])).outcome == "new"


def test_merged_workers_are_not_candidates(villages: dict[str, str]) -> None:
    target = worker("Hasnah Rosmiati", date(1975, 2, 3), "P", villages["home"])
    gone = worker("Hasnah Rosmiati", date(1975, 2, 3), "P", villages["neighbour"])
    Worker.objects.filter(pk=gone.pk).update(status="merged", merged_into=target)
    result = one(row("Hasnah Rosmiati", date(1975, 2, 3), "P", villages["home"]))
    assert (result.outcome, result.worker_id) == ("merge", target.pk)


def test_duplicates_in_the_file(villages: dict[str, str]) -> None:
    known = worker("Ahmad Fauzi", date(1980, 7, 7), "L", villages["home"], "6402010707800003")
    rows = [
        row("Sarinah Wati", date(1993, 1, 14), "P", villages["home"], "6402015401930002"),
        row("Ahmad Fauzi", date(1980, 7, 7), "L", villages["home"], "6402010707800003"),
        row("Sarinah Wati", date(1993, 1, 14), "P", villages["home"], "6402015401930002"),
        row("Sarinah Wat", date(1993, 1, 14), "P", villages["home"]),  # typo, no NIK
        row("Ahmad Fauzi", date(1980, 7, 7), "L", villages["home"], "6402010707800003"),
        row("Hendra Wijaya", date(2001, 2, 2), "L", villages["far"]),
    ]
    results = link(rows)
    assert [(r.outcome, r.duplicate_of) for r in results] == [
        ("new", None),
        ("exact", None),
        ("duplicate_in_file", rows[0].key),
        ("duplicate_in_file", rows[0].key),
        ("duplicate_in_file", rows[1].key),
        ("new", None),
    ]
    assert results[1].worker_id == results[4].worker_id == known.pk
    assert [r.key for r in results] == [r.key for r in rows]


def test_thresholds_come_from_the_stored_model(villages: dict[str, str]) -> None:
    worker("Rusmadi Hidayat", date(1979, 3, 2), "L", villages["home"])
    inp = row("Rusmadi Hidayta", date(1979, 3, 2), "L", villages["home"])
    model.save(model.LinkModel(name="strict").with_thresholds(upper=1.0, lower=0.5))
    model.save(model.LinkModel(name="never").with_thresholds(upper=1.0, lower=1.0))
    assert link([inp], model_name="strict")[0].outcome == "review"
    assert link([inp], model_name="never")[0].outcome == "new"
    assert link([inp], model_name="default")[0].outcome == "merge"  # nothing trained: defaults


NAMES = [
    "Sugeng",
    "Slamet",
    "Budi",
    "Joko",
    "Agus",
    "Bambang",
    "Teguh",
    "Heru",
    "Yudi",
    "Bayu",
    "Hadi",
    "Rudi",
    "Sutarno",
    "Mulyono",
    "Giyanto",
    "Paimin",
    "Sukirman",
    "Tukiman",
    "Ngadimin",
    "Suwarno",
    "Darmaji",
    "Supriyadi",
    "Suyanto",
    "Haryanto",
    "Sukardi",
    "Suprapto",
    "Wagiman",
    "Sarmin",
]


def test_reads_the_registry_in_a_fixed_number_of_queries(
    villages: dict[str, str], django_assert_max_num_queries: Any
) -> None:
    def nik(i: int) -> str:
        return f"6402014101{80 + i % 10:02d}{i:04d}"

    home = villages["home"]
    for i, name in enumerate(NAMES):
        worker(f"{name} Santoso", date(1970 + i, 1 + i % 12, 1 + i), "L", home, nik(i))
    rows = [
        row(f"{name} Santoso", date(1970 + i, 1 + i % 12, 1 + i), "L", home, nik(i))
        for i, name in enumerate(NAMES)
        if i % 2 == 0
    ]
    rows += [
        row(f"{name} Santosa", date(1970 + i, 1 + i % 12, 1 + i), "L", home)
        for i, name in enumerate(NAMES)
        if i % 2 == 1
    ]
    # temporary key tables (create, insert, drop), three reads, one count: not one per row
    with django_assert_max_num_queries(16):
        results = link(rows)
    assert [r.outcome for r in results] == ["exact"] * 14 + ["merge"] * 14


def test_missing_fields_compare_as_missing(villages: dict[str, str]) -> None:
    # missing sex is not a disagreement: a rare name and the birth date are enough to merge
    w = worker("Theresia Nyaring Ingan", date(1983, 12, 1), "P", villages["home"])
    result = one(row("Theresia Nyaring Ingan", date(1983, 12, 1), None, None))
    assert (result.outcome, result.worker_id) == ("merge", w.pk)
    assert result.agreements["sex"] == result.agreements["village"] == "missing"


def test_a_row_without_birth_date_or_with_a_very_long_name_still_links(
    villages: dict[str, str],
) -> None:
    worker("Lukas Lawing", date(1960, 6, 6), "L", villages["home"])
    rows = [row("Lukas Lawing", None, "L", villages["home"]), row("Lawing " * 60, None, "L", None)]
    results = link(rows)
    assert [r.outcome for r in results] == ["review", "new"]
    assert results[0].agreements["birth_date"] == "missing"


def test_an_empty_registry_links_nothing_but_still_finds_duplicates(
    villages: dict[str, str],
) -> None:
    rows = [
        row("Rahmat Hidayat", date(1977, 7, 17), "L", villages["home"]),
        row("Rachmat Hidayat", date(1977, 7, 17), "L", villages["home"]),
    ]
    results = link(rows)
    assert [(r.outcome, r.duplicate_of) for r in results] == [
        ("new", None),
        ("duplicate_in_file", rows[0].key),
    ]


def test_a_batch_of_exact_matches_only(villages: dict[str, str]) -> None:
    a = worker("Agustina Bungai", date(1990, 3, 3), "P", villages["home"], "6402014303900001")
    b = worker("Yulius Juing", date(1950, 5, 5), "L", villages["far"], "6403010505500002")
    rows = [
        row("Agustina", None, None, None, "6402014303900001"),
        row("Yulius J.", None, None, None, "6403010505500002"),
    ]
    assert [(r.outcome, r.worker_id) for r in link(rows)] == [("exact", a.pk), ("exact", b.pk)]


def test_a_file_read_against_the_whole_registry_links_as_the_keyed_reads_do(
    villages: dict[str, str], monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries: Any
) -> None:
    from lindungi.ingest.linkage import registry_source

    monkeypatch.setattr("lindungi.ingest.linkage.engine.WHOLE_REGISTRY_PER_ROW", 0)
    home = villages["home"]
    survivor = worker("Hasnah Rosmiati", date(1975, 2, 3), "P", home)
    gone = worker("Hasnah Rosmiati", date(1975, 2, 3), "P", home, "6402014302750001")
    Worker.objects.filter(pk=gone.pk).update(status="merged", merged_into=survivor)
    known = worker("Ahmad Fauzi", date(1980, 7, 7), "L", home, "6402010707800003")
    typo = worker("Yohanes Ingan", date(1970, 1, 1), "L", home)
    rows = [
        row("Hasnah Rosmiati", date(1975, 2, 3), "P", home, "6402014302750001"),
        row("Ahmad Fauzi", date(1980, 7, 7), "L", villages["far"], "6402010707800003"),
        row("Yohanis Ingan", date(1970, 1, 1), "L", home),
        row("Sri Wahyuni", date(1999, 9, 9), "P", villages["far"]),
    ]
    keyed = link(rows)
    monkeypatch.setattr(registry_source, "WHOLE_REGISTRY_DATES", 1)
    monkeypatch.setattr("lindungi.ingest.linkage.engine.WHOLE_REGISTRY_DATES", 1)
    with django_assert_max_num_queries(3):  # the count, the active workers, the merged NIKs
        whole = link(rows)
    assert whole == keyed
    assert [(r.outcome, r.worker_id) for r in whole] == [
        ("exact", survivor.pk),
        ("exact", known.pk),
        ("merge", typo.pk),
        ("new", None),
    ]


def test_a_registry_at_most_four_times_the_file_is_read_at_once(
    villages: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lindungi.ingest.linkage import registry_source

    assert registry_source.WHOLE_REGISTRY_PER_ROW == 4
    monkeypatch.setattr("lindungi.ingest.linkage.engine.WHOLE_REGISTRY_PER_ROW", 4)
    reads: list[int] = []
    whole = registry_source.DatabaseRegistry.whole

    def counted(self: registry_source.DatabaseRegistry) -> registry_source.Registry:
        reads.append(1)
        return whole(self)

    monkeypatch.setattr(registry_source.DatabaseRegistry, "whole", counted)
    home = villages["home"]
    known = [
        worker(f"Warga {name}", date(1980, 1, day), "L", home, f"64020101018000{day:02d}")
        for day, name in enumerate(["Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh"], 1)
    ]
    hasnah = worker("Hasnah Rosmiati", date(1975, 2, 3), "P", home)
    two = [
        row("Warga Satu", date(1980, 1, 1), "L", home, "6402010101800001"),
        row("Hasnah Rosmiati", date(1975, 2, 3), "P", home),
    ]
    assert [(r.outcome, r.worker_id) for r in link(two)] == [
        ("exact", known[0].pk),
        ("merge", hasnah.pk),
    ]
    assert len(reads) == 1  # 8 workers <= 4 x 2 rows: one scan
    assert [(r.outcome, r.worker_id) for r in link(two[:1])] == [("exact", known[0].pk)]
    assert len(reads) == 1  # 8 workers > 4 x 1 row: keyed reads
