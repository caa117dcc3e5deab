"""Runs the statements of `sql` for one billing run, inside the caller's transaction.

1. Coefficients, employers' risk group and relief into temporary tables (small).
2. One pass over the memberships (in id chunks, for progress): the ones whose due now differs
   from `BilledMonth` (new, changed, ended, moved to another payer) go to _bill_changed.
3. First billing of the month: those rows are the lines. Later runs: due minus the lines
   already billed, per membership, payer and programme, where not zero.
4. One invoice per payer, its lines, a CHARGE ledger entry per invoice, virtual accounts,
   and `BilledMonth` brought up to date for the changed memberships.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection

from lindungi.contributions.billing import sql
from lindungi.contributions.billing.plan import BillingPlan
from lindungi.contributions.models.billing import MONTH_KEY_SPAN, month_key

Step = Callable[[str, int, int], None]  # stage, done, total
ADVISORY_KEY = 0x4C4E_4442_494C_4C00  # one billing run at a time ("LNDBILL")
PAUSE_ENV = "LINDUNGI_BILLING_PAUSE_AFTER_LINES"  # test hook: sleep before the commit


@dataclass(frozen=True)
class Counts:
    """What one run added, and the month's billable and skipped memberships."""

    invoices: int
    lines: int
    adjustment_lines: int
    amount_billed: int
    memberships: int
    skipped: int


class Billing:
    """One run's statements over one cursor."""

    def __init__(self, cursor: Any, plan: BillingPlan, run_id: int, now: datetime) -> None:
        self.cur, self.plan, self.run_id = cursor, plan, run_id
        self.ops = connection.ops
        self.postgres = connection.vendor == "postgresql"
        self.month = self.ops.adapt_datefield_value(plan.month)
        self.next = self.ops.adapt_datefield_value(_next_month(plan.month))
        self.now = self.ops.adapt_datetimefield_value(now)
        self.key = month_key(plan.month)

    def run(self, *, chunk: int, step: Step) -> Counts:
        """Bill what is due and not yet billed for the month: invoices, lines and charges."""
        if self.postgres:  # SQLite's IMMEDIATE transactions already admit one writer
            self.cur.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_KEY])
            # A batch's hashes and sorts in memory; JIT compiling costs more than it saves here.
            self.cur.execute("SET LOCAL work_mem = '256MB'")
            self.cur.execute("SET LOCAL jit = off")
        first = not self._billed_memberships()
        self._prepare()
        self._changed(chunk, step, everything=not first and self._new_plan())
        source = sql.UNPIVOT if first else self._delta()
        invoices = self._invoices(first)
        lines = self._lines(source, chunk, step)
        self._finish(first)
        counts = Counts(
            invoices=invoices,
            lines=lines,
            adjustment_lines=0 if first else self._scalar(sql.ADJUSTMENT_LINES_SQL),
            amount_billed=self._scalar(
                "SELECT SUM(total) FROM contributions_invoice WHERE run_id = %s", [self.run_id]
            ),
            memberships=self._billed_memberships(),
            skipped=self._scalar("SELECT COUNT(*) FROM _bill_changed WHERE skip = 1"),
        )
        self._drop_temp()
        return counts

    def _billed_memberships(self) -> int:
        return self._scalar(
            "SELECT COUNT(*) FROM contributions_billedmonth WHERE id >= %s AND id < %s",
            [self.key, self.key + MONTH_KEY_SPAN],
        )

    def _new_plan(self) -> bool:
        """True when the month was last billed under other amounts (a rule row changed)."""
        self.cur.execute(
            "SELECT plan_digest FROM contributions_billingrun WHERE month = %s AND status = 'done'"
            " ORDER BY id DESC LIMIT 1",
            [self.month],
        )
        row = self.cur.fetchone()
        return row is None or row[0] != self.plan.digest

    # --- plumbing ------------------------------------------------------------------------

    def _scalar(self, statement: str, params: Sequence[Any] = ()) -> int:
        self.cur.execute(statement, list(params))
        row = self.cur.fetchone()
        return int(row[0] or 0) if row else 0

    def _drop_temp(self) -> None:
        schema = "pg_temp" if self.postgres else "temp"
        for table in sql.temp_tables(self.postgres):
            self.cur.execute(f"DROP TABLE IF EXISTS {schema}.{table}")

    def _analyze(self, table: str) -> None:
        # Autovacuum never sees temporary tables: give PostgreSQL's planner their sizes.
        if self.postgres:
            self.cur.execute(f"ANALYZE {table}")

    # --- inputs --------------------------------------------------------------------------

    def _prepare(self) -> None:
        self._drop_temp()
        for table, columns in sql.temp_tables(self.postgres).items():
            self.cur.execute(f"CREATE TEMP TABLE {table} ({columns})")
        self.cur.executemany("INSERT INTO _bill_prog VALUES (%s)", [[p] for p in sql.PROGRAMMES])
        rows = self.plan.table()
        marks = ", ".join(["%s"] * len(rows[0]))
        self.cur.executemany(f"INSERT INTO _bill_coef VALUES ({marks})", rows)  # noqa: S608
        self._analyze("_bill_coef")
        self._analyze("_bill_prog")
        self._payers()

    def _payers(self) -> None:
        """Employer payers' risk group and relief bits (PP 7/2025: KBLI and PU workforce)."""
        terms: list[str] = []
        params: list[Any] = []
        for i, cond in enumerate(self.plan.conditions):
            kbli = " OR ".join(["e.kbli LIKE %s"] * len(cond.kbli_prefixes)) or "1 = 1"
            terms.append(f"CASE WHEN ({kbli}) AND COALESCE(w.n, 0) >= %s THEN {1 << i} ELSE 0 END")
            params += [f"{p}%" for p in cond.kbli_prefixes] + [cond.min_workers]
        workforce = sql.WORKFORCE_JOIN if terms else ""
        if terms:
            params += [self.next, self.month]
        statement = sql.PAYERS_SQL.format(relief=" + ".join(terms) or "0", workforce=workforce)
        self.cur.execute(statement, params)
        self._analyze("_bill_payer")

    def _changed(self, chunk: int, step: Step, *, everything: bool) -> None:
        """Memberships whose inputs differ from those billed, with their due now."""
        self.cur.execute("SELECT MIN(id), MAX(id) FROM registry_membership")
        low, high = self.cur.fetchone()
        low, high = (int(low), int(high)) if low is not None else (1, 0)
        total = high - low + 1
        plan = self.plan
        wage_max = min(plan.max_wage, sql.SIGNATURE_WAGE_MAX)
        top = plan.bpu_income_max if plan.bpu_income_max is not None else wage_max
        step("dues", 0, total)
        for start in range(low, high + 1, chunk):
            self.cur.execute(
                sql.CHANGED_SQL,
                [
                    *(self.next, self.month, wage_max, plan.bpu_income_min, top),
                    *(self.next, self.month, self.key, self.key + start, self.key + start + chunk),
                    *(start, start + chunk, self.next, self.month, int(everything)),
                ],
            )
            step("dues", min(total, start + chunk - low), total)
        self._analyze("_bill_changed")

    def _delta(self) -> str:
        self.cur.execute(sql.DELTA_SQL, [self.month])
        self._analyze("_bill_delta")
        return "_bill_delta"

    # --- outputs -------------------------------------------------------------------------

    def _invoices(self, first: bool) -> int:
        due = {k: self.ops.adapt_datefield_value(v) for k, v in self.plan.due.items()}
        totals = sql.FIRST_TOTALS if first else sql.DELTA_TOTALS
        self.cur.execute(
            sql.INVOICES_SQL.format(totals=totals),
            [self.month, self.run_id, f"INV-{self.plan.month:%Y%m}-", f"-{self.run_id}", self.now]
            + [due["employer:regular"], due["employer:adjustment"]]
            + [due["self:regular"], due["self:adjustment"]]
            + ([] if first else [self.month]),
        )
        created = int(self.cur.rowcount)
        self.cur.execute(sql.INVOICE_MAP_SQL, [self.run_id])
        self._analyze("_bill_inv")
        return created

    def _lines(self, source: str, chunk: int, step: Step) -> int:
        bounds = f"SELECT MIN(membership_id), MAX(membership_id) FROM {source} d"  # noqa: S608
        self.cur.execute(bounds)
        low, high = self.cur.fetchone()
        low, high = (int(low), int(high)) if low is not None else (1, 0)
        done = 0
        step("lines", 0, high - low + 1)
        for start in range(low, high + 1, chunk):
            statement = sql.LINES_SQL.format(source=source)
            self.cur.execute(statement, [self.month, start, start + chunk])
            done += int(self.cur.rowcount)
            step("lines", min(high - low + 1, start + chunk - low), high - low + 1)
            _pause_hook()
        return done

    def _finish(self, first: bool) -> None:
        """Charges on the ledger, virtual accounts, and what is now billed per membership."""
        self.cur.execute(sql.LEDGER_SQL, [self.now, self.run_id])
        self.cur.execute(sql.VIRTUAL_ACCOUNTS_SQL)
        if not first:
            self.cur.execute(sql.BASIS_DELETE_SQL, [self.key])
        self.cur.execute(sql.BASIS_INSERT_SQL, [self.key, self.month])


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _pause_hook() -> None:
    """Tests kill a run here: some lines are written and nothing is committed."""
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        sys.stderr.write("billing: paused before commit\n")
        sys.stderr.flush()
        time.sleep(float(seconds))
