"""Indonesian names as linkage compares them: table-driven, no database."""

from __future__ import annotations

import pytest

from lindungi.ingest.linkage.engine import _parts
from lindungi.ingest.linkage.names import NameParts, normalise, registry_parts, split_patronym
from lindungi.ingest.linkage.types import LinkInput
from lindungi.registry.rules import name_search_key

NAMES = [
    # Muhammad written every way offices write it
    ("Muhammad Rizky", "muhamad rizki", ""),
    ("Muhamad Rizki", "muhamad rizki", ""),
    ("Mochammad Rizky", "muhamad rizki", ""),
    ("Mohammad Rizky", "muhamad rizki", ""),
    ("Moh. Rizky", "muhamad rizki", ""),
    ("Moch. Rizky", "muhamad rizki", ""),
    ("M. Rizky", "muhamad rizki", ""),
    ("Muh. Rizky", "muhamad rizki", ""),
    # titles and degrees, before and after, with and without commas
    ("H. Abdul Rahman", "abdul rahman", ""),
    ("Hj. Siti Aminah", "siti amina", ""),
    ("Dr. Ir. Budi Santoso", "budi santoso", ""),
    ("Drs. Budi Santoso, M.M.", "budi santoso", ""),
    ("Rina Wulandari, S.Pd.", "rina wulandari", ""),
    ("Rina Wulandari S.E.", "rina wulandari", ""),
    ("Andi Baso, S.Kom.", "andi baso", ""),
    ("Rusmini, A.Md.", "rusmini", ""),
    # spacing, hyphens, case, accents, apostrophes
    ("  SITI   NURHAYATI ", "siti nurhaiati", ""),
    ("Siti-Nurhayati", "siti nurhaiati", ""),
    ("Ma'ruf Amin", "maruf amin", ""),
    ("Zulkarnaén", "zulkarnain", ""),  # é dropped, then ae folded as in Zulkarnain
    # one-word names stay one word
    ("Sukirman", "sukirman", ""),
    ("Painem", "painem", ""),
    # bin / binti: the patronym is kept apart
    ("Ahmad bin Yusuf", "ahmad", "iusuf"),
    ("Siti Aminah binti Abdullah", "siti amina", "abdula"),
    ("Siti Aminah Bt. Usman", "siti amina", "usman"),
    ("Hj. Rahmah binti H. Basri, S.Pd.", "rahma", "basri"),
    # "Bin" as the first word is a name, not a connector
    ("Bin Laden", "laden", ""),
    # old spelling
    ("Tjahjo Soejono", "cahio suiono", ""),
]


@pytest.mark.parametrize(("written", "given", "patronym"), NAMES)
def test_normalise(written: str, given: str, patronym: str) -> None:
    parts = normalise(written)
    assert (parts.given, parts.patronym) == (given, patronym)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sri Rahayu", "Rahayu Sri"),  # name order swapped
        ("Budi Santoso Wibowo", "Wibowo Budi Santoso"),
        ("H. Muhammad Rizky, S.Pd.", "Rizky Muhamad"),
    ],
)
def test_sorted_keys_of_swapped_names_agree(a: str, b: str) -> None:
    assert normalise(a).sorted_key == normalise(b).sorted_key


def test_a_trailing_m_is_an_initial_not_muhammad() -> None:
    assert normalise("Rizky M.").given == "rizki m"


@pytest.mark.parametrize(
    ("a", "b"),
    [("Nur Hayati", "Nurhayati"), ("Nur-Hayati", "Nurhayati"), ("Abdul Rahman", "Abdulrahman")],
)
def test_compact_keys_of_spacing_variants_agree(a: str, b: str) -> None:
    assert normalise(a).compact == normalise(b).compact


def test_tokens_and_split() -> None:
    assert normalise("Dewi Sri Lestari").tokens == ["dewi", "sri", "lestari"]
    assert split_patronym("Ahmad bin Yusuf") == ("Ahmad", "Yusuf")
    assert split_patronym("Bintang Timur") == ("Bintang Timur", "")


def test_registry_parts_reuse_the_stored_key_unless_a_patronym_is_written() -> None:
    assert registry_parts("Sri Rahayu", "sri rahaiu").given == "sri rahaiu"
    assert registry_parts("Ahmad bin Yusuf", "ahmad iusuf").given == "ahmad"
    assert registry_parts("Ahmad bin Yusuf", "ahmad iusuf").patronym == "iusuf"


@pytest.mark.parametrize(("written", "given", "patronym"), NAMES)
def test_a_rows_checked_name_key_gives_the_same_parts_as_folding_again(
    written: str, given: str, patronym: str
) -> None:
    row = LinkInput(1, None, False, written, None, None, None, name_key=name_search_key(written))
    assert _parts(row) == normalise(written) == NameParts(given, patronym)


def test_a_name_key_cut_at_200_characters_is_folded_again() -> None:
    written = "Ahmad " * 40
    cut = name_search_key(written)[:200]
    row = LinkInput(1, None, False, written, None, None, None, name_key=cut)
    assert _parts(row).given == name_search_key(written) != cut
