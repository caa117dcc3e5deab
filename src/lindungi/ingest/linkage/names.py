"""Indonesian personal names as linkage compares them (pure; no ORM, no settings).

Built on the registry's `name_search_key` so that a file row and the worker's stored
`name_search` fold the same way: accents and apostrophes dropped, titles (H., Hj., Dr., Drs.,
Ir., K.H.) and degrees (S.Pd., S.E., S.Kom., A.Md. ...) stripped, Muhammad/Muhamad/Mochammad/
Moh./Moch./M. folded to one token, spelling variants (Rizky/Rizki, Noor/Nur, Tj/C, Dj/J)
folded. On top of that, linkage needs:

- the patronymic part after bin/binti separated from the given name: it is compared as a
  weaker feature of its own, because offices write it or leave it out at will;
- the tokens sorted, so that "Rahayu Sri" and "Sri Rahayu" agree (name order swaps);
- the letters without spaces, so that "Nur Hayati" and "Nurhayati" agree (spacing, hyphens).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lindungi.registry.rules import name_search_key

# Written connectors of a patronym: bin, binti, bt., bte (the registry drops the word itself).
# A cheap pre-filter over many names (Arrow regex, RE2 syntax): could one hold a patronym?
PATRONYM_HINT = r"(^|[\s.,])(bin|binti|binte|bt|bte)[\s.]"
_PATRONYM = re.compile(r"(?i)(?:^|[\s.,])(?:bin|binti|binte|bt|bte)(?:[\s.]+)(?=\S)")


@dataclass(frozen=True)
class NameParts:
    """One name as compared: `given` (folded, in written order), `patronym` ('' if none)."""

    given: str
    patronym: str

    @property
    def tokens(self) -> list[str]:
        return self.given.split()

    @property
    def sorted_key(self) -> str:
        """Tokens in alphabetical order: name order swaps compare equal."""
        return " ".join(sorted(self.tokens))

    @property
    def compact(self) -> str:
        """Letters only, in written order: spacing and hyphen variants compare equal."""
        return self.given.replace(" ", "")


def split_patronym(full_name: str) -> tuple[str, str]:
    """The raw name before bin/binti and the raw patronym after it ('' when there is none)."""
    match = _PATRONYM.search(full_name)
    if match is None or not full_name[: match.start()].strip():
        return full_name, ""
    return full_name[: match.start()], full_name[match.end() :]


def normalise(full_name: str) -> NameParts:
    """A name folded for comparison, its patronymic part kept apart."""
    given_raw, patronym_raw = split_patronym(full_name)
    given = name_search_key(given_raw)
    patronym = name_search_key(patronym_raw) if patronym_raw else ""
    if not given:  # a name that was only a title or only digits: compare what there is
        given = name_search_key(full_name)
    return NameParts(given=given, patronym=patronym)


def registry_parts(full_name: str, name_search: str) -> NameParts:
    """NameParts of a name whose registry key is known (a worker's stored `name_search`, a
    checked row's); reuses the key unless a patronym must be split."""
    if _PATRONYM.search(full_name) is None:
        return NameParts(given=name_search, patronym="")
    return normalise(full_name)
