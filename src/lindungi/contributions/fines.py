"""Late-payment fines and arrears.

The fine is `round_half_up(amount * rate * months late)` with the rate of the contribution
month's row of `late_fine_pu` (PU) or `bpu_late_fine` (BPU, zero); other segments have none.
`late_fine` and `months_late` are pure; `arrears` is one set-based statement per call.
Readings and sources: docs/coverage.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from lindungi.contributions.coverage.rules import FINE_TABLES, PaymentRules, month_index, month_of
from lindungi.contributions.coverage.selectors import payment_rules
from lindungi.contributions.models import Invoice
from lindungi.contributions.rules import round_rupiah
from lindungi.core import access
from lindungi.core.access import VIEW_ARREARS, Actor
from lindungi.reference.models import undotted

# --- pure ---------------------------------------------------------------------------------


def months_late(*, due_date: date, paid_on: date) -> int:
    """Months of delay: 0 when paid by the due date; else the calendar months from the due
    date's month to the payment's month, at least 1 (any delay is a month begun)."""
    if paid_on <= due_date:
        return 0
    return max(1, month_index(paid_on) - month_index(due_date))


def fine_rate(*, month: date, segment: str, rates: PaymentRules) -> Decimal:
    """The fine per month of delay for a contribution month (0 where no rule gives one)."""
    table = FINE_TABLES.get(segment)
    row = rates.at(table, month_of(month)) if table else None
    return row.value if row is not None else Decimal(0)


def late_fine(
    *,
    amount: int,
    due_date: date,
    paid_on: date,
    month: date,
    rates: PaymentRules,
    segment: str = "PU",
) -> int:
    """Fine in whole rupiah on `amount` of contribution month `month` paid on `paid_on`."""
    rate = fine_rate(month=month, segment=segment, rates=rates)
    late = months_late(due_date=due_date, paid_on=paid_on)
    if amount <= 0 or late == 0 or rate == 0:
        return 0
    return round_rupiah(Decimal(amount) * rate * late)


# --- arrears ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrears:
    """What one payer owes past due on a date, and the fines accrued by then."""

    payer_id: int
    payer_kind: str
    label: str
    region_code: str
    unpaid: int  # contributions past their due date and not paid by the date
    months_unpaid: int  # distinct contribution months with an unpaid amount
    months_overdue: int  # months late of the oldest unpaid contribution
    oldest_due: date | None
    fine_unpaid: int  # accrued on what is still unpaid, to the date
    fine_paid_late: int  # on contributions paid after their due date, by the date
    fine: int  # the two together


def arrears(
    *,
    actor: Actor | None,
    as_of: date,
    region: str | None = None,
    payer_id: int | None = None,
    limit: int | None = None,
) -> list[Arrears]:
    """Payers in the actor's scope with overdue contributions or accrued fines on `as_of`,
    largest unpaid first; one statement (`actor=None`: the console, no scope)."""
    statement, params = arrears_sql(
        actor=actor, as_of=as_of, region=region, payer_id=payer_id, limit=limit
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [_arrears(row) for row in cursor.fetchall()]


def arrears_sql(
    *,
    actor: Actor | None,
    as_of: date,
    region: str | None = None,
    payer_id: int | None = None,
    limit: int | None = None,
) -> tuple[str, list[Any]]:
    """The statement `arrears` runs and its parameters (for EXPLAIN and exports)."""
    invoices = Invoice.objects.all()
    if actor is not None:
        access.require(actor, VIEW_ARREARS)
        invoices = access.scope(actor, invoices)
    if region:
        invoices = invoices.filter(access.region_q("region_code", [undotted(region)]))
    if payer_id is not None:
        invoices = invoices.filter(payer_id=payer_id)
    scoped, scoped_params = invoices.values("id").query.sql_with_params()
    rate_case, rate_params, denominator = _rate_case(payment_rules())
    vendor = connection.vendor
    statement = ARREARS_SQL.format(
        scoped=scoped,
        rate=rate_case,
        den=denominator,
        due_no=MONTH_NO[vendor].format(c="ls.due_date"),
        paid_no=MONTH_NO[vendor].format(c="pd.paid_on"),
        greatest=GREATEST[vendor],
        limit="" if limit is None else f"LIMIT {int(limit)}",
    )
    day = connection.ops.adapt_datefield_value(as_of)
    return statement, [*scoped_params, day, day, month_index(as_of), *rate_params]


def _arrears(row: tuple[Any, ...]) -> Arrears:
    oldest = row[7]
    if isinstance(oldest, str):
        oldest = date.fromisoformat(oldest[:10])
    fine_unpaid, fine_late = int(row[8] or 0), int(row[9] or 0)
    return Arrears(
        payer_id=int(row[0]),
        payer_kind=str(row[1]),
        label=str(row[2]),
        region_code=str(row[3] or ""),
        unpaid=int(row[4] or 0),
        months_unpaid=int(row[5] or 0),
        months_overdue=int(row[6] or 0),
        oldest_due=oldest,
        fine_unpaid=fine_unpaid,
        fine_paid_late=fine_late,
        fine=fine_unpaid + fine_late,
    )


def _rate_case(rules: PaymentRules) -> tuple[str, list[Any], int]:
    """CASE over (segment, contribution month) → rate numerator over one denominator."""
    rows = [
        (segment, row)
        for segment, table in FINE_TABLES.items()
        for row in rules.rows
        if row.ref.table == table and row.value != 0
    ]
    places = max((_places(row.value) for _, row in rows), default=0)
    denominator = 10**places
    terms: list[str] = []
    params: list[Any] = []
    for segment, row in rows:
        end = " AND ls.month < %s" if row.valid_to is not None else ""
        terms.append(f"WHEN ls.segment = %s AND ls.month >= %s{end} THEN %s")
        params += [segment, connection.ops.adapt_datefield_value(row.valid_from)]
        if row.valid_to is not None:
            params.append(connection.ops.adapt_datefield_value(row.valid_to))
        params.append(int(row.value * denominator))
    case = f"CASE {' '.join(terms)} ELSE 0 END" if terms else "0"
    return case, params, denominator


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


MONTH_NO = {
    "postgresql": "(EXTRACT(YEAR FROM {c})::int * 12 + EXTRACT(MONTH FROM {c})::int - 1)",
    "sqlite": "(CAST(substr({c}, 1, 4) AS INTEGER) * 12 + CAST(substr({c}, 6, 2) AS INTEGER) - 1)",
}
GREATEST = {"postgresql": "GREATEST", "sqlite": "MAX"}
# ls, lo: overdue lines in scope and what each owes. A key (payer, membership, programme,
# month) with a negative adjustment owes only its net sum: each positive line owes what the net
# leaves after the older positive lines (oldest first, as allocation fills them). pd: what each
# payment made by the date holds of each line, net of reversals. A portion is an unpaid
# remainder (months late to the date) or a payment after the due date (months late to its
# day); fines are rounded once per payer, contribution month, due date and months late. Sets
# are combined by UNION ALL and GROUP BY rather than joins of CTEs, which SQLite would nest.
ARREARS_SQL = """
WITH ls AS (
    SELECT i.payer_id, i.due_date, i.region_code, l.id AS line_id, l.month, l.amount, m.segment,
           SUM(l.amount) OVER (PARTITION BY i.payer_id, l.membership_id, l.programme, l.month)
               AS net,
           COALESCE(SUM(CASE WHEN l.amount > 0 THEN l.amount ELSE 0 END) OVER (
               PARTITION BY i.payer_id, l.membership_id, l.programme, l.month
               ORDER BY i.id, l.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS older
      FROM contributions_invoice i
      JOIN contributions_invoiceline l ON l.invoice_id = i.id
      JOIN registry_membership m ON m.id = l.membership_id
     WHERE i.id IN ({scoped}) AND i.due_date < %s
),
lo AS (
    SELECT payer_id, due_date, region_code, line_id, month, segment,
           CASE WHEN amount <= 0 OR net - older <= 0 THEN 0
                WHEN net - older >= amount THEN amount
                ELSE net - older END AS owed
      FROM ls
),
pd AS (
    SELECT lo.line_id, lo.payer_id, lo.region_code, lo.month, lo.segment, lo.due_date,
           p.paid_on, SUM(a.amount) AS amount
      FROM lo
      JOIN contributions_allocation a ON a.line_id = lo.line_id
      JOIN contributions_payment p ON p.id = a.payment_id
     WHERE p.paid_on <= %s
     GROUP BY lo.line_id, lo.payer_id, lo.region_code, lo.month, lo.segment, lo.due_date,
              a.payment_id, p.paid_on
    HAVING SUM(a.amount) > 0
),
unpaid AS (
    SELECT payer_id, region_code, month, segment, due_date, SUM(owed) - SUM(paid) AS amount
      FROM (SELECT line_id, payer_id, region_code, month, segment, due_date, owed, 0 AS paid
              FROM lo
            UNION ALL
            SELECT line_id, payer_id, region_code, month, segment, due_date, 0, amount FROM pd
           ) u
     GROUP BY line_id, payer_id, region_code, month, segment, due_date
    HAVING SUM(owed) > SUM(paid)
),
portion AS (
    SELECT payer_id, region_code, month, segment, due_date, 1 AS is_open, amount,
           CAST(%s AS INTEGER) AS settled
      FROM unpaid
    UNION ALL
    SELECT payer_id, region_code, month, segment, due_date, 0 AS is_open, amount,
           {paid_no} AS settled
      FROM pd WHERE paid_on > due_date
),
priced AS (
    SELECT ls.payer_id, ls.region_code, ls.month, ls.due_date, ls.is_open, ls.amount,
           {greatest}(1, ls.settled - {due_no}) AS late, {rate} AS num
      FROM portion ls
),
grp AS (
    SELECT payer_id, MAX(region_code) AS region_code, month, due_date, is_open, late, num,
           CAST(SUM(amount) AS BIGINT) AS amount
      FROM priced GROUP BY payer_id, month, due_date, is_open, late, num
),
fined AS (
    SELECT grp.*, (grp.amount * grp.num * grp.late * 2 + {den}) / (2 * {den}) AS fine FROM grp
)
SELECT f.payer_id, py.kind, py.label, MAX(f.region_code),
       SUM(CASE WHEN f.is_open = 1 THEN f.amount ELSE 0 END) AS unpaid,
       COUNT(DISTINCT CASE WHEN f.is_open = 1 THEN f.month END),
       MAX(CASE WHEN f.is_open = 1 THEN f.late END),
       MIN(CASE WHEN f.is_open = 1 THEN f.due_date END),
       SUM(CASE WHEN f.is_open = 1 THEN f.fine ELSE 0 END),
       SUM(CASE WHEN f.is_open = 0 THEN f.fine ELSE 0 END)
  FROM fined f JOIN registry_payer py ON py.id = f.payer_id
 GROUP BY f.payer_id, py.kind, py.label
HAVING SUM(CASE WHEN f.is_open = 1 THEN f.amount ELSE 0 END) > 0 OR SUM(f.fine) > 0
 ORDER BY 5 DESC, f.payer_id
 {limit}
"""
