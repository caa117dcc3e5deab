"""Keep `PaidThrough` up to date: one statement over the given memberships, nobody else's.

A contribution month counts as paid for a membership when its invoice lines for that month (all
programmes, adjustments included) add up to more than zero and their net allocations cover that
sum. The paid-through month is the last month M such that every month from the membership's
first billed month to M is billed and paid; null when the first billed month is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

# {ids}: the memberships to refresh, one column `id`.
IDS_POSTGRES = "SELECT DISTINCT unnest(%s::bigint[]) AS id"
IDS_SQLITE = "SELECT DISTINCT CAST(value AS INTEGER) AS id FROM json_each(%s)"
IDS_ALL = "SELECT id FROM registry_membership"
MONTH_NO = {
    "postgresql": "(EXTRACT(YEAR FROM {c})::int * 12 + EXTRACT(MONTH FROM {c})::int)",
    "sqlite": "(CAST(substr({c}, 1, 4) AS INTEGER) * 12 + CAST(substr({c}, 6, 2) AS INTEGER))",
}
# PostgreSQL: the stored month and the lines are looked up per membership through their
# indexes whatever the planner believes about table sizes (OFFSET 0 fences the subqueries).
LINES = {
    "postgresql": """CROSS JOIN LATERAL (SELECT z.id, z.month, z.amount
                        FROM contributions_invoiceline z
                       WHERE z.membership_id = s.mid AND (s.after IS NULL OR z.month > s.after)
                      OFFSET 0) l""",
    "sqlite": """JOIN contributions_invoiceline l
                   ON l.membership_id = s.mid AND (s.after IS NULL OR l.month > s.after)""",
}
STORED = {
    "postgresql": """LEFT JOIN LATERAL (SELECT x.membership_id, x.month
                       FROM contributions_paidthrough x WHERE x.membership_id = ids.id
                     OFFSET 0) p ON true""",
    "sqlite": "LEFT JOIN contributions_paidthrough p ON p.membership_id = ids.id",
}
NO_MONTH = {"postgresql": "CAST(NULL AS date)", "sqlite": "NULL"}
CHANGED = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}
# start.after: the last month taken as paid without reading its lines (NULL: read them all).
# ranked.step equals base on every month of an unbroken run from the first month read; chain
# counts the months so far that are unpaid or break the run. A membership with no line read
# keeps its row as it is (extending: nothing new; otherwise: nothing billed). The statement
# starts with INSERT: sqlite3 reports a row count only for statements that do.
REFRESH_SQL = """
INSERT INTO contributions_paidthrough (membership_id, month, updated_at)
WITH ids AS ({ids}),
start AS (
    SELECT ids.id AS mid, {after} AS after, p.membership_id AS stored
      FROM ids {stored}
),
line AS (
    SELECT s.mid AS mid, s.after AS after, s.stored AS stored, l.month AS month,
           l.amount AS amount,
           COALESCE((SELECT SUM(a.amount) FROM contributions_allocation a
                      WHERE a.line_id = l.id), 0) AS paid
      FROM start s {lines}
),
mon AS (
    SELECT mid, after, stored, month, {month_no} AS no, SUM(amount) AS billed, SUM(paid) AS paid
      FROM line GROUP BY mid, after, stored, month
),
ranked AS (
    SELECT mid, month, billed, paid, after, stored, no - ROW_NUMBER() OVER w AS step,
           COALESCE({after_no}, MIN(no) OVER w - 1) AS base
      FROM mon
    WINDOW w AS (PARTITION BY mid ORDER BY month)
),
chain AS (
    SELECT mid, month, after, stored,
           SUM(CASE WHEN billed > 0 AND paid >= billed AND step = base THEN 0 ELSE 1 END)
               OVER (PARTITION BY mid ORDER BY month ROWS UNBOUNDED PRECEDING) AS broken
      FROM ranked
),
result AS (
    SELECT mid, COALESCE(MAX(CASE WHEN broken = 0 THEN month END), MAX(after)) AS month,
           MAX(stored) AS stored
      FROM chain GROUP BY mid
)
SELECT r.mid, r.month, %s FROM result r WHERE r.month IS NOT NULL OR r.stored IS NOT NULL
ON CONFLICT (membership_id) DO UPDATE SET month = excluded.month, updated_at = excluded.updated_at
 WHERE contributions_paidthrough.month {changed} excluded.month
"""


def paid_through_refresh(
    *, membership_ids: Iterable[int] | None = None, extend_only: bool = False
) -> int:
    """Recompute the paid-through month of exactly these memberships (None: all) from their
    invoice lines and allocations, in one statement; returns how many rows changed.

    `extend_only`: take the months up to the stored paid-through month as still paid and read
    only later lines. Right when the only change since it was stored is money allocated to open
    lines (allocation); after a reversal or new lines for earlier months, recompute in full.
    Idempotent: the result depends only on the lines and allocations, so callers run it in the
    transaction that changed them, after the change. Derived state, so no actor and no audit
    event: the allocation or billing that caused it is audited.
    """
    vendor = connection.vendor
    params: list[Any] = []
    if membership_ids is None:
        ids = IDS_ALL
    else:
        wanted = sorted({int(m) for m in membership_ids})
        if not wanted:
            return 0
        ids = IDS_POSTGRES if vendor == "postgresql" else IDS_SQLITE
        params = [wanted] if vendor == "postgresql" else [json.dumps(wanted)]
    statement = REFRESH_SQL.format(
        ids=ids,
        stored=STORED[vendor],
        after="p.month" if extend_only else NO_MONTH[vendor],
        lines=LINES[vendor],
        month_no=MONTH_NO[vendor].format(c="month"),
        after_no=MONTH_NO[vendor].format(c="after"),
        changed=CHANGED[vendor],
    )
    now: Any = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor, _no_jit(cursor):
        cursor.execute(statement, [*params, now])
        return int(cursor.rowcount)


@contextmanager
def _no_jit(cursor: Any) -> Iterator[None]:
    """PostgreSQL would JIT-compile the statement (its many small index probes add up to a
    high cost), which takes longer than running it: off for it, then as it was."""
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    previous = cursor.fetchone()[0]
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('jit', %s, true)", [previous])


def paid_through_refresh_for_run(*, run_id: int) -> int:
    """After a billing run: refresh the memberships whose new lines can move their paid-through
    month (an adjustment, or any line for a month not after it), not the whole month's set."""
    with connection.cursor() as cursor:
        cursor.execute(RUN_MEMBERSHIPS_SQL, [run_id])
        ids = [int(row[0]) for row in cursor.fetchall()]
    return paid_through_refresh(membership_ids=ids)


# A new regular line after the paid-through month leaves it where it is (that month is unpaid);
# an adjustment (a negative one can complete a month) or a line at or before it may move it.
RUN_MEMBERSHIPS_SQL = """
SELECT DISTINCT l.membership_id
  FROM contributions_invoice i
  JOIN contributions_invoiceline l ON l.invoice_id = i.id
  LEFT JOIN contributions_paidthrough p ON p.membership_id = l.membership_id
 WHERE i.run_id = %s AND (l.is_adjustment OR l.month <= p.month)
"""
