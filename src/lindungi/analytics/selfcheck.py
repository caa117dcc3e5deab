"""A worker's own check: NIK + birth date -> protected or not, programmes, paid through, payer.

Nothing else about the person is returned. An unknown NIK and a wrong birth date give the same
answer, and every answer takes at least `LINDUNGI_SELFCHECK_MIN_SECONDS`, so neither the body,
the status code nor the timing tells whether a NIK is registered. Attempts are limited per
client address by `LINDUNGI_SELFCHECK_RATE` ("5/m": five a minute) in Django's cache.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from lindungi.contributions.coverage.selectors import PROGRAMMES, coverage_on
from lindungi.core import pii
from lindungi.registry.models import Worker

PERIODS = {"s": 1, "m": 60, "h": 3600}
PROTECTED = {"covered", "in_grace"}


@dataclass(frozen=True)
class SelfCheck:
    """`matched` is False for an unknown NIK and for a wrong birth date alike."""

    matched: bool
    protected: bool = False
    programmes: tuple[str, ...] = ()
    paid_through: str | None = None
    payer_kind: str | None = None
    status: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "matched": self.matched,
            "protected": self.protected,
            "programmes": list(self.programmes),
            "paid_through": self.paid_through,
            "payer_kind": self.payer_kind,
            "status": self.status,
        }


NO_MATCH = SelfCheck(matched=False)


def rate() -> tuple[int, int]:
    """(attempts, seconds) from the setting, e.g. "5/m" -> (5, 60)."""
    text = str(getattr(settings, "LINDUNGI_SELFCHECK_RATE", "5/m"))
    count, _, period = text.partition("/")
    return int(count), PERIODS.get(period[:1], 60)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw (LINDUNGI_TRUSTED_PROXIES hops)."""
    hops = int(getattr(settings, "LINDUNGI_TRUSTED_PROXIES", 0))
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len([p for p in forwarded if p]) >= hops:
        return str(forwarded[-hops])
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(ip: str) -> bool:
    """Count one attempt for the address; False once it is over the limit in the window."""
    limit, window = rate()
    key = f"selfcheck:{ip}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def self_check(*, nik: str, birth_date: date, on: date) -> SelfCheck:
    """The answer for this NIK and birth date on `on`, padded to the minimum duration."""
    started = time.monotonic()
    try:
        return _answer(nik.strip(), birth_date, on)
    finally:
        floor = float(getattr(settings, "LINDUNGI_SELFCHECK_MIN_SECONDS", 0.3))
        time.sleep(max(0.0, floor - (time.monotonic() - started)))


def _answer(nik: str, birth_date: date, on: date) -> SelfCheck:
    row = (
        Worker.objects.filter(nik_index=pii.blind_index(nik, field="nik"))
        .values("pk", "birth_date")
        .first()
    )
    stored = row["birth_date"].isoformat() if row else "0000-00-00"
    same = hmac.compare_digest(stored, birth_date.isoformat())
    if row is None or not same:
        return NO_MATCH
    statuses = [
        coverage_on(worker_id=row["pk"], on=on, programme=p, actor=None) for p in PROGRAMMES
    ]
    active = [s for s in statuses if s.status in PROTECTED]
    best = active[0] if active else statuses[0]
    return SelfCheck(
        matched=True,
        protected=bool(active),
        programmes=tuple(s.programme for s in active),
        paid_through=best.paid_through.strftime("%Y-%m") if best.paid_through else None,
        payer_kind=best.payer_kind,
        status=best.status,
    )
