"""Bahasa Indonesia by default, English on request; Indonesian numbers and dates."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

import lindungi
from lindungi.accounts.models import User
from lindungi.registry.models import Worker
from lindungi.registry.services import worker_register
from lindungi.web.templatetags.lindungi import rupiah, tanggal, waktu

LOCALE = Path(lindungi.__file__).parent / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.parametrize(
    ("language", "value", "text"),
    [
        ("id", 1_780_000_000, "Rp1.780.000.000"),
        ("id", 16_800, "Rp16.800"),
        ("id", 0, "Rp0"),
        ("id", -5_000, "-Rp5.000"),
        ("en", 1_780_000_000, "Rp1,780,000,000"),
    ],
)
def test_rupiah(language: str, value: int, text: str) -> None:
    with translation.override(language):
        assert rupiah(value) == text


@pytest.mark.parametrize(
    ("language", "text"), [("id", "25 November 2026"), ("en", "25 November 2026")]
)
def test_long_date(language: str, text: str) -> None:
    with translation.override(language):
        assert tanggal(date(2026, 11, 25)) == text


def test_month_names_follow_the_language() -> None:
    with translation.override("id"):
        assert tanggal(date(1985, 8, 12)) == "12 Agustus 1985"
    with translation.override("en"):
        assert tanggal(date(1985, 8, 12)) == "12 August 1985"


def test_moments_are_shown_in_wib() -> None:
    moment = datetime(2026, 11, 25, 3, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"):
        assert waktu(moment) == "25 November 2026, 10.05"


def test_indonesian_by_default(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    html = client_as(branch_officer_kukar).get("/").content.decode()
    assert '<html lang="id"' in html
    assert "Selamat datang" in html
    assert ">Pekerja</a>" in html


def test_switch_to_english_and_back(
    client_as: Callable[[User], Client], branch_officer_kukar: User, worker_kukar: Worker
) -> None:
    client = client_as(branch_officer_kukar)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/workers/"})
    assert response.status_code == 302
    assert response["Location"] == "/workers/"
    home = client.get("/").content.decode()
    assert '<html lang="en"' in home
    assert "Welcome, Cabang Kukar" in home
    assert "BPJS branch officer" in home
    assert ">Workers</a>" in home
    assert ">Employers</a>" in home
    detail = client.get(f"/workers/{worker_kukar.pk}/").content.decode()
    assert "Show NIK" in detail
    assert "12 August 1985" in detail
    assert "Male" in detail
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Selamat datang" in client.get("/").content.decode()


def test_occupations_are_named_in_the_interface_language(
    client_as: Callable[[User], Client],
    branch_officer_kukar: User,
    make_worker_input: Callable[..., Any],
) -> None:
    worker_register(data=make_worker_input(occupation_code="nelayan"), actor=branch_officer_kukar)
    client = client_as(branch_officer_kukar)
    assert "<td>Nelayan</td>" in client.get("/workers/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "<td>Fisher</td>" in client.get("/workers/").content.decode()


def test_english_form_errors_and_labels(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    client = client_as(branch_officer_kukar)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.post("/workers/new/", {"full_name": ""}).content.decode()
    assert "Register worker" in html
    assert "Date of birth" in html
    assert "This field is required." in html


# A catalogue entry: (msgctxt or "", msgid) → its msgstr, or for a plural entry
# (msgid_plural, (msgstr[0], msgstr[1], ...)).
Entry = str | tuple[str, tuple[str, ...]]


def _unquote(raw: str) -> str:
    """The text of a .po string spread over quoted lines ("a" "b" → ab), unescaped."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', raw)
    escapes = {"n": "\n", "t": "\t"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[1]), "".join(parts))


def _field(name: str, block: str) -> str | None:
    found = re.search(rf'^{re.escape(name)} ((?:".*"\n?)+)', block, re.M)
    return _unquote(found.group(1)) if found else None


def _parse_po(text: str) -> dict[tuple[str, str], Entry]:
    entries: dict[tuple[str, str], Entry] = {}
    for block in text.split("\n\n")[1:]:  # the first block is the header
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:  # comments only, or an obsolete (#~) entry
            continue
        msgid = _field("msgid", block)
        assert msgid is not None, block
        key = (_field("msgctxt", block) or "", msgid)
        plural = _field("msgid_plural", block)
        if plural is None:
            msgstr = _field("msgstr", block)
            assert msgstr is not None, block
            entries[key] = msgstr
            continue
        forms = re.findall(r'^msgstr\[(\d+)\] ((?:".*"\n?)+)', block, re.M)
        assert forms, block
        assert [int(n) for n, _ in forms] == list(range(len(forms))), block
        entries[key] = (plural, tuple(_unquote(raw) for _, raw in forms))
    return entries


def _po_entries() -> dict[tuple[str, str], Entry]:
    return _parse_po((LOCALE / "django.po").read_text(encoding="utf-8"))


def test_catalogue_reader_reads_singular_context_and_plural_entries() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        "#: web/templates/web/programs/list.html:36\n"
        'msgid "Perencana anggaran"\nmsgstr "Budget planner"\n\n'
        'msgctxt "daftar"\nmsgid "Pemberi kerja"\nmsgstr "Employers"\n\n'
        'msgid ""\n"Berapa pekerja "\n"\\"dilindungi\\""\n'
        'msgstr ""\n"How many "\n"\\"protected\\""\n\n'
        'msgid "%(counter)s bulan"\nmsgid_plural "%(counter)s bulan"\n'
        'msgstr[0] "%(counter)s month"\nmsgstr[1] "%(counter)s months"\n\n'
        '#~ msgid "Lama"\n#~ msgstr "Old"\n'
    )
    assert _parse_po(text) == {
        ("", "Perencana anggaran"): "Budget planner",
        ("daftar", "Pemberi kerja"): "Employers",
        ("", 'Berapa pekerja "dilindungi"'): 'How many "protected"',
        ("", "%(counter)s bulan"): (
            "%(counter)s bulan",
            ("%(counter)s month", "%(counter)s months"),
        ),
    }


def _compiled_matches(compiled: Any, key: tuple[str, str], entry: Entry) -> bool:
    ctx, msgid = key
    if isinstance(entry, str):
        return bool((compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)) == entry)
    plural, forms = entry
    for n, expected in ((1, forms[0]), (2, forms[-1])):
        found = (
            compiled.npgettext(ctx, msgid, plural, n)
            if ctx
            else compiled.ngettext(msgid, plural, n)
        )
        if found != expected:
            return False
    return True


def test_english_catalogue_is_complete_and_compiled() -> None:
    entries = _po_entries()
    assert len(entries) > 150
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    empty = [k for k, v in entries.items() if (not v if isinstance(v, str) else not all(v[1]))]
    assert empty == []
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, entry in entries.items():
        assert _compiled_matches(compiled, key, entry), (
            f".mo is stale for {key[1]!r}: run compilemessages"
        )


# Choice labels that read the same in both languages: numbers, acronyms, a dash and words
# English shares. (The rule-source statuses carry their English in brackets.)
SAME_IN_ENGLISH = frozenset(
    {"—", "< 25", "25-34", "35-44", "45-54", "55+", "QRIS", "DTKS/Regsosek", "Virtual account"}
    | {"Valid", "Sponsor", "Administrator", "Auditor"}
)


def _choice_labels() -> set[tuple[str, str]]:
    from django.apps import apps

    found: set[tuple[str, str]] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("lindungi."):
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or ():
                found.add((f"{model.__name__}.{field.name}", str(label)))
    return found


def test_every_choice_label_a_page_shows_has_its_english() -> None:
    """A status, kind or outcome shown through `trans_label` stays Indonesian on an English
    page unless web/catalog.py lists it and the catalogue translates it."""
    untranslated = []
    with translation.override("en"):
        for where, label in sorted(_choice_labels()):
            bilingual = label.endswith(")") and "(" in label and label.isascii()
            if label in SAME_IN_ENGLISH or bilingual:
                continue
            if translation.gettext(label) == label:
                untranslated.append((where, label))
    assert untranslated == []
