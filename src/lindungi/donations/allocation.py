"""Allocation: which donor's money pays which worker's months, as set-based SQL.

The pool's net donations, first received first (date, then id), are laid end to end on a
money line [0, funded); the beneficiaries, in enrolment order (id), each take the stretch
[lo, hi) their months cost, month by month. Where the two overlap a donation pays that worker;
a month is counted for the donation that pays its last rupiah (rules.allocate is the same rule
in plain Python). Three statements, whatever the size:

1. the month costs of the programme (≤ 60 rows, from the planner) into `donations_poolmonth`;
2. each beneficiary's [lo, hi) with one window SUM into `donations_slot` (indexed on hi);
3. one INSERT … SELECT that joins each donation to the slots its stretch reaches (an index
   range scan per donation) into `donations_allocation`; a slot the donation covers whole
   takes all its months, the two at the ends look up the months the donation completes.

Rows: about one per beneficiary plus one per donation (200,000 beneficiaries x 12 months is
200,000-odd rows, not 2.4 million). Running it again with the same donations, beneficiaries and
month costs writes nothing (each run keeps the fingerprint of its inputs).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Sum

from lindungi.core import audit
from lindungi.core.access import Actor
from lindungi.donations import selectors
from lindungi.donations.models import Allocation, AllocationRun, Donation, PoolMonth, Slot
from lindungi.donations.services import locked_pool, user_of
from lindungi.programs import planner
from lindungi.programs import selectors as programmes

# Beneficiaries share a few periods (usually one): each period is costed once, then every
# beneficiary takes its period's cost on the money line with one window SUM.
SLOT_SQL = """
INSERT INTO donations_slot (pool_id, beneficiary_id, worker_id, start, "end", lo, hi, base,
    months, first_month, last_month)
WITH periods AS (
    SELECT p.start, p."end", CAST(SUM(m.amount) AS BIGINT) AS cost,
           MIN(m.cum - m.amount) AS base, COUNT(*) AS months,
           MIN(m.month) AS first_month, MAX(m.month) AS last_month
    FROM (SELECT DISTINCT b.start, b."end" FROM programs_beneficiary b
          WHERE b.programme_id = %(programme)s) p
    JOIN donations_poolmonth m
      ON m.pool_id = %(pool)s AND m.month >= p.start AND m.month < p."end"
    GROUP BY p.start, p."end"
)
SELECT %(pool)s, b.id, b.worker_id, b.start, b."end",
       CAST(SUM(p.cost) OVER (ORDER BY b.id ROWS UNBOUNDED PRECEDING) AS BIGINT) - p.cost,
       CAST(SUM(p.cost) OVER (ORDER BY b.id ROWS UNBOUNDED PRECEDING) AS BIGINT),
       p.base, p.months, p.first_month, p.last_month
FROM programs_beneficiary b
JOIN periods p ON p.start = b.start AND p."end" = b."end"
WHERE b.programme_id = %(programme)s AND p.cost > 0
"""

# The months of slot s whose last rupiah falls in donation d's stretch (d.lo, d.hi].
_COMPLETED = """(SELECT {what} FROM donations_poolmonth m
     WHERE m.pool_id = %(pool)s AND m.month >= s.start AND m.month < s."end"
       AND s.lo + m.cum - s.base > d.lo AND s.lo + m.cum - s.base <= d.hi)"""
_WHOLE = "d.lo <= s.lo AND s.hi <= d.hi"

# `s.hi < d.hi + widest` restates `s.lo < d.hi` (no slot is wider than the whole period) as a
# bound on the indexed column, so each donation reads only the slots it reaches. A donation
# covering a whole slot completes all its months; only the (at most two) slots at the ends of
# its stretch look their months up.
ALLOCATE_SQL = f"""
INSERT INTO donations_allocation (pool_id, donation_id, worker_id, amount, months,
    first_month, last_month)
WITH net AS (
    SELECT d.id, d.received_on,
           CAST(d.amount + COALESCE((SELECT SUM(r.amount) FROM donations_donation r
                                     WHERE r.reverses_id = d.id), 0) AS BIGINT) AS amount
    FROM donations_donation d
    WHERE d.pool_id = %(pool)s AND d.amount > 0
), line AS (
    SELECT id, amount,
           CAST(SUM(amount) OVER (ORDER BY received_on, id ROWS UNBOUNDED PRECEDING) AS BIGINT)
             AS hi
    FROM net
    WHERE amount > 0
)
SELECT %(pool)s, d.id, s.worker_id,
       (CASE WHEN d.hi < s.hi THEN d.hi ELSE s.hi END)
         - (CASE WHEN d.lo > s.lo THEN d.lo ELSE s.lo END),
       CASE WHEN {_WHOLE} THEN s.months ELSE {_COMPLETED.format(what="COUNT(*)")} END,
       CASE WHEN {_WHOLE} THEN s.first_month ELSE {_COMPLETED.format(what="MIN(m.month)")} END,
       CASE WHEN {_WHOLE} THEN s.last_month ELSE {_COMPLETED.format(what="MAX(m.month)")} END
FROM (SELECT id, hi - amount AS lo, hi FROM line) d
JOIN donations_slot s
  ON s.pool_id = %(pool)s AND s.hi > d.lo AND s.hi < d.hi + %(widest)s AND s.lo < d.hi
"""  # noqa: S608 (constant fragments only)

WORKER_MONTHS_SQL = "SELECT COALESCE(SUM(months), 0) FROM donations_slot WHERE pool_id = %(pool)s"


@transaction.atomic
def pool_allocate(*, pool_id: int, actor: Actor) -> AllocationRun:
    """Attribute the pool's money to beneficiaries' months, first donated to first enrolled;
    a second run over the same donations and beneficiaries changes nothing."""
    pool = locked_pool(actor, pool_id)
    costs = programmes.scenario_costs(programmes.programme_scenario(pool.programme))
    fingerprint = selectors.fingerprint(pool, selectors.month_costs(costs))
    latest = selectors.latest_run(pool)
    if latest is not None and fingerprint == latest.fingerprint:
        return latest
    Allocation.objects.filter(pool=pool).delete()
    Slot.objects.filter(pool=pool).delete()
    PoolMonth.objects.filter(pool=pool).delete()
    _months(pool.pk, costs)
    params = {
        "pool": pool.pk,
        "programme": pool.programme_id,
        "widest": sum(c.amount for c in costs),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the window sorts stay in memory
        cursor.execute(SLOT_SQL, params)
        beneficiaries = cursor.rowcount
        # Fresh statistics, so the planner probes the slots by index per donation instead of
        # comparing every donation with every slot.
        cursor.execute("ANALYZE donations_slot")
        cursor.execute(ALLOCATE_SQL, params)
        cursor.execute(WORKER_MONTHS_SQL, params)
        worker_months = int(cursor.fetchone()[0])
    run = _run(pool.pk, actor, fingerprint, costs, beneficiaries, worker_months)
    audit.record(
        actor=actor,
        action="pool.allocate",
        obj=pool,
        region_code=pool.programme.region_id,
        after={
            "run": run.pk,
            "funded": run.funded,
            "allocated": run.allocated,
            "paid_months": run.paid_months,
            "worker_months": run.worker_months,
        },
    )
    return run


def _months(pool_id: int, costs: tuple[planner.MonthCost, ...]) -> None:
    rows, cum = [], 0
    for cost in costs:
        cum += cost.amount
        rows.append(PoolMonth(pool_id=pool_id, month=cost.month, amount=cost.amount, cum=cum))
    PoolMonth.objects.bulk_create(rows)


def _run(
    pool_id: int,
    actor: Actor,
    fingerprint: str,
    costs: tuple[planner.MonthCost, ...],
    beneficiaries: int,
    worker_months: int,
) -> AllocationRun:
    funded = Donation.objects.filter(pool_id=pool_id).aggregate(s=Sum("amount"))["s"] or 0
    totals = Allocation.objects.filter(pool_id=pool_id).aggregate(
        amount=Sum("amount"), months=Sum("months")
    )
    return AllocationRun.objects.create(
        pool_id=pool_id,
        started_by=user_of(actor),
        fingerprint=fingerprint,
        funded=funded,
        allocated=totals["amount"] or 0,
        paid_months=totals["months"] or 0,
        worker_months=worker_months,
        beneficiaries=beneficiaries,
        month_costs=[[c.month.strftime("%Y-%m"), c.amount] for c in costs],
    )
