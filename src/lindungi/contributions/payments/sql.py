"""The statements of allocation, per database where their plans must differ.

On PostgreSQL the per-payer reads are written as LATERAL lookups behind OFFSET 0 fences: each
payer of the chunk is looked up through the indexes whatever the planner believes about table
sizes (right after a bulk load of invoices it has no statistics yet, and without the fences it
may scan every invoice line once per chunk). SQLite plans an IN list over the same indexes.
"""

from __future__ import annotations

from typing import Any

from lindungi.contributions.payments import bulk

# In the order of fifo.Line, then the payer; months as ISO text (no per-row date parsing).
LINE_COLUMNS = """l.id, i.id, CAST(i.month AS TEXT), l.membership_id, l.programme,
       CAST(l.month AS TEXT), l.amount, CAST(COALESCE((SELECT SUM(a.amount)
       FROM contributions_allocation a WHERE a.line_id = l.id), 0) AS BIGINT), i.payer_id"""
# An invoice can still hold an open line unless the payer's account says it is settled.
MAY_BE_OPEN = """(acc.payer_id IS NULL OR i.id > acc.invoices_through OR i.month >= acc.open_from
        OR i.issued_at >= acc.rescan_from)"""
LINES_POSTGRES = f"""
SELECT {LINE_COLUMNS}
  FROM unnest(%s::bigint[]) AS p(id)
  LEFT JOIN LATERAL (SELECT * FROM contributions_payeraccount x WHERE x.payer_id = p.id
                     OFFSET 0) acc ON true
 CROSS JOIN LATERAL (SELECT * FROM contributions_invoice y WHERE y.payer_id = p.id OFFSET 0) i
 CROSS JOIN LATERAL (SELECT * FROM contributions_invoiceline z WHERE z.invoice_id = i.id
                     OFFSET 0) l
 WHERE {MAY_BE_OPEN}
"""  # noqa: S608 (constant fragments)
LINES_SQLITE = f"""
SELECT {LINE_COLUMNS}
  FROM contributions_invoice i
  JOIN contributions_invoiceline l ON l.invoice_id = i.id
  LEFT JOIN contributions_payeraccount acc ON acc.payer_id = i.payer_id
 WHERE i.payer_id IN ({{marks}}) AND {MAY_BE_OPEN}
"""  # noqa: S608
KEY_LINES_SQL = f"""
SELECT {LINE_COLUMNS}
  FROM contributions_invoiceline l JOIN contributions_invoice i ON i.id = l.invoice_id
 WHERE i.payer_id = %s AND l.membership_id = %s AND l.programme = %s AND l.month = %s
"""  # noqa: S608
REMAINING = (
    "p.amount - COALESCE((SELECT SUM(a.amount) FROM contributions_allocation a"
    " WHERE a.payment_id = p.id), 0)"
)
CREDIT_POSTGRES = f"""
SELECT p.id, p.payer_id, CAST(p.paid_on AS TEXT), {REMAINING}
  FROM unnest(%s::bigint[]) AS q(id)
 CROSS JOIN LATERAL (SELECT * FROM contributions_payment y WHERE y.payer_id = q.id
                     AND y.status = 'matched' OFFSET 0) p
 WHERE {REMAINING} > 0
"""  # noqa: S608
CREDIT_SQLITE = f"""
SELECT p.id, p.payer_id, CAST(p.paid_on AS TEXT), {REMAINING}
  FROM contributions_payment p
 WHERE p.payer_id IN ({{marks}}) AND p.status = 'matched' AND {REMAINING} > 0
"""  # noqa: S608
HELD_SQL = """
SELECT a.line_id, a.payment_id, CAST(p.paid_on AS TEXT), SUM(a.amount)
  FROM contributions_allocation a JOIN contributions_payment p ON p.id = a.payment_id
 WHERE a.line_id {lines}
 GROUP BY a.line_id, a.payment_id, p.paid_on HAVING SUM(a.amount) > 0
"""
ACCOUNTS_SQL = """
SELECT payer_id, CAST(open_from AS TEXT), invoices_through, credit
  FROM contributions_payeraccount
 WHERE payer_id {payers}
"""
ACCOUNTS_TEMP = "tmp_pay_accounts"
UPSERT_SQL = f"""
INSERT INTO contributions_payeraccount
       (payer_id, open_from, invoices_through, rescan_from, credit, updated_at)
SELECT payer_id, open_from, invoices_through, rescan_from, credit, updated_at
  FROM {ACCOUNTS_TEMP} WHERE true
    ON CONFLICT (payer_id) DO UPDATE SET open_from = excluded.open_from,
       invoices_through = excluded.invoices_through, rescan_from = excluded.rescan_from,
       credit = excluded.credit, updated_at = excluded.updated_at
"""  # noqa: S608 (a constant table name)


def _for(payers: list[int], postgres: str, sqlite: str) -> tuple[str, list[Any]]:
    if bulk.is_postgres():
        return postgres, [payers]
    return sqlite.format(marks=", ".join(["%s"] * len(payers))), list(payers)


def lines_sql(payers: list[int]) -> tuple[str, list[Any]]:
    """Lines of the payers' invoices that may still be open, with their net allocations."""
    return _for(payers, LINES_POSTGRES, LINES_SQLITE)


def credit_sql(payers: list[int]) -> tuple[str, list[Any]]:
    """Matched payments of the payers with money not yet allocated."""
    return _for(payers, CREDIT_POSTGRES, CREDIT_SQLITE)
