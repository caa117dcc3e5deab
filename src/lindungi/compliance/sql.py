"""The cross-check statements: two temporary tables, then one SELECT per finding kind.

`_cc_members`: each employer's PU memberships active in the month (any day of it), with the
counts and wage sums the checks need. `_cc_wlkp`: the month's WLKP reports linked to registry
employers by NPP, else NIB. Both engines run the same text; `{ump}` is a CASE over the
province code built from the `ump` rule rows in force.
"""

from __future__ import annotations

from typing import Any

DROP = (
    "DROP TABLE IF EXISTS _cc_payer",
    "DROP TABLE IF EXISTS _cc_members",
    "DROP TABLE IF EXISTS _cc_wlkp",
)

# Each employer payer with its province's minimum wage: one primary-key lookup per membership.
PAYERS = (
    "CREATE TEMP TABLE _cc_payer (payer_id BIGINT PRIMARY KEY, employer_id BIGINT, ump BIGINT)",
    """INSERT INTO _cc_payer (payer_id, employer_id, ump)
SELECT p.id, p.employer_id, {ump}
FROM registry_payer p JOIN registry_employer e ON e.id = p.employer_id
WHERE p.kind = 'employer'""",
)

# SQLite would walk the payer index and fetch 2 M rows out of order; a sequential scan of the
# table is faster there (PostgreSQL picks a sequential scan and a hash join by itself).
NOT_INDEXED = {"sqlite": "NOT INDEXED", "postgresql": ""}

MEMBERS = """
CREATE TEMP TABLE _cc_members AS
SELECT p.employer_id AS employer_id,
       COUNT(*) AS members,
       SUM(m.declared_wage) AS wages,
       SUM(CASE WHEN m.jkk THEN 0 ELSE 1 END) AS no_jkk,
       SUM(CASE WHEN m.jkk THEN 0 ELSE m.declared_wage END) AS no_jkk_wages,
       SUM(CASE WHEN m.jkm THEN 0 ELSE 1 END) AS no_jkm,
       SUM(CASE WHEN m.jkm THEN 0 ELSE m.declared_wage END) AS no_jkm_wages,
       SUM(CASE WHEN m.jht THEN 0 ELSE 1 END) AS no_jht,
       SUM(CASE WHEN m.jht THEN 0 ELSE m.declared_wage END) AS no_jht_wages,
       SUM(CASE WHEN m.jp THEN 0 ELSE 1 END) AS no_jp,
       SUM(CASE WHEN m.jp THEN 0 ELSE m.declared_wage END) AS no_jp_wages,
       SUM(CASE WHEN m.declared_wage < p.ump THEN 1 ELSE 0 END) AS below_ump,
       SUM(CASE WHEN m.declared_wage < p.ump THEN m.declared_wage ELSE 0 END) AS below_ump_wages
FROM registry_membership m {hint}
JOIN _cc_payer p ON p.payer_id = m.payer_id
WHERE m.segment = 'PU' AND m.start < %s AND (m."end" IS NULL OR m."end" > %s)
GROUP BY p.employer_id
"""

WLKP = """
CREATE TEMP TABLE _cc_wlkp AS
SELECT w.ident, w.nib, w.npp, w.workers_male + w.workers_female AS workers, w.total_wages,
       CAST(COALESCE(e1.id, e2.id) AS BIGINT) AS employer_id
FROM compliance_wlkpreport w
LEFT JOIN registry_employer e1 ON w.npp <> '' AND e1.npp = w.npp
LEFT JOIN registry_employer e2 ON w.nib <> '' AND e2.nib = w.nib
WHERE w.month = %s
"""

INDEXES = (
    "CREATE INDEX _cc_members_e ON _cc_members (employer_id)",
    "CREATE INDEX _cc_wlkp_e ON _cc_wlkp (employer_id)",
)

# PTD: a business reports workers but none is registered: unknown to the registry, or
# registered there with no active wage-earner member.
PTD = """
SELECT w.ident, w.nib, w.npp, w.employer_id,
       COALESCE(e.name, b.name, w.ident), COALESCE(e.village_code, b.village_code, ''),
       COALESCE(e.kbli, b.kbli, ''), COALESCE(e.size_class, b.scale, ''), e.jkk_risk_group,
       w.workers, w.total_wages
FROM _cc_wlkp w
LEFT JOIN registry_employer e ON e.id = w.employer_id
LEFT JOIN compliance_businessrecord b ON w.nib <> '' AND b.nib = w.nib
LEFT JOIN _cc_members mm ON mm.employer_id = w.employer_id
WHERE w.workers > 0 AND mm.employer_id IS NULL
"""

_EMPLOYER = "e.id, e.nib, e.npp, e.name, e.village_code, e.kbli, e.size_class, e.jkk_risk_group"

# PDS tenaga kerja: more workers reported than registered members.
PDS_TK = f"""
SELECT {_EMPLOYER}, w.workers, w.total_wages, mm.members, mm.wages
FROM _cc_wlkp w
JOIN registry_employer e ON e.id = w.employer_id
JOIN _cc_members mm ON mm.employer_id = e.id
WHERE w.workers > mm.members
"""  # noqa: S608 (constant fragments)

# PDS upah: members declared below the province's UMP, or an average declared wage more than
# 1 % below the average the WLKP reports (cross-multiplied: no division, no rounding).
PDS_UPAH = f"""
SELECT {_EMPLOYER}, COALESCE(w.workers, 0), COALESCE(w.total_wages, 0), mm.members, mm.wages,
       mm.below_ump, mm.below_ump_wages
FROM _cc_members mm
JOIN registry_employer e ON e.id = mm.employer_id
LEFT JOIN _cc_wlkp w ON w.employer_id = mm.employer_id
WHERE mm.below_ump > 0
   OR (w.workers > 0 AND 100 * mm.wages * w.workers < 99 * w.total_wages * mm.members)
"""  # noqa: S608 (constant fragments)

# PDS program: members missing a programme that the employer's size class makes mandatory.
PDS_PROGRAM = f"""
SELECT {_EMPLOYER}, mm.members, mm.no_jkk, mm.no_jkk_wages, mm.no_jkm, mm.no_jkm_wages,
       mm.no_jht, mm.no_jht_wages, mm.no_jp, mm.no_jp_wages
FROM _cc_members mm
JOIN registry_employer e ON e.id = mm.employer_id
WHERE mm.no_jkk > 0 OR mm.no_jkm > 0 OR mm.no_jht > 0
   OR (e.size_class IN ('medium', 'large') AND mm.no_jp > 0)
"""  # noqa: S608 (constant fragments)

ARREARS_EMPLOYERS = f"""
SELECT p.id, {_EMPLOYER}, COALESCE(mm.members, 0)
FROM registry_payer p
JOIN registry_employer e ON e.id = p.employer_id
LEFT JOIN _cc_members mm ON mm.employer_id = e.id
WHERE p.kind = 'employer'
"""  # noqa: S608 (constant fragments)


def ump_case(ump: dict[str, int]) -> tuple[str, list[Any]]:
    """CASE over the employer's province code → minimum wage (0 where none is in force)."""
    if not ump:
        return "0", []
    terms = " ".join("WHEN %s THEN %s" for _ in ump)
    params: list[Any] = [v for item in sorted(ump.items()) for v in item]
    return f"(CASE substr(e.village_code, 1, 2) {terms} ELSE 0 END)", params
