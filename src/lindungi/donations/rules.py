"""Pure rules of GN Lingkaran pools: input checks, pledge status, receipt numbers, rupiah in
words, and the allocation of donations to beneficiaries' months.

No ORM, no clock: values in, values or error dicts out. `allocate` is the reference of what
the set-based SQL in donations/allocation.py computes (the tests hold one against the other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from lindungi.donations.models import Channel, PledgeStatus

MAX_AMOUNT = 10**13  # Rp10 trillion: anything larger is a typing error, not a donation


# --- input checks ---------------------------------------------------------------------------


def check_donation(
    *, amount: int, received_on: date, channel: str, reference: str, today: date
) -> dict[str, str]:
    """Errors of a donation's fields by field name; empty when valid."""
    errors: dict[str, str] = {}
    if not 0 < amount <= MAX_AMOUNT:
        errors["amount"] = _("Jumlah donasi harus lebih dari Rp0.")
    if received_on > today:
        errors["received_on"] = _("Tanggal terima tidak boleh di masa depan.")
    if channel not in Channel.values:
        errors["channel"] = _("Saluran pembayaran tidak dikenal.")
    if not reference.strip():
        errors["reference"] = _("Nomor referensi wajib diisi.")
    elif len(reference.strip()) > 64:
        errors["reference"] = _("Nomor referensi paling panjang 64 karakter.")
    return errors


def check_pledge(*, amount: int, start_month: date, months: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 0 < amount <= MAX_AMOUNT:
        errors["amount"] = _("Jumlah janji harus lebih dari Rp0.")
    if start_month.day != 1:
        errors["start_month"] = _("Bulan mulai harus tanggal 1.")
    if not 1 <= months <= 60:
        errors["months"] = _("Lama janji 1 sampai 60 bulan.")
    return errors


def pledge_status(*, current: str, amount: int, received: int) -> str:
    """A pledge is fulfilled once the donations naming it reach its amount, and open again if a
    reversal takes them below it; a cancelled pledge stays cancelled."""
    if current == PledgeStatus.CANCELLED:
        return current
    return PledgeStatus.FULFILLED if received >= amount else PledgeStatus.OPEN


def budget_for(received: int) -> int:
    """The programme budget a pool's net receipts allow. A programme's budget must be positive,
    so Rp1 stands for "nothing received yet": it pays no worker."""
    return max(received, 1)


# --- receipts ---------------------------------------------------------------------------------


def receipt_number(*, pool_id: int, year: int, seq: int) -> str:
    """00007/GNL-3/2027: sequence per pool and year of receipt, then the pool and the year."""
    return f"{seq:05d}/GNL-{pool_id}/{year}"


_ONES = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def _below_thousand(n: int) -> str:
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        return f"{_ONES[n // 10]} puluh {_ONES[n % 10]}".strip()
    head = "seratus" if n // 100 == 1 else f"{_ONES[n // 100]} ratus"
    return f"{head} {_below_thousand(n % 100)}".strip()


def terbilang(n: int) -> str:
    """Whole rupiah in Indonesian words, as receipts write them: 1500000 → "satu juta lima
    ratus ribu rupiah" (1000 is "seribu", 100 "seratus")."""
    if n == 0:
        return "nol rupiah"
    return ("minus " if n < 0 else "") + _words(abs(n)) + " rupiah"


def _words(n: int) -> str:
    parts: list[str] = []
    for scale, name in _SCALES:
        if n >= scale:
            parts.append(f"{_words(n // scale)} {name}")
            n %= scale
    if n >= 1000:
        parts.append("seribu" if n // 1000 == 1 else f"{_below_thousand(n // 1000)} ribu")
        n %= 1000
    if n:
        parts.append(_below_thousand(n))
    return " ".join(parts)


# --- allocation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """What one donation pays for one worker, and the months whose last rupiah it paid."""

    donation: int
    worker: int
    amount: int
    months: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Beneficiary:
    worker: int
    months: tuple[tuple[date, int], ...]  # each month of its period with its cost, in order


def allocate(
    *, donations: Sequence[tuple[int, int]], beneficiaries: Sequence[Beneficiary]
) -> list[Piece]:
    """Lay the donations' net amounts, first received first, end to end over the beneficiaries'
    months in enrolment order (all of one beneficiary's months before the next beneficiary).

    A month is paid by whichever donations its rupiah fall on, and counted for the donation
    that pays its last rupiah; a month not paid in full is counted for nobody.
    """
    bounds: list[tuple[int, int, int]] = []  # (donation, lo, hi) on the money line
    position = 0
    for donation, amount in donations:
        if amount > 0:
            bounds.append((donation, position, position + amount))
            position += amount
    pieces: dict[tuple[int, int], _Tally] = {}
    start = 0
    for b in beneficiaries:
        for month, cost in b.months:
            end = start + cost
            for donation, lo, hi in bounds:
                paid = min(hi, end) - max(lo, start)
                if paid <= 0:
                    continue
                tally = pieces.setdefault((donation, b.worker), _Tally())
                tally.amount += paid
                if lo < end <= hi:
                    tally.months += 1
                    tally.first = tally.first or month
                    tally.last = month
            start = end
    return [
        Piece(d, w, t.amount, t.months, t.first, t.last) for (d, w), t in sorted(pieces.items())
    ]


@dataclass
class _Tally:
    amount: int = 0
    months: int = 0
    first: date | None = None
    last: date | None = None
