"""No worker is sponsored twice for the same month, whichever programmes pay.

PostgreSQL: every beneficiary is paid through its own BPU membership (unique membership_id),
and the registry's exclusion constraints refuse two BPU memberships of one worker that overlap
(registry/dbrules.py). So the rule held here is that a beneficiary lies inside its
membership: the same worker, segment BPU, and its months within the membership's. Then no
two beneficiaries of a worker can share a month.

PostgreSQL checks each INSERT or UPDATE statement once over its new rows (a transition table),
instead of a second exclusion index that cost more than the rest of an enrolment together.
A beneficiary whose worker was merged keeps pointing at the membership that moved to the
survivor until the refill moves it too, so the worker is compared when a beneficiary is
written, not when a membership is. SQLite, where a row trigger is cheap, refuses an overlapping
beneficiary of the same worker directly (as PostgreSQL's exclusion constraint did until 0006).
"""

from __future__ import annotations

from lindungi.core.dbrules import SqliteTrigger

_OUTSIDE = """
    SELECT 1 FROM {rows} b LEFT JOIN registry_membership m ON m.id = b.membership_id
    WHERE m.id IS NULL OR m.worker_id <> b.worker_id OR m.segment <> 'BPU'
       OR b.start < m.start OR b."end" > COALESCE(m."end", b."end")
"""
MESSAGE = "beneficiary_within_membership: a beneficiary lies outside its own BPU membership"

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION programs_beneficiary_within_membership() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS ({_OUTSIDE.format(rows="written")}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER programs_beneficiary_within_membership_ins AFTER INSERT
    ON programs_beneficiary REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION programs_beneficiary_within_membership()""",
    """CREATE TRIGGER programs_beneficiary_within_membership_upd AFTER UPDATE
    ON programs_beneficiary REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION programs_beneficiary_within_membership()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS programs_beneficiary_within_membership_ins ON programs_beneficiary",
    "DROP TRIGGER IF EXISTS programs_beneficiary_within_membership_upd ON programs_beneficiary",
    "DROP FUNCTION IF EXISTS programs_beneficiary_within_membership()",
]

# SQLite: a row trigger that looks for an overlapping beneficiary of the same worker. (The
# containment rule would name registry_membership inside a trigger on another table, and
# SQLite's table rebuild for any later change to registry_membership fails on such a trigger.)
_OVERLAP = """
    SELECT RAISE(ABORT, 'beneficiary_no_overlap: a worker is sponsored twice for a month')
    WHERE EXISTS (
        SELECT 1 FROM programs_beneficiary b
        WHERE b.worker_id = NEW.worker_id AND b.id != NEW.id
          AND b.start < NEW."end" AND NEW.start < b."end"
    );
"""
_SQLITE = {
    "programs_beneficiary_no_overlap_ins": "BEFORE INSERT",
    "programs_beneficiary_no_overlap_upd": 'BEFORE UPDATE OF worker_id, start, "end"',
}


def programme_triggers() -> list[SqliteTrigger]:
    return [
        SqliteTrigger(
            name=name,
            table="programs_beneficiary",
            sql=f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON programs_beneficiary "
            f"BEGIN {_OVERLAP} END",
        )
        for name, when in _SQLITE.items()
    ]
