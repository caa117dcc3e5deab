"""Choice labels of the models, translated at render time.

The models keep their Indonesian labels as plain strings (the lower layers know nothing of the
interface language). The web translates them on the way out: `makemessages` finds the labels
below through gettext_noop, and `translated()` / the `trans_label` filter look them up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

LABELS = [
    # core.access.Role
    gettext_noop("Administrator"),
    gettext_noop("Petugas Kantor Cabang BPJS"),
    gettext_noop("Petugas Kepatuhan BPJS"),
    gettext_noop("Pengawas Ketenagakerjaan"),
    gettext_noop("Perencana Pemda (Disnaker/Dinsos)"),
    gettext_noop("Perangkat Desa"),
    gettext_noop("Sponsor (CSR, BUMN/BUMD, donatur)"),
    gettext_noop("Pemberi Kerja"),
    gettext_noop("Anggota DPRD"),
    gettext_noop("Auditor"),
    # registry.models
    gettext_noop("Laki-laki"),
    gettext_noop("Perempuan"),
    gettext_noop("Kepala Desa"),
    gettext_noop("Anggota BPD"),
    gettext_noop("Ketua RT"),
    gettext_noop("Ketua RW"),
    gettext_noop("Entri petugas"),
    gettext_noop("DTKS/Regsosek"),
    gettext_noop("Daftar desa"),
    gettext_noop("Daftar pemberi kerja"),
    gettext_noop("Daftar sponsor"),
    gettext_noop("Data demo"),
    gettext_noop("Aktif"),
    gettext_noop("Meninggal"),
    gettext_noop("Tidak aktif"),
    gettext_noop("Digabung"),
    gettext_noop("Mikro"),
    gettext_noop("Kecil"),
    gettext_noop("Menengah"),
    gettext_noop("Besar"),
    gettext_noop("Pemberi kerja"),
    gettext_noop("Mandiri"),
    gettext_noop("Program sponsor"),
    gettext_noop("Penerima Upah"),
    gettext_noop("Bukan Penerima Upah"),
    gettext_noop("Jasa Konstruksi"),
    gettext_noop("Pekerja Migran Indonesia"),
    gettext_noop("Berhenti bekerja"),
    gettext_noop("Tidak membayar"),
    gettext_noop("Program berakhir"),
    gettext_noop("Menjadi penerima upah"),
    gettext_noop("Koreksi data"),
    gettext_noop("Peserta digabung"),
    # reference.models
    gettext_noop("Provinsi"),
    gettext_noop("Kabupaten/Kota"),
    gettext_noop("Kecamatan"),
    gettext_noop("Desa/Kelurahan"),
    gettext_noop("I (sangat rendah)"),
    gettext_noop("II (rendah)"),
    gettext_noop("III (sedang)"),
    gettext_noop("IV (tinggi)"),
    gettext_noop("V (sangat tinggi)"),
    # programs.models (SponsorKind, BudgetSource, ProgrammeStatus, RenewalMode, BatchKind,
    # BeneficiaryEnd; labels already listed above are not repeated). The donations.models
    # labels are listed in web/views/donations_forms.py.
    gettext_noop("Pemerintah provinsi (APBD)"),
    gettext_noop("Pemerintah kabupaten/kota (APBD)"),
    gettext_noop("Pemerintah desa (Dana Desa)"),
    gettext_noop("Perusahaan (CSR)"),
    gettext_noop("BUMN/BUMD"),
    gettext_noop("Perorangan/ASN (Bapak Asuh, PNS Sahabatku)"),
    gettext_noop("Donatur GN Lingkaran"),
    gettext_noop("APBD"),
    gettext_noop("Dana Desa (APBDes)"),
    gettext_noop("Dana CSR"),
    gettext_noop("TJSL BUMN/BUMD"),
    gettext_noop("Dana pribadi"),
    gettext_noop("Donasi GN Lingkaran"),
    gettext_noop("Draf"),
    gettext_noop("Diajukan"),
    gettext_noop("Disetujui"),
    gettext_noop("Berjalan"),
    gettext_noop("Ditutup"),
    gettext_noop("Ditolak"),
    gettext_noop("Penerima yang sama dulu"),
    gettext_noop("Seleksi ulang"),
    gettext_noop("Dari seleksi"),
    gettext_noop("Pengisian ulang"),
    gettext_noop("Ditolak BPJS"),
    gettext_noop("Keluar/tidak aktif"),
    # ingest.models (Outcome, RowStatus, ReviewKind, Decision; job statuses are listed with the
    # import views)
    gettext_noop("Menunggu"),
    gettext_noop("Cocok NIK"),
    gettext_noop("Digabung otomatis"),
    gettext_noop("Ditinjau petugas"),
    gettext_noop("Dilewati"),
    gettext_noop("Sudah diimpor"),
    gettext_noop("Kemungkinan orang yang sama"),
    gettext_noop("Data bertentangan"),
    gettext_noop("Belum diputuskan"),
    gettext_noop("Orang yang sama"),
    gettext_noop("Orang berbeda"),
    # contributions.models (LedgerEntry kinds not listed elsewhere)
    gettext_noop("Pembalikan"),
    # compliance.models (FindingKind, FindingStatus, LetterKind, HolidayKind)
    gettext_noop("PTD/PWBD (belum daftar)"),
    gettext_noop("PDS tenaga kerja"),
    gettext_noop("PDS upah"),
    gettext_noop("PDS program"),
    gettext_noop("Dalam kasus"),
    gettext_noop("Surat teguran I"),
    gettext_noop("Surat teguran II"),
    gettext_noop("Permohonan sanksi TMP2T"),
    gettext_noop("Hari libur nasional"),
    gettext_noop("Cuti bersama"),
]


def translated(choices: Iterable[tuple[Any, str]], *, blank: str | None = None) -> list[Any]:
    """Model choices with lazily translated labels, optionally led by a blank choice."""
    out: list[tuple[Any, str | Promise]] = [] if blank is None else [("", blank)]
    out.extend((value, gettext_lazy(label)) for value, label in choices if value != "")
    return out
