"""Template filters of the web app: permissions, rupiah, long dates, region codes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext

from lindungi.core import access
from lindungi.reference.models import dotted

register = template.Library()

LONG_DATE = "j F Y"  # 25 November 2026 in both languages
LONG_DATETIME = "j F Y, H.i"


@register.filter
def has(actor: Any, permission: str) -> bool:
    """`{% if perms_of|has:"registry.reveal_pii" %}`: only decides whether to SHOW a control."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return access.has(actor, permission)


@register.filter
def rupiah(value: int | str | None) -> str:
    """Whole rupiah with the locale's grouping: Rp1.780.000.000 (Rp1,780,000,000 in English)."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{formats.number_format(abs(amount), 0, force_grouping=True)}"


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """A date written out: 25 November 2026 (month names follow the active language)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, LONG_DATE)


@register.filter
def waktu(value: dt.datetime | None) -> str:
    """A moment in local time (WIB): 25 November 2026, 14.05."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, LONG_DATETIME)


@register.filter(name="dotted")
def dotted_code(code: str | None) -> str:
    """6402012001 → 64.02.01.2001."""
    return dotted(code) if code else ""


@register.filter
def trans_label(value: str) -> str:
    """Translate a stored choice label at render time (labels are listed in web/catalog.py)."""
    return gettext(value) if value else ""


NOISE = frozenset({"id", "updated_at", "registered_at", "created_at"})


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@register.filter
def change_rows(event: Any) -> list[tuple[str, str | None, str]]:
    """An audit event as (field, old, new) rows; bookkeeping fields and empty values left out.

    `old` is None for a creation. Personal data arrives here already masked by the services.
    """
    before: dict[str, Any] = event.before or {}
    after: dict[str, Any] = event.after or {}
    rows: list[tuple[str, str | None, str]] = []
    for key in dict.fromkeys([*before, *after]):
        if key in NOISE:
            continue
        if key not in before:
            if after[key] not in (None, ""):
                rows.append((key, None, _shown(after[key])))
            continue
        rows.append((key, _shown(before[key]), _shown(after.get(key))))
    return rows


@register.filter
def occupation_name(occupation: Any) -> str:
    """An occupation named in the interface language (the reference table holds both)."""
    if occupation is None:
        return ""
    english = (get_language() or "").startswith("en")
    return str(occupation.name_en if english and occupation.name_en else occupation.name)
