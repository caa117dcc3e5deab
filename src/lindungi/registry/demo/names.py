"""Indonesian personal names by ethnic group and sex, drawn vectorised.

A name is up to six token slots: title (H./Hj.), prefix (Muhammad variants, Siti, noble
prefixes such as Andi, Awang, Gusti, Syarif), first given name, second given name, family or
patronymic part (bin/binti + father's name, Dayak and Chinese family names) and a degree. Slots
hold indices into one token table, so the generator works on integer arrays and builds each
distinct name string once. Pools are common names of each group, written the way offices write
them, including spelling variants (Rizky/Rizki, Nur/Noor, Syaiful/Saiful) that search must fold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

GROUPS = ("banjar", "dayak", "kutai", "bugis", "javanese", "malay", "chinese")
MUSLIM = {"banjar": 1.0, "kutai": 1.0, "bugis": 0.98, "javanese": 0.93, "malay": 1.0}
MUSLIM |= {"dayak": 0.25, "chinese": 0.05}

# Muhammad as offices write it (name_search_key folds them all).
MUHAMMAD = {"Muhammad": 50, "Muhamad": 15, "Mohammad": 8, "Mohamad": 5, "M.": 12, "Moh.": 4}
MUHAMMAD |= {"Muh.": 3, "Mhd.": 3}

_MUSLIM_MALE = """Ahmad Abdul Rizky Rizki Risky Rizqi Fauzi Arsyad Hairul Khairul Rahmat Rachmat
Yusuf Yusup Syaiful Saiful Hidayat Ramadhan Ridwan Rahman Hamdani Zainal Irfan Fikri Rizal
Taufik Iskandar Ilham Firman Hasan Husin Ismail Ibrahim Jamaluddin Kamaruddin Nurdin Abdullah
Fathurrahman Gazali Maulana Anwar Mahmud Usman Syahrul Fadli Azhar Arifin Hendra Rudi Agus"""
_MUSLIM_FEMALE = """Aisyah Nurhayati Rahmawati Fitriani Fitri Halimah Jamilah Aminah Fatimah
Nurul Nur Noor Husna Khairunnisa Zubaidah Rahmah Hasanah Maulida Aulia Anisa Annisa Yuliani
Rina Sari Mariani Salmah Masitah Nadia Ernawati Hayati Juwita Dahlia Nurjanah Rosmini Murni"""

POOLS: dict[str, dict[str, str]] = {
    "banjar": {
        "male": _MUSLIM_MALE
        + """ Syahrani Rahmadi Rusdiansyah Jumberi Masrani Saberan Jamhuri Fahriannor Mahyuni
        Syarifuddin Yusran Anang Iberahim Basri Arbain Hasbullah Sarkani Sahriansyah Rusmadi
        Aidil Haderi Supian Rahim Mursidi Norhadi Bahrudin Jailani Masdar""",
        "female": _MUSLIM_FEMALE
        + """ Rusmini Mahdalena Norlaila Rusnah Raudah Juwairiyah Kamariah Normila Mahrita
        Rabiatul Norhasanah Masliana Sarmiah Hamidah Jumiah Norjannah Rusdiana Fauziah""",
        "second_male": """Noor Rahman Hidayat Ansyari Effendi Fadillah Ramadhan Syahputra Akbar
        Firdaus Anshari Rahmatullah Hakim Ridha Rasyid Maulana Arsyad Hamdi Fauzan Rizali""",
        "second_female": """Adawiyah Hasanah Rahmi Safitri Wati Sari Hidayati Azizah Aulia
        Ulfah Maulida Fitri Ramadhani Amalia Jannah Rahmah Noor""",
        "prefix_male": "Gusti:3 Antung:1",
        "prefix_female": "Siti:20 Noor:8 Nor:4 Gusti:2",
    },
    "dayak": {
        "male": """Yohanes Antonius Fransiskus Petrus Agustinus Lukas Markus Yakobus Dominikus
        Kristianus Benediktus Paulus Stefanus Yosef Simon Matius Andreas Robertus Aloysius
        Daniel Elias Hendrikus Ignasius Yulius Norbertus Sabinus Gregorius Lambertus Heri Rudi
        Tingang Bungai Uyang Jalung Lahang Anyau Juing Usat Ngau Lawing Ajang Lenjau Ingan
        Bilung Isen Dagang Kueng Lerang Nyaring Asang""",
        "female": """Maria Theresia Yuliana Natalia Agustina Veronika Lusia Elisabeth Margaretha
        Susana Kristina Magdalena Fransiska Anastasia Rosalia Monika Helena Regina Martha
        Yohana Imelda Sisilia Paulina Florensia Ester Debora Desi Yanti Lenny Meri Nova Selvi
        Uning Dinah Tiwi Lidia Herlina Emiliana""",
        "second_male": "",
        "second_female": "",
        "family": """Ingan Lawai Hibau Nyaring Ajang Usop Lung Anyeq Jau Uluk Ibau Aban Dion Liah
        Bilung Dohong Ngabut Sandan Asang Pahu Unting Alang Djaya Anyang Kuleh Ding Lahang
        Lejau Bangau Merang Tingang Usat Jalung Lenjau Nyahu Rangkap Kasmin Sulang""",
        "prefix_male": "",
        "prefix_female": "",
    },
    "kutai": {
        "male": _MUSLIM_MALE
        + """ Syahrir Rusmadi Rudiansyah Jailani Jumri Saukani Idrus Sulaiman Bakri Faroek
        Adnan Salehuddin Kaharuddin Rustam Ardiansyah Edi Herman Jumadi Sukri Hamsyah""",
        "female": _MUSLIM_FEMALE
        + """ Kartini Asnah Masnah Jumiati Sarinah Saripah Maimunah Rusdiana Hartini Kamsiah
        Misnah Salmiah Nurbaya Syamsiah Hadijah""",
        "second_male": "Effendi Rahman Syah Hidayat Ramli Hamdan Saleh Idris",
        "second_female": "Wati Sari Yanti Ningsih Hasanah Rahmah",
        "prefix_male": "Awang:8 Aji:3",
        "prefix_female": "Dayang:6 Aji:2 Siti:10",
    },
    "bugis": {
        "male": _MUSLIM_MALE
        + """ Baso Syamsuddin Hasanuddin Jumadi Amiruddin Baharuddin Haerul Ambo Mappiasse
        Sukardi Muhlis Rusli Asri Darwis Kaharuddin Mustari Muhtar Sultan Tahir Saharuddin
        Hamzah Mansyur Wahyu Sudirman Jufri Nasrullah Syamsul Ansar Safaruddin Ruslan""",
        "female": """Hasnah Nurhaeni Rosmiati Hasnawati Marhumah Megawati Suhartini Sumarni
        Nurhayati Hadijah Rahmatia Asmawati Kasmawati Nurmiati Ramlah Darmawati Hamsiah
        Nuraeni Murni Haslinda Sitti Jumriah Nurlina Hasmiah Salmawati Ratnawati Andini
        Nurjannah Mardiana Fitriani Aisyah Hasriani""",
        "second_male": "Tuwo Upe Dalle Sakka Rahman Arsyad Lallo Beddu Patta Ridwan Amir",
        "second_female": "Wati Sari Nur Ningsih Rahmah Ayu",
        "prefix_male": "Andi:12 La:4",
        "prefix_female": "Andi:12 Sitti:10 Wa:2",
    },
    "javanese": {
        "male": """Sugeng Slamet Budi Joko Agus Dwi Eko Tri Wahyu Sutrisno Suparman Purwanto
        Bambang Teguh Heru Yudi Bayu Adi Hadi Rudi Sutarno Sugiarto Mulyono Giyanto Paimin
        Sukirman Tukiman Ngadimin Suwarno Darmaji Supriyadi Suyanto Haryanto Sukardi Suprapto
        Jumadi Wagiman Sarmin Kasiyo Triyono Bagus Arif Anton Dedi Hendro Priyo Setyo Gatot""",
        "female": """Sri Siti Tri Endang Dwi Sumarni Suprapti Wartini Sulastri Ratna Dewi Yuni
        Ani Lestari Purwanti Wulandari Rahayu Kurniasih Handayani Susilowati Mulyani Rini
        Tutik Sumiyati Painem Ngatini Tukinem Parsini Suyatmi Sarmi Warsini Endah Nining Wiwik
        Yuliana Puji Astuti""",
        "second_male": """Santoso Prasetyo Setiawan Hidayat Nugroho Susilo Wibowo Kurniawan
        Saputro Pamungkas Sulistyo Widodo Haryanto Purnomo Wijaya Utomo Cahyono Raharjo
        Suryanto Firmansyah Saputra Prabowo Gunawan Subagyo""",
        "second_female": """Rahayu Wahyuni Lestari Astuti Aminah Handayani Wulandari Rahmawati
        Puspitasari Setyaningsih Kurniawati Susanti Ningsih Utami Sulistyowati Indah Safitri
        Sari Pertiwi Maryati""",
        "prefix_male": "",
        "prefix_female": "",
    },
    "malay": {
        "male": _MUSLIM_MALE
        + """ Zulkarnain Hamdan Zainuddin Harun Daud Sulaiman Jumadi Syamsul Helmi Zulkifli
        Rusli Junaidi Mahadi Hairani Mukhlis Tarmizi Effendi""",
        "female": _MUSLIM_FEMALE
        + """ Zaleha Rosnani Halijah Maznah Mardiah Norma Rosita Azizah Fauziah Zuraidah
        Rohani Hamidah Nurbaiti Zaitun Rosmawati""",
        "second_male": "Hamid Yusuf Rahman Alkadrie Alhabsyi Iskandar Effendi Syahputra",
        "second_female": "Hidayah Khadijah Rahmah Hasanah Wati Sari Fitri Zahara",
        "prefix_male": "Syarif:5 Uray:3 Abang:3 Gusti:2",
        "prefix_female": "Syarifah:5 Utin:3 Dayang:2 Siti:12",
    },
    "chinese": {
        "male": """Hendra Budi Susanto Yohanes Stefanus Kevin Michael Andy Hendrik Rudy Johan
        Felix Vincent Wilson Edy Jimmy Suryadi Tjahyadi Gunadi Herman Hartono Sugianto Lukas
        Tommy Ferry Benny Antoni Fransiskus""",
        "female": """Stefani Lily Lina Susan Melinda Yuliana Fransiska Linda Jessica Caroline
        Meilani Sinta Vivian Lenny Mei Susi Erna Liana Veronika Natalia Yenny Herlina Sherly""",
        "second_male": "",
        "second_female": "",
        "family": """Wijaya Halim Gunawan Tanoto Salim Santoso Kurniawan Susanto Lukito Hartono
        Setiawan Tanjaya Sutanto Widjaja Tandiono Liman Budiman Chandra Hermawan Lim Tan
        Tjandra Sugiarto Wibisono""",
        "hakka_family": """Tjhai Bong Lie Tjhin Phang Liu Wong Chang Lim Tan Ng Kho Chin Fung
        Lay Sim Oey Ang Tjong Bun Kwee Jap""",
        "hakka_male": """Kim Fat Fong Khiun Hin Sen Kiong Foek Sin Thiam Ket Min Hiong Jun Tet
        Fui Kon Sun""",
        "hakka_female": """Siu Lan Chui Mie Nyuk Lin Hoa Mei Ling Tjie Yun Fung Khim Jin Moi
        Fa Ngo Hiung""",
        "prefix_male": "",
        "prefix_female": "",
    },
}
DEGREES = {", S.Pd.": 30, ", S.E.": 20, ", S.H.": 10, ", S.T.": 10, ", A.Md.": 15, ", S.Kom.": 8}
DEGREES |= {", S.Sos.": 7}
SLOTS = 6  # title, prefix, first, second, family, degree


@dataclass(frozen=True)
class Pool:
    """Token ids and draw weights of one slot's pool."""

    ids: NDArray[np.int32]
    weights: NDArray[np.float64]

    def draw(self, rng: np.random.Generator, n: int) -> NDArray[np.int32]:
        if n == 0 or len(self.ids) == 0:
            return np.zeros(n, dtype=np.int32)
        return self.ids[rng.choice(len(self.ids), size=n, p=self.weights)]


class TokenTable:
    """Every token once; id 0 is the empty slot."""

    def __init__(self) -> None:
        self.tokens: list[str] = [""]
        self._ids: dict[str, int] = {"": 0}

    def add(self, token: str) -> int:
        if token not in self._ids:
            self._ids[token] = len(self.tokens)
            self.tokens.append(token)
        return self._ids[token]

    def pool(self, spec: str | dict[str, int], *, zipf: float = 0.6) -> Pool:
        """A pool from 'A B C' (Zipf-like weights: early names are commoner) or 'A:3 B:1'."""
        if isinstance(spec, str) and ":" in spec:
            spec = {k: int(v) for k, v in (part.split(":") for part in spec.split())}
        if isinstance(spec, dict):
            names, raw = list(spec), np.array(list(spec.values()), dtype=np.float64)
        else:
            names = spec.split()
            raw = 1.0 / np.arange(1, len(names) + 1, dtype=np.float64) ** zipf
        ids = np.array([self.add(n) for n in names], dtype=np.int32)
        return Pool(ids, raw / raw.sum() if len(raw) else raw)

    def join(self, slots: NDArray[np.int32]) -> list[str]:
        """The full names of rows of token ids (one row per distinct name)."""
        tokens = self.tokens
        return [
            " ".join(tokens[t] for t in row[:5] if t) + tokens[row[5]] for row in slots.tolist()
        ]


def with_patronym(table: TokenTable, fathers: Pool, word: str) -> Pool:
    """'bin Ahmad' / 'binti Ahmad' tokens built from a pool of fathers' names."""
    names = [f"{word} {table.tokens[i]}" for i in fathers.ids.tolist()]
    return Pool(np.array([table.add(n) for n in names], dtype=np.int32), fathers.weights)


# Probabilities per group (approximate naming habits, demo only).
SECOND_GIVEN = {"banjar": 0.45, "kutai": 0.35, "bugis": 0.35, "javanese": 0.55, "malay": 0.4}
MUHAMMAD_SHARE = {"banjar": 0.35, "kutai": 0.3, "bugis": 0.3, "javanese": 0.15, "malay": 0.35}
FAMILY_NAME = {"dayak": 0.6, "chinese": 0.9}
HAKKA_SHARE = 0.4  # Chinese-Indonesians with a three-part Hakka name (Tjhai Chui Mie)
PATRONYM = 0.05  # Muslims written "X bin/binti Y"
HAJI = 0.12  # Muslims aged 45+ written with H./Hj.


class NameMaker:
    """Draws the token slots of many names at once."""

    def __init__(self) -> None:
        self.table = t = TokenTable()
        self.haji = (t.add("H."), t.add("Hj."))
        self.muhammad = t.pool(MUHAMMAD)
        self.degree = t.pool(DEGREES)
        self.pools: dict[tuple[str, str], Pool] = {}
        for group, spec in POOLS.items():
            for key, text in spec.items():
                if not text:
                    continue
                if key.startswith("prefix"):
                    self.pools[(group, key)] = t.pool(text)
                    continue
                self.pools[(group, key)] = t.pool(" ".join(text.split()))
            male = self.pools[(group, "male")]
            self.pools[(group, "bin")] = with_patronym(t, male, "bin")
            self.pools[(group, "binti")] = with_patronym(t, male, "binti")
        self.prefix_share = {
            (g, k): sum(int(p.split(":")[1]) for p in spec[k].split()) / 100
            for g, spec in POOLS.items()
            for k in ("prefix_male", "prefix_female")
            if spec[k]
        }

    def draw(
        self,
        rng: np.random.Generator,
        *,
        group: NDArray[np.int8],
        female: NDArray[np.bool_],
        age: NDArray[np.int16],
        degree_prob: NDArray[np.float64],
    ) -> NDArray[np.int32]:
        """Token slots (n x SLOTS) for people of the given group index, sex and age."""
        slots = np.zeros((len(group), SLOTS), dtype=np.int32)
        for g, name in enumerate(GROUPS):
            for is_female in (False, True):
                rows = np.flatnonzero((group == g) & (female == is_female))
                if len(rows):
                    slots[rows] = self._draw_group(rng, name, is_female, age[rows])
        has_degree = rng.random(len(group)) < degree_prob
        slots[has_degree, 5] = self.degree.draw(rng, int(has_degree.sum()))
        return slots

    def _draw_group(
        self, rng: np.random.Generator, group: str, female: bool, age: NDArray[np.int16]
    ) -> NDArray[np.int32]:
        sex = "female" if female else "male"
        n = len(age)
        out = np.zeros((n, SLOTS), dtype=np.int32)
        out[:, 2] = self.pools[(group, sex)].draw(rng, n)
        second = rng.random(n) < SECOND_GIVEN.get(group, 0.0)
        if (group, f"second_{sex}") in self.pools:
            out[second, 3] = self.pools[(group, f"second_{sex}")].draw(rng, int(second.sum()))
        muslim = rng.random(n) < MUSLIM[group]
        self._prefix(rng, out, group, sex, muslim)
        family = rng.random(n) < FAMILY_NAME.get(group, 0.0)
        if (group, "family") in self.pools:
            out[family, 4] = self.pools[(group, "family")].draw(rng, int(family.sum()))
        patronym = muslim & ~family & (rng.random(n) < PATRONYM)
        word = "binti" if female else "bin"
        out[patronym, 4] = self.pools[(group, word)].draw(rng, int(patronym.sum()))
        haji = muslim & (age >= 45) & (rng.random(n) < HAJI)
        out[haji, 0] = self.haji[int(female)]
        if group == "chinese":
            self._hakka(rng, out, sex)
        return out

    def _prefix(
        self,
        rng: np.random.Generator,
        out: NDArray[np.int32],
        group: str,
        sex: str,
        muslim: NDArray[np.bool_],
    ) -> None:
        roll = rng.random(len(out))
        share = MUHAMMAD_SHARE.get(group, 0.15) if sex == "male" else 0.0
        muhammad = muslim & (roll < share)
        out[muhammad, 1] = self.muhammad.draw(rng, int(muhammad.sum()))
        noble_share = self.prefix_share.get((group, f"prefix_{sex}"), 0.0)
        noble = ~muhammad & (roll >= share) & (roll < share + noble_share)
        if noble.any():
            pool = self.pools[(group, f"prefix_{sex}")]
            out[noble, 1] = pool.draw(rng, int(noble.sum()))

    def _hakka(self, rng: np.random.Generator, out: NDArray[np.int32], sex: str) -> None:
        hakka = np.flatnonzero(rng.random(len(out)) < HAKKA_SHARE)
        k = len(hakka)
        syllables = self.pools[("chinese", f"hakka_{sex}")]
        out[hakka] = 0
        out[hakka, 1] = self.pools[("chinese", "hakka_family")].draw(rng, k)
        out[hakka, 2] = syllables.draw(rng, k)
        out[hakka, 3] = syllables.draw(rng, k)


def build_names(slots: NDArray[np.int32], maker: NameMaker) -> tuple[list[str], NDArray[np.intp]]:
    """Distinct full names and, per person, the index of theirs (names repeat a lot)."""
    # One mixed-radix int64 key per name: np.unique over rows (axis=0) is ~50 times slower.
    key = np.zeros(len(slots), dtype=np.int64)
    for slot in range(SLOTS):
        column = slots[:, slot]
        used = np.flatnonzero(np.bincount(column))
        local = np.zeros(int(used[-1]) + 1, dtype=np.int64)
        local[used] = np.arange(len(used))
        key = key * len(used) + local[column]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return maker.table.join(slots[first]), inverse.reshape(-1)
