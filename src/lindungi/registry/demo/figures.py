"""Published figures the demo population is scaled to, each with its source.

Coverage: active and non-active participants per province, Dec 2023 (REGULATIONS.md §4.4,
spn.or.id quoting Satu Data Kemnaker). Denominator: employed persons ("penduduk bekerja",
BPS Sakernas), so the covered share of a province is active / employed. Informal (BPU)
participants are ~15 % of the covered (DESIGN.md §1: ~396 thousand of ~2.6 million).
Shares of ethnic groups and occupations are rounded approximations for a realistic demo, not
statistics; they are marked as such.
"""

from __future__ import annotations

PROVINCES = ("61", "62", "63", "64", "65")

# REGULATIONS.md §4.4, Dec 2023 (spn.or.id).
ACTIVE = {"61": 729_270, "62": 686_023, "63": 634_862, "64": 1_323_233, "65": 245_948}
NON_ACTIVE = {"61": 395_542, "62": 528_653, "63": 309_683, "64": 859_241, "65": 155_126}

# Employed persons (BPS Sakernas). Sources, as reported in the press:
# 61: Aug 2023, 2.78 M (kalbar.antaranews.com/berita/555426);
# 62: Aug 2023, 1,349.88 thousand (kalteng.antaranews.com/berita/664287);
# 63: Feb 2023, 2,075,988 (bakabar.com, "Data BPS: Puluhan Ribu Orang di Kalsel ...");
# 64: Aug 2023, 1,847,295 (kaltim.antaranews.com/berita/200079);
# 65: Aug 2025, 380,572 (prokal.co, "BPS Kaltara: Angkatan Kerja Capai 395 Ribu Orang");
#     the Aug 2023 figure was not found.
EMPLOYED = {"61": 2_780_000, "62": 1_349_880, "63": 2_075_988, "64": 1_847_295, "65": 380_572}

INFORMAL_SHARE_OF_COVERED = 0.15  # DESIGN.md §1
# Share of wage earners in formal jobs who are registered by their employer (demo assumption;
# the rest are the "PDS tenaga kerja" that compliance looks for).
FORMAL_COVERED = 0.88
FORMAL_SHARE_CAP = 0.80
# At most this share of the uncovered carries an ended (lapsed or resigned) membership; Kaltim's
# published non-active count exceeds its uncovered employed (people move between provinces).
NON_ACTIVE_CAP = 0.80


def covered_share(province: str) -> float:
    """Active participants per employed person (REGULATIONS.md §4.4 over Sakernas)."""
    return ACTIVE[province] / EMPLOYED[province]


def non_active_share(province: str) -> float:
    """Registered but not active participants per employed person, capped (see above)."""
    uncovered = 1.0 - covered_share(province)
    return min(NON_ACTIVE[province] / EMPLOYED[province], NON_ACTIVE_CAP * uncovered)


def formal_share(province: str) -> float:
    """Share of workers in formal jobs needed for the PU part of the covered share."""
    pu = covered_share(province) * (1.0 - INFORMAL_SHARE_OF_COVERED)
    return min(pu / FORMAL_COVERED, FORMAL_SHARE_CAP)


# Ethnic mix per province (approximate, for names only). Keys: name pools of names.py.
ETHNIC_MIX: dict[str, dict[str, float]] = {
    "61": {"malay": 34, "dayak": 34, "javanese": 14, "chinese": 9, "bugis": 5, "banjar": 4},
    "62": {"dayak": 46, "banjar": 24, "javanese": 22, "malay": 3, "bugis": 3, "chinese": 2},
    "63": {"banjar": 76, "javanese": 14, "bugis": 5, "dayak": 3, "chinese": 1, "malay": 1},
    "64": {
        "javanese": 30,
        "bugis": 22,
        "banjar": 14,
        "dayak": 12,
        "kutai": 12,
        "malay": 5,
        "chinese": 5,
    },
    "65": {
        "dayak": 30,
        "bugis": 26,
        "javanese": 20,
        "banjar": 8,
        "malay": 8,
        "chinese": 4,
        "kutai": 4,
    },
}
# Regencies whose mix differs markedly from their province's (approximate).
ETHNIC_MIX_REGENCY: dict[str, dict[str, float]] = {
    "6171": {"malay": 35, "chinese": 25, "javanese": 15, "bugis": 12, "dayak": 8, "banjar": 5},
    "6172": {"chinese": 42, "malay": 30, "dayak": 10, "javanese": 10, "bugis": 4, "banjar": 4},
    "6402": {
        "kutai": 30,
        "javanese": 25,
        "bugis": 18,
        "banjar": 14,
        "dayak": 9,
        "malay": 2,
        "chinese": 2,
    },
}

# Where people not born in their regency come from: (province, weight) per ethnic group.
MIGRANT_ORIGIN: dict[str, tuple[float, dict[str, float]]] = {
    # group: (share born outside the province, origin provinces)
    "javanese": (0.45, {"35": 45, "33": 35, "32": 10, "34": 5, "52": 5}),
    "bugis": (0.35, {"73": 85, "74": 10, "76": 5}),
    "banjar": (0.20, {"63": 100}),
    "chinese": (0.05, {"61": 60, "31": 40}),
    "malay": (0.05, {"21": 50, "14": 50}),
    "dayak": (0.03, {"62": 50, "61": 50}),
    "kutai": (0.02, {"64": 100}),
}
SAME_REGENCY = 0.80  # of those born in their own province
