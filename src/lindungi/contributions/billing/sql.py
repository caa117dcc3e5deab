"""The statements of a billing run: one text for SQLite and PostgreSQL alike.

Temporary tables: _bill_coef (one row per segment, risk group and relief: each programme's
basis and integer numerators), _bill_payer (employers' risk group and relief, keyed by payer),
_bill_prog (the four billed programmes, to turn a wide row into lines), _bill_changed (the
memberships whose due differs from what `contributions_billedmonth` says was billed, with the
due now), _bill_delta (due minus billed per membership, payer and programme, on a re-run) and
_bill_inv (this run's invoice per payer). An amount is `(base * numerator + den / 2) / den`
in 64-bit integers: half-up rounding of a positive amount, exactly.
"""

from __future__ import annotations

PROGRAMMES = ("JKK", "JKM", "JHT", "JP")  # JKP is government-funded, never billed
COLUMNS = tuple(f"{p.lower()}_{s}" for p in PROGRAMMES for s in ("er", "wk"))
ACTIVE = '(m.start < %s AND (m."end" IS NULL OR m."end" > %s))'  # next month, month


def temp_tables(postgres: bool) -> dict[str, str]:
    """Column lists; on SQLite an INTEGER PRIMARY KEY is the rowid, the fastest probe."""
    key = "BIGINT PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY"
    per_programme = ", ".join(
        f"{p.lower()}_basis INTEGER, {p.lower()}_er BIGINT, {p.lower()}_wk BIGINT"
        for p in PROGRAMMES
    )
    amounts = ", ".join(f"{c} BIGINT" for c in COLUMNS)
    return {
        "_bill_coef": "segment VARCHAR(8), risk INTEGER, relief INTEGER, cap BIGINT, "
        f"den BIGINT, half BIGINT, {per_programme}",
        "_bill_payer": f"payer_id {key}, risk INTEGER, relief INTEGER",
        "_bill_prog": "code VARCHAR(8)",
        "_bill_changed": f"membership_id {key}, payer_id BIGINT, billable INTEGER, "
        f"skip INTEGER, signature BIGINT, {amounts}",
        "_bill_delta": "membership_id BIGINT, payer_id BIGINT, programme VARCHAR(8), "
        "er BIGINT, wk BIGINT",
        "_bill_inv": f"payer_id {key}, invoice_id BIGINT, adjustment BOOLEAN",
    }


def _amount(programme: str, share: str) -> str:
    """The due share of one programme for membership m under coefficient row c (0 if none)."""
    p = programme.lower()
    base = (
        f"CASE c.{p}_basis WHEN 1 THEN 1"
        " WHEN 2 THEN (CASE WHEN m.declared_wage < c.cap THEN m.declared_wage ELSE c.cap END)"
        " ELSE m.declared_wage END"
    )
    amount = f"(({base}) * c.{p}_{share} + c.half) / c.den"
    return f"COALESCE(CASE WHEN m.{p} THEN {amount} ELSE 0 END, 0)"


def _pick(share: str) -> str:
    """One share of the programme p.code from a wide _bill_changed row c."""
    cases = " ".join(f"WHEN '{p}' THEN c.{p.lower()}_{share}" for p in PROGRAMMES[:-1])
    return f"CASE p.code {cases} ELSE c.{PROGRAMMES[-1].lower()}_{share} END"


PAYERS_SQL = """
INSERT INTO _bill_payer (payer_id, risk, relief)
SELECT p.id, e.jkk_risk_group, {relief}
FROM registry_payer p JOIN registry_employer e ON e.id = p.employer_id
{workforce}
"""
# Active PU memberships per employer payer, for discounts with a minimum workforce.
WORKFORCE_JOIN = f"""
LEFT JOIN (SELECT m.payer_id, COUNT(*) AS n FROM registry_membership m
           WHERE m.segment = 'PU' AND {ACTIVE} GROUP BY m.payer_id) w ON w.payer_id = p.id
"""  # noqa: S608 (constant fragments)

MASK = (
    "(CASE WHEN m.jkk THEN 1 ELSE 0 END) + (CASE WHEN m.jkm THEN 2 ELSE 0 END)"
    " + (CASE WHEN m.jht THEN 4 ELSE 0 END) + (CASE WHEN m.jp THEN 8 ELSE 0 END)"
)
RISK = "CASE WHEN m.segment = 'PU' THEN COALESCE(bp.risk, 0) ELSE 0 END"
RELIEF = "CASE WHEN m.segment = 'PU' THEN COALESCE(bp.relief, 0) ELSE 0 END"
# Everything a membership's due depends on under one plan, packed in one exact integer:
# wage * 2^14 + segment * 2^12 + programmes * 2^8 + risk group * 2^5 + relief (< 2^5).
SIGNATURE = (
    "m.declared_wage * 16384"
    " + (CASE m.segment WHEN 'PU' THEN 1 WHEN 'BPU' THEN 2 ELSE 3 END) * 4096"
    f" + ({MASK}) * 256 + ({RISK}) * 32 + ({RELIEF})"
)
SIGNATURE_WAGE_MAX = (2**63 - 1) // 16384 - 1
_SKIP = f"""CASE WHEN NOT {ACTIVE} THEN 0
     WHEN m.declared_wage > %s THEN 1
     WHEN m.segment = 'BPU' AND (m.declared_wage < %s OR m.declared_wage > %s) THEN 1
     WHEN m.segment = 'PU' AND COALESCE(bp.risk, 0) NOT BETWEEN 1 AND 5 THEN 1
     ELSE 0 END"""
_AMOUNTS = ", ".join(
    f"{_amount(p, s)} AS {p.lower()}_{s}" for p in PROGRAMMES for s in ("er", "wk")
)
# Params: next, month (skip), max wage, BPU min, BPU max, next, month (coef join), month key,
# key + low id, key + high id (the chunk's BilledMonth ids: lets PostgreSQL use the range),
# low id, high id, next, month (scan), 1 to take every billed or billable row (new plan).
CHANGED_SQL = f"""
INSERT INTO _bill_changed (membership_id, payer_id, billable, skip, signature, {", ".join(COLUMNS)})
SELECT x.membership_id, x.payer_id, x.billable, x.skip, x.signature,
       {", ".join(f"x.{c}" for c in COLUMNS)}
FROM (
    SELECT m.id AS membership_id, m.payer_id, {_SKIP} AS skip,
           CASE WHEN c.segment IS NULL THEN 0 ELSE 1 END AS billable,
           {SIGNATURE} AS signature,
           {_AMOUNTS},
           s.id AS billed, s.payer_id AS billed_payer, s.signature AS billed_signature
    FROM registry_membership m
    LEFT JOIN _bill_payer bp ON bp.payer_id = m.payer_id
    LEFT JOIN _bill_coef c ON {ACTIVE} AND c.segment = m.segment
         AND c.risk = {RISK} AND c.relief = {RELIEF}
    LEFT JOIN contributions_billedmonth s
           ON s.id = %s + m.id AND s.id >= %s AND s.id < %s
    WHERE m.id >= %s AND m.id < %s AND ({ACTIVE} OR s.id IS NOT NULL)
) x
WHERE x.skip = 1
   OR (x.billable = 1 AND (x.billed IS NULL OR x.billed_payer <> x.payer_id
                           OR x.billed_signature <> x.signature OR %s = 1))
   OR (x.billable = 0 AND x.billed IS NOT NULL)
"""  # noqa: S608 (constant fragments)
# Due now, one row per programme of each billable changed membership.
UNPIVOT = f"""(SELECT c.membership_id, c.payer_id, p.code AS programme,
    {_pick("er")} AS er, {_pick("wk")} AS wk
    FROM _bill_changed c CROSS JOIN _bill_prog p WHERE c.skip = 0 AND c.billable = 1)"""  # noqa: S608
DELTA_SQL = f"""
INSERT INTO _bill_delta (membership_id, payer_id, programme, er, wk)
SELECT membership_id, payer_id, programme, SUM(er), SUM(wk) FROM (
    SELECT membership_id, payer_id, programme, er, wk FROM {UNPIVOT} due
    UNION ALL
    SELECT l.membership_id, i.payer_id, l.programme, -l.employer_share, -l.worker_share
    FROM _bill_changed c  -- CROSS JOIN: SQLite must probe lines per changed membership
    CROSS JOIN contributions_invoiceline l
    JOIN contributions_invoice i ON i.id = l.invoice_id
    WHERE c.skip = 0 AND l.membership_id = c.membership_id AND l.month = %s
) x
GROUP BY membership_id, payer_id, programme
HAVING SUM(er) <> 0 OR SUM(wk) <> 0
"""  # noqa: S608 (constant fragments)
FIRST_TOTALS = f"""SELECT payer_id, SUM({" + ".join(COLUMNS)}) AS total, 'regular' AS kind
    FROM _bill_changed WHERE skip = 0 AND billable = 1
    GROUP BY payer_id HAVING SUM({" + ".join(COLUMNS)}) <> 0"""  # noqa: S608 (constant fragments)
# Params: month.
DELTA_TOTALS = """SELECT d.payer_id, SUM(d.er + d.wk) AS total,
    CASE WHEN EXISTS (SELECT 1 FROM contributions_invoice j
                      WHERE j.payer_id = d.payer_id AND j.month = %s)
         THEN 'adjustment' ELSE 'regular' END AS kind
    FROM _bill_delta d GROUP BY d.payer_id"""
# Params: month, run, number prefix, number suffix, issued at, 4 due dates, [totals params].
INVOICES_SQL = """
INSERT INTO contributions_invoice
    (payer_id, region_code, month, run_id, number, kind, issued_at, due_date, total)
SELECT t.payer_id,
       CASE p.kind WHEN 'employer' THEN e.village_code WHEN 'self' THEN w.village_code
            ELSE '' END,
       %s, %s, %s || CAST(t.payer_id AS TEXT) || %s, t.kind, %s,
       CASE WHEN p.kind = 'employer'
            THEN CASE t.kind WHEN 'regular' THEN %s ELSE %s END
            ELSE CASE t.kind WHEN 'regular' THEN %s ELSE %s END END,
       t.total
FROM ({totals}) t
JOIN registry_payer p ON p.id = t.payer_id
LEFT JOIN registry_employer e ON e.id = p.employer_id
LEFT JOIN registry_worker w ON w.id = p.worker_id
"""
INVOICE_MAP_SQL = """
INSERT INTO _bill_inv (payer_id, invoice_id, adjustment)
SELECT payer_id, id, kind = 'adjustment' FROM contributions_invoice WHERE run_id = %s
"""
# Params: month, low, high.
LINES_SQL = """
INSERT INTO contributions_invoiceline (invoice_id, membership_id, month, programme,
    employer_share, worker_share, amount, is_adjustment)
SELECT v.invoice_id, d.membership_id, %s, d.programme, d.er, d.wk, d.er + d.wk, v.adjustment
FROM {source} d JOIN _bill_inv v ON v.payer_id = d.payer_id
WHERE (d.er <> 0 OR d.wk <> 0) AND d.membership_id >= %s AND d.membership_id < %s
"""
ADJUSTMENT_LINES_SQL = """
SELECT COUNT(*) FROM contributions_invoiceline
WHERE invoice_id IN (SELECT invoice_id FROM _bill_inv WHERE adjustment)
"""
LEDGER_SQL = """
INSERT INTO contributions_ledgerentry (payer_id, at, kind, amount, invoice_id, note)
SELECT payer_id, %s, 'charge', total, id, number FROM contributions_invoice WHERE run_id = %s
"""
# '88' + the payer id zero-padded to 12 digits (14 digits), wherever none was given.
VIRTUAL_ACCOUNTS_SQL = """
UPDATE registry_payer SET virtual_account = '88' || SUBSTR(
    '000000000000' || CAST(id AS TEXT), LENGTH(CAST(id AS TEXT)) + 1, 12)
WHERE virtual_account IS NULL
"""
# Params: month key.
BASIS_DELETE_SQL = """
DELETE FROM contributions_billedmonth
WHERE id IN (SELECT %s + membership_id FROM _bill_changed WHERE skip = 0)
"""
# Params: month key, month.
BASIS_INSERT_SQL = """
INSERT INTO contributions_billedmonth (id, month, membership_id, payer_id, signature)
SELECT %s + membership_id, %s, membership_id, payer_id, signature
FROM _bill_changed WHERE skip = 0 AND billable = 1
"""
