"""The set-based statements behind the coverage facts (SQLite and PostgreSQL alike).

A worker is *active* in month M when a membership is active on M's last day (start <= day <
end) and, for BPU, not lapsed on that day. Lapsed follows `contributions.coverage.rules.assess`
on the month's last day, where every unpaid month up to M is past its BPU due date: lapsed when
the months after the settled month S number at least the lapse rule's count L, i.e. S <= M - L.
S is the paid-through month, else the month before the first billed month, else the month before
the start; each of these comparisons is made against dates computed in Python (`lapse_x`,
`lapse_x1`, `lapse_b`), so no month arithmetic runs in SQL. A worker with several active
memberships is counted once: under the segment and payer of the first by PU, JAKON, PMI, BPU,
newest start; protected by a programme when any active membership carries it.
"""

from __future__ import annotations

TMP = "analytics_tmp_active"

VILLAGES = {
    "postgresql": "w.village_code = ANY(%(villages)s)",
    "sqlite": "w.village_code IN (SELECT value FROM json_each(%(villages)s))",
}

# All villages: read memberships and look their workers up. Some villages: start from the
# workers of those villages (SQLite's CROSS JOIN keeps that order; PostgreSQL plans it itself).
MEMBERS_ALL = "registry_membership m JOIN registry_worker w ON w.id = m.worker_id"
MEMBERS_OF = {
    "postgresql": MEMBERS_ALL,
    "sqlite": "registry_worker w CROSS JOIN registry_membership m",
}

LAPSED = """m.segment = 'BPU' AND m.start < %(lapse_b)s AND (CASE
    WHEN pt.month IS NOT NULL THEN pt.month <= %(lapse_x)s
    ELSE COALESCE((SELECT MIN(l.month) FROM contributions_invoiceline l
                    WHERE l.membership_id = m.id), %(lapse_x1)s) <= %(lapse_x1)s END)"""

AGE_BAND = """CASE WHEN w.birth_date > %(born_25)s THEN 'u25'
     WHEN w.birth_date > %(born_35)s THEN '25_34'
     WHEN w.birth_date > %(born_45)s THEN '35_44'
     WHEN w.birth_date > %(born_55)s THEN '45_54' ELSE '55p' END"""

ACTIVE = """
CREATE TEMP TABLE {tmp} AS
WITH act AS (
    SELECT m.id, m.worker_id, m.segment, m.start,
           CASE WHEN m.jkk THEN 1 ELSE 0 END AS jkk, CASE WHEN m.jkm THEN 1 ELSE 0 END AS jkm,
           CASE WHEN m.jht THEN 1 ELSE 0 END AS jht, CASE WHEN m.jp THEN 1 ELSE 0 END AS jp,
           CASE WHEN m.jkp THEN 1 ELSE 0 END AS jkp,
           COALESCE(sp.kind, p.kind) AS payer_kind
      FROM {members}
      JOIN registry_payer p ON p.id = m.payer_id
      LEFT JOIN programs_programme pg ON pg.payer_id = p.id
      LEFT JOIN programs_sponsor sp ON sp.id = pg.sponsor_id
      LEFT JOIN contributions_paidthrough pt ON pt.membership_id = m.id
     WHERE m.worker_id = w.id AND m.start <= %(day)s AND (m."end" IS NULL OR m."end" > %(day)s)
       AND {villages} AND NOT ({lapsed})
), ranked AS (
    SELECT a.worker_id, a.segment, a.payer_kind,
           ROW_NUMBER() OVER (PARTITION BY a.worker_id ORDER BY
               CASE a.segment WHEN 'PU' THEN 0 WHEN 'JAKON' THEN 1 WHEN 'PMI' THEN 2 ELSE 3 END,
               a.start DESC, a.id DESC) AS rn,
           MAX(a.jkk) OVER (PARTITION BY a.worker_id) AS jkk,
           MAX(a.jkm) OVER (PARTITION BY a.worker_id) AS jkm,
           MAX(a.jht) OVER (PARTITION BY a.worker_id) AS jht,
           MAX(a.jp) OVER (PARTITION BY a.worker_id) AS jp,
           MAX(a.jkp) OVER (PARTITION BY a.worker_id) AS jkp
      FROM act a
)
SELECT r.worker_id, r.segment, r.payer_kind, r.jkk, r.jkm, r.jht, r.jp, r.jkp,
       w.village_code, w.sex, COALESCE(w.occupation_id, '') AS occupation, {age} AS age_band,
       CASE WHEN w.village_role <> '' THEN 1 ELSE 0 END AS official,
       CASE WHEN w.welfare_decile <= %(vulnerable_decile)s THEN 1 ELSE 0 END AS vulnerable
  FROM ranked r JOIN registry_worker w ON w.id = r.worker_id
 WHERE r.rn = 1
"""

MEASURES = "SUM(t.jkk), SUM(t.jkm), SUM(t.jht), SUM(t.jp), SUM(t.jkp)"

INSERT_COVERAGE = f"""
INSERT INTO analytics_coveragefact (month, village_code, segment, payer_kind, sex, age_band,
    active, jkk, jkm, jht, jp, jkp, officials, vulnerable)
SELECT %(month)s, t.village_code, t.segment, t.payer_kind, t.sex, t.age_band,
       COUNT(*), {MEASURES}, SUM(t.official), SUM(t.vulnerable)
  FROM {TMP} t
 GROUP BY t.village_code, t.segment, t.payer_kind, t.sex, t.age_band
"""  # noqa: S608 (constant fragments)

INSERT_OCCUPATION = f"""
INSERT INTO analytics_occupationfact (month, village_code, occupation, segment, payer_kind,
    active, jkk, jkm, jht, jp, jkp)
SELECT %(month)s, t.village_code, t.occupation, t.segment, t.payer_kind, COUNT(*), {MEASURES}
  FROM {TMP} t
 GROUP BY t.village_code, t.occupation, t.segment, t.payer_kind
"""  # noqa: S608 (constant fragments)

INSERT_VILLAGE = """
INSERT INTO analytics_villagefact (month, village_code, residents, residents_active, officials,
    officials_active, vulnerable, vulnerable_active)
SELECT %(month)s, w.village_code, COUNT(*),
       SUM(CASE WHEN t.worker_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.village_role <> '' THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.village_role <> '' AND t.worker_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.welfare_decile <= %(vulnerable_decile)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN w.welfare_decile <= %(vulnerable_decile)s AND t.worker_id IS NOT NULL
                THEN 1 ELSE 0 END)
  FROM registry_worker w LEFT JOIN {tmp} t ON t.worker_id = w.id
 WHERE {villages}
   AND (w.status = 'active' OR (w.status IN ('deceased', 'ended') AND w.ended_on > %(day)s))
 GROUP BY w.village_code
"""

ROLLUP_MEASURES = "SUM(active), SUM(jkk), SUM(jkm), SUM(jht), SUM(jp), SUM(jkp)"

# Districts from the village facts; each higher level from the level below it. {source} is the
# village table (level 3) or the roll-up itself, {below} then `AND level = <level + 1>`; {code}
# is its region column.
ROLLUP_REGION = f"""
INSERT INTO analytics_regionfact (month, region_code, level, segment, payer_kind, sex, age_band,
    active, jkk, jkm, jht, jp, jkp, officials, vulnerable)
SELECT month, substr({{code}}, 1, %(width)s), %(level)s, segment, payer_kind, sex, age_band,
       {ROLLUP_MEASURES}, SUM(officials), SUM(vulnerable)
  FROM {{source}}
 WHERE month = %(month)s {{below}} AND ({{ranges}})
 GROUP BY month, substr({{code}}, 1, %(width)s), segment, payer_kind, sex, age_band
"""  # noqa: S608 (constant fragments)

ROLLUP_OCCUPATION = f"""
INSERT INTO analytics_regionoccupationfact (month, region_code, level, occupation, segment,
    payer_kind, active, jkk, jkm, jht, jp, jkp)
SELECT month, substr({{code}}, 1, %(width)s), %(level)s, occupation, segment, payer_kind,
       {ROLLUP_MEASURES}
  FROM {{source}}
 WHERE month = %(month)s {{below}} AND ({{ranges}})
 GROUP BY month, substr({{code}}, 1, %(width)s), occupation, segment, payer_kind
"""  # noqa: S608 (constant fragments)
