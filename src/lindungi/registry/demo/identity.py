"""NIKs, birth places, names, phones, addresses and welfare deciles of the demo's people."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lindungi.registry.demo import figures, jobs
from lindungi.registry.demo.context import Context
from lindungi.registry.demo.names import GROUPS, NameMaker, build_names
from lindungi.registry.demo.people import Geo, People, categorical
from lindungi.registry.rules import name_search_key

# Kalimantan Utara people whose NIK still carries the Kaltim code of before UU 20/2012.
HISTORIC_NIK = ((1995, 0.6), (2012, 0.25))  # (born before year, share)
DISTRICT_AS_BIRTH_PLACE = 0.6  # else the regency's name
PHONE_SHARE = {"formal": 0.85, "official": 0.95, "informal": 0.6}
MOBILE_PREFIXES = "11 12 13 21 22 23 52 53 14 15 16 55 56 57 58 17 18 19 59 77 78 95 96 97 98 81"
# Welfare decile (DTKS/Regsosek) shares, 1 = poorest: informal work skews low.
DECILES_INFORMAL = (17, 15, 13, 12, 10, 9, 8, 7, 5, 4)
DECILES_FORMAL = (3, 5, 7, 9, 11, 13, 14, 14, 12, 12)
DECILE_UNKNOWN = 0.08
STREETS = """Ahmad Yani|Gajah Mada|Diponegoro|Pangeran Antasari|Sultan Hasanuddin|Imam Bonjol|
Merdeka|Pahlawan|Jenderal Sudirman|Kartini|Cut Nyak Dien|Veteran|Pramuka|Adi Sucipto|
MT Haryono|S Parman|Hasan Basry|Tjilik Riwut|Juanda|Mulawarman|Slamet Riyadi|Tanjungpura|
Yos Sudarso|Gatot Subroto|Kom. Yos Sudarso|Gg. Mawar|Gg. Melati|Gg. Kenanga|Gg. Anggrek"""
HAMLETS = """Sungai Lurus|Karya Bakti|Sido Mulyo|Tanjung|Harapan Jaya|Suka Maju|Mekar Sari|
Sumber Rejeki|Rantau|Muara|Ulu|Hilir|Sei Pinang|Sumber Makmur|Bukit Raya|Tani Makmur"""


@dataclass
class Identity:
    nik: NDArray[np.str_]
    full_name: NDArray[np.object_]
    name_search: NDArray[np.object_]
    birth_place: NDArray[np.object_]
    address_line: NDArray[np.object_]
    phone: NDArray[np.object_]  # E.164 string or None
    welfare_decile: NDArray[np.int8]  # 0 = unknown


def _sorted_codes(names: dict[str, str]) -> NDArray[np.str_]:
    return np.array(sorted(names))


def _random_in_prefix(
    rng: np.random.Generator, codes: NDArray[np.str_], prefix: NDArray[np.str_], width: int
) -> NDArray[np.str_]:
    """For each prefix, a uniformly random code under it (codes sorted, so a contiguous range)."""
    heads = codes.astype(f"U{width}")
    low = np.searchsorted(heads, prefix, side="left")
    high = np.searchsorted(heads, prefix, side="right")
    pick = low + np.floor(rng.random(len(prefix)) * (high - low)).astype(np.int64)
    return codes[np.minimum(pick, len(codes) - 1)]


def birth_districts(
    rng: np.random.Generator, ctx: Context, geo: Geo, people: People
) -> tuple[NDArray[np.str_], NDArray[np.str_]]:
    """District of first NIK issue (as coded in the NIK) and the same district as named today.

    Mostly the home regency; migrants (Javanese, Bugis, Banjar ...) keep their origin's code.
    """
    n = len(people.group)
    home_district = geo.codes[people.village].astype("U6")
    home_regency = home_district.astype("U4")
    home_province = home_district.astype("U2")
    province = home_province.copy()
    for g, name in enumerate(GROUPS):
        outside, origins = figures.MIGRANT_ORIGIN[name]
        moved = (people.group == g) & (rng.random(n) < outside)
        province[moved] = categorical(rng, origins, int(moved.sum()))
    regency = _random_in_prefix(rng, _sorted_codes(ctx.regency_names), province, 2)
    same = (province == home_province) & (rng.random(n) < figures.SAME_REGENCY)
    regency[same] = home_regency[same]
    district = _random_in_prefix(rng, _sorted_codes(ctx.district_names), regency, 4)
    at_home = same & (rng.random(n) < 0.7)
    district[at_home] = home_district[at_home]
    return _historic_codes(rng, ctx, district, people.birth_date), district


def _historic_codes(
    rng: np.random.Generator,
    ctx: Context,
    district: NDArray[np.str_],
    birth_date: NDArray[np.datetime64],
) -> NDArray[np.str_]:
    """Older Kalimantan Utara NIKs keep the Kaltim district code of before UU 20/2012."""
    if not ctx.historic_district:
        return district
    current = np.array(sorted(ctx.historic_district))
    old = np.array([ctx.historic_district[c] for c in current.tolist()])
    at = np.minimum(np.searchsorted(current, district), len(current) - 1)
    split = current[at] == district
    year = birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
    (before_a, share_a), (before_b, share_b) = HISTORIC_NIK
    share = np.select([year < before_a, year < before_b], [share_a, share_b], default=0.0)
    swap = split & (rng.random(len(district)) < share)
    coded = district.copy()
    coded[swap] = old[at[swap]]
    return coded


def niks(
    district: NDArray[np.str_], birth_date: NDArray[np.datetime64], female: NDArray[np.bool_]
) -> NDArray[np.str_]:
    """PP KK CC DDMMYY SSSS (women: day + 40); serials count up within each prefix."""
    day = (birth_date - birth_date.astype("datetime64[M]")).astype(np.int64) + 1
    month = birth_date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
    prefix = district.astype(np.int64) * 1_000_000 + (day + 40 * female) * 10_000
    prefix += month * 100 + year % 100
    order = np.argsort(prefix, kind="stable")
    ordered = prefix[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(len(prefix)) - np.repeat(starts, np.diff(np.r_[starts, len(prefix)]))
    # Serials of a prefix start at 0001-0004, as if earlier numbers went to people not here.
    serial = rank + 1 + ordered % 7 % 4
    nik = np.empty(len(prefix), dtype=np.int64)
    nik[order] = ordered * 10_000 + serial
    return nik.astype("U16")


def birth_places(
    rng: np.random.Generator, ctx: Context, district: NDArray[np.str_]
) -> NDArray[np.object_]:
    """The district or the regency (without Kabupaten/Kota) of birth, as a KTP writes it."""
    codes, inverse = np.unique(district, return_inverse=True)
    by_district = np.array([ctx.district_names.get(c, "") for c in codes.tolist()], dtype=object)
    by_regency = np.array(
        [_town(ctx.regency_names.get(c[:4], "")) for c in codes.tolist()], dtype=object
    )
    use_district = rng.random(len(district)) < DISTRICT_AS_BIRTH_PLACE
    return np.where(use_district, by_district[inverse], by_regency[inverse])


def _town(regency: str) -> str:
    return regency.removeprefix("Kabupaten ").removeprefix("Kota ")


def names(
    rng: np.random.Generator, people: People, job_codes: list[str]
) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
    """Full names and their search keys; each distinct name is folded once."""
    maker = NameMaker()
    degree = np.array([jobs.DEGREE_PROB.get(c, 0.01) for c in [*job_codes, ""]])
    slots = maker.draw(
        rng,
        group=people.group,
        female=people.female,
        age=people.age,
        degree_prob=degree[people.job],
    )
    distinct, inverse = build_names(slots, maker)
    keys = np.array([name_search_key(name) for name in distinct], dtype=object)
    return np.array(distinct, dtype=object)[inverse], keys[inverse]


def phones(rng: np.random.Generator, people: People) -> NDArray[np.object_]:
    """Mobile numbers (E.164) for ~70 %: officials and wage earners more often."""
    n = len(people.job)
    share = np.where(
        people.village_role > 0,
        PHONE_SHARE["official"],
        np.where(people.formal, PHONE_SHARE["formal"], PHONE_SHARE["informal"]),
    )
    has = np.flatnonzero(rng.random(n) < share)
    prefixes = np.array(MOBILE_PREFIXES.split())[rng.integers(0, 26, size=len(has))]
    subscriber = rng.integers(1_000_000, 100_000_000, size=len(has))
    out = np.full(n, None, dtype=object)
    out[has] = [f"+628{p}{s}" for p, s in zip(prefixes.tolist(), subscriber.tolist(), strict=True)]
    return out


def addresses(
    rng: np.random.Generator, geo: Geo, village: NDArray[np.int32]
) -> NDArray[np.object_]:
    """Street and RT/RW in towns (kelurahan), hamlet and RT in villages (desa)."""
    n = len(village)
    streets = [" ".join(s.split()) for s in STREETS.split("|")]
    streets = [s if s.startswith("Gg.") else f"Jl. {s}" for s in streets]
    hamlets = [" ".join(h.split()) for h in HAMLETS.split("|")]
    street = rng.integers(0, len(streets), size=n).tolist()
    hamlet = rng.integers(0, len(hamlets), size=n).tolist()
    number = rng.integers(1, 200, size=n).tolist()
    rt = rng.integers(1, 25, size=n).tolist()
    rw = rng.integers(1, 12, size=n).tolist()
    town = geo.kelurahan[village].tolist()
    return np.array(
        [
            f"{streets[s]} No. {k}, RT {r:03d}/RW {w:03d}"
            if t
            else f"RT {r:03d}, Dusun {hamlets[h]}"
            for t, s, h, k, r, w in zip(town, street, hamlet, number, rt, rw, strict=True)
        ],
        dtype=object,
    )


def deciles(rng: np.random.Generator, formal: NDArray[np.bool_]) -> NDArray[np.int8]:
    n = len(formal)
    out = np.empty(n, dtype=np.int8)
    for flag, table in ((True, DECILES_FORMAL), (False, DECILES_INFORMAL)):
        mask = formal == flag
        p = np.array(table, dtype=np.float64)
        out[mask] = rng.choice(np.arange(1, 11), size=int(mask.sum()), p=p / p.sum())
    out[rng.random(n) < DECILE_UNKNOWN] = 0
    return out


def make_identity(rng: np.random.Generator, ctx: Context, geo: Geo, people: People) -> Identity:
    """Names, NIKs and contact details for people already placed and employed."""
    coded, named = birth_districts(rng, ctx, geo, people)
    full_name, name_search = names(rng, people, sorted(ctx.jobs))
    return Identity(
        nik=niks(coded, people.birth_date, people.female),
        full_name=full_name,
        name_search=name_search,
        birth_place=birth_places(rng, ctx, named),
        address_line=addresses(rng, geo, people.village),
        phone=phones(rng, people),
        welfare_decile=deciles(rng, people.formal),
    )
