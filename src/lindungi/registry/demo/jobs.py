"""Occupations of the demo population and the employers of its wage earners.

Weights are rounded approximations shaped by BPS Sakernas Aug 2023 sector shares quoted in the
press (agriculture 47 % of workers in Kalbar, 36 % in Kalteng, 19 % in Kaltim; mining 10 % in
Kalteng, 8 % in Kaltim; trade 15-20 %); they are demo assumptions, not statistics. Codes are
those of reference/data/occupations.csv.
"""

from __future__ import annotations

from dataclasses import dataclass

# Informal work (BPU candidates) per province, relative weights.
_INFORMAL_BASE = {
    "petani": 24,
    "buruh_tani": 6,
    "pekebun": 8,
    "penyadap_karet": 4,
    "peternak": 2,
    "nelayan": 4,
    "pembudidaya_ikan": 1.5,
    "penebang_kayu": 1,
    "penambang_rakyat": 1,
    "buruh_bangunan": 5,
    "tukang_bangunan": 3,
    "tukang_las": 0.8,
    "pengrajin": 1.2,
    "penjahit": 1.2,
    "pedagang": 13,
    "pedagang_keliling": 4,
    "montir": 1.5,
    "ojek": 3.5,
    "ojek_online": 1.5,
    "sopir_angkot": 1.2,
    "motoris_perahu": 1,
    "buruh_pelabuhan": 0.6,
    "kurir": 0.6,
    "tukang_parkir": 0.6,
    "penata_rambut": 0.6,
    "asisten_rumah_tangga": 2,
    "pemulung": 0.5,
    "kader_posyandu": 0.8,
    "guru_mengaji": 0.8,
    "buruh_harian_lepas": 5,
}
_INFORMAL_TILT = {
    "61": {"petani": 1.3, "penyadap_karet": 2.0, "pekebun": 1.4, "nelayan": 1.2},
    "62": {"penyadap_karet": 1.5, "pekebun": 1.3, "penambang_rakyat": 3.0, "motoris_perahu": 2},
    "63": {"pedagang": 1.4, "petani": 1.2, "motoris_perahu": 1.5},
    "64": {"pedagang": 1.3, "petani": 0.6, "ojek_online": 2.0, "penambang_rakyat": 1.5},
    "65": {"nelayan": 2.5, "pembudidaya_ikan": 3.0, "motoris_perahu": 2.0, "petani": 0.8},
}
# Formal work (wage earners, PU candidates) per province, relative weights.
_FORMAL_BASE = {
    "buruh_kebun": 18,
    "penambang": 6,
    "operator_alat_berat": 2,
    "karyawan_pabrik": 10,
    "pelayan_toko": 10,
    "sopir_truk": 4,
    "pekerja_rumah_makan": 5,
    "petugas_kebersihan": 3,
    "satpam": 4,
    "karyawan_kantor": 22,
    "tenaga_kesehatan": 5,
    "guru_honorer": 6,
    "anak_buah_kapal": 1,
}
_FORMAL_TILT = {
    "61": {"buruh_kebun": 1.6, "penambang": 0.3},
    "62": {"buruh_kebun": 1.7, "penambang": 1.8},
    "63": {"penambang": 1.5, "pelayan_toko": 1.3},
    "64": {"penambang": 2.6, "operator_alat_berat": 2.5, "buruh_kebun": 0.8},
    "65": {"anak_buah_kapal": 4.0, "buruh_kebun": 1.2, "penambang": 1.2},
}


def informal_weights(province: str) -> dict[str, float]:
    tilt = _INFORMAL_TILT.get(province, {})
    return {code: w * tilt.get(code, 1.0) for code, w in _INFORMAL_BASE.items()}


def formal_weights(province: str) -> dict[str, float]:
    tilt = _FORMAL_TILT.get(province, {})
    return {code: w * tilt.get(code, 1.0) for code, w in _FORMAL_BASE.items()}


# Share of women per occupation (approximate); default 0.4.
FEMALE_SHARE = {
    "petani": 0.35,
    "buruh_tani": 0.4,
    "pekebun": 0.3,
    "buruh_kebun": 0.3,
    "penyadap_karet": 0.4,
    "nelayan": 0.05,
    "pembudidaya_ikan": 0.2,
    "anak_buah_kapal": 0.02,
    "penebang_kayu": 0.02,
    "penambang": 0.05,
    "penambang_rakyat": 0.08,
    "buruh_bangunan": 0.03,
    "tukang_bangunan": 0.02,
    "operator_alat_berat": 0.02,
    "tukang_las": 0.02,
    "pengrajin": 0.6,
    "penjahit": 0.75,
    "karyawan_pabrik": 0.35,
    "pedagang": 0.6,
    "pedagang_keliling": 0.45,
    "pelayan_toko": 0.65,
    "montir": 0.03,
    "ojek": 0.03,
    "ojek_online": 0.08,
    "sopir_angkot": 0.02,
    "sopir_truk": 0.01,
    "motoris_perahu": 0.05,
    "buruh_pelabuhan": 0.03,
    "kurir": 0.15,
    "tukang_parkir": 0.1,
    "pekerja_rumah_makan": 0.6,
    "penata_rambut": 0.7,
    "asisten_rumah_tangga": 0.9,
    "pemulung": 0.45,
    "petugas_kebersihan": 0.5,
    "satpam": 0.05,
    "karyawan_kantor": 0.45,
    "perangkat_desa": 0.3,
    "anggota_bpd": 0.25,
    "ketua_rt": 0.1,
    "kader_posyandu": 0.95,
    "tenaga_kesehatan": 0.7,
    "guru_honorer": 0.7,
    "guru_mengaji": 0.4,
    "buruh_harian_lepas": 0.25,
}
# Who writes an academic degree after the name.
DEGREE_PROB = {"karyawan_kantor": 0.25, "guru_honorer": 0.55, "tenaga_kesehatan": 0.4}
DEGREE_PROB |= {"perangkat_desa": 0.15}
# Relative chance that an informal worker enrols (and pays) as BPU (approximate).
BPU_UPTAKE = {"ojek": 2.5, "ojek_online": 3.0, "sopir_angkot": 2.0, "nelayan": 1.8}
BPU_UPTAKE |= {"pedagang": 1.5, "buruh_bangunan": 1.4, "tukang_bangunan": 1.4, "petani": 0.8}
BPU_UPTAKE |= {"asisten_rumah_tangga": 0.4, "pemulung": 0.5, "buruh_harian_lepas": 0.7}

# Monthly BPU declared incomes and how often each is chosen (Rp1,000,000 - Rp5,000,000).
BPU_INCOMES = {1_000_000: 55, 1_500_000: 10, 2_000_000: 15, 2_500_000: 5, 3_000_000: 8}
BPU_INCOMES |= {4_000_000: 4, 5_000_000: 3}


@dataclass(frozen=True)
class Sector:
    """An employer sector: KBLI 2020 codes, JKK risk group, wage level, name words."""

    name: str
    kbli: tuple[str, ...]
    risk_group: int
    wage_factor: float
    words: tuple[str, ...]


SECTORS = {
    "plantation": Sector(
        "plantation", ("01262", "01291"), 3, 1.0, ("Sawit", "Agro", "Plantation", "Perkebunan")
    ),
    "mining": Sector("mining", ("05100", "07301"), 5, 1.7, ("Coal", "Tambang", "Mining", "Energi")),
    "manufacturing": Sector(
        "manufacturing", ("10431", "16101", "16211"), 4, 1.1, ("Industri", "Palm Oil", "Timber")
    ),
    "construction": Sector(
        "construction", ("41011", "42101"), 5, 1.2, ("Konstruksi", "Bangun", "Karya")
    ),
    "retail": Sector("retail", ("47111", "46900"), 2, 1.0, ("Niaga", "Mart", "Retail", "Dagang")),
    "transport": Sector("transport", ("49431", "50131"), 4, 1.15, ("Logistik", "Trans", "Ekspres")),
    "food": Sector("food", ("56101",), 2, 0.95, ("Rasa", "Resto", "Kuliner")),
    "facility": Sector("facility", ("80100", "81210"), 2, 1.0, ("Jasa", "Guard", "Servis")),
    "health": Sector("health", ("86103",), 2, 1.2, ("Medika", "Husada", "Sehat")),
    "education": Sector("education", ("85122",), 1, 0.9, ("Pendidikan", "Cendekia", "Ilmu")),
    "office": Sector("office", ("70209", "52101", "62019"), 1, 1.35, ("Solusi", "Mitra", "Data")),
}
SECTOR_OF = {
    "buruh_kebun": "plantation",
    "penambang": "mining",
    "operator_alat_berat": "mining",
    "karyawan_pabrik": "manufacturing",
    "pelayan_toko": "retail",
    "sopir_truk": "transport",
    "anak_buah_kapal": "transport",
    "pekerja_rumah_makan": "food",
    "petugas_kebersihan": "facility",
    "satpam": "facility",
    "tenaga_kesehatan": "health",
    "guru_honorer": "education",
    "karyawan_kantor": "office",
}
