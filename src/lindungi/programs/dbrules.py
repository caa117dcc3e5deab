"""No worker is sponsored twice for the same month, whichever programmes pay.

Every beneficiary is paid through its own BPU membership (unique membership_id), and the
registry's database refuses two BPU memberships of one worker that overlap (an exclusion
constraint on PostgreSQL, triggers on SQLite: registry/dbrules.py). So the rule held here is
that a beneficiary lies inside its membership: the same worker, segment BPU, and its months
within the membership's. Then no two beneficiaries of a worker can share a month.

PostgreSQL checks each INSERT or UPDATE statement once over its new rows (a transition table),
instead of a second exclusion index that cost more than the rest of an enrolment together.
SQLite checks each row by its membership's primary key. A beneficiary whose worker was merged
keeps pointing at the membership that moved to the survivor until the refill moves it too, so
the worker is compared when a beneficiary is written, not when a membership is.
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

_ROW = _OUTSIDE.format(
    rows="(SELECT NEW.worker_id AS worker_id, NEW.membership_id AS "
    'membership_id, NEW.start AS start, NEW."end" AS "end")'
)
_CHECK = f"SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS ({_ROW});"
_SQLITE = {
    "programs_beneficiary_within_membership_ins": "BEFORE INSERT",
    "programs_beneficiary_within_membership_upd": (
        'BEFORE UPDATE OF worker_id, membership_id, start, "end"'
    ),
}


def programme_triggers() -> list[SqliteTrigger]:
    return [
        SqliteTrigger(
            name=name,
            table="programs_beneficiary",
            sql=f"CREATE TRIGGER IF NOT EXISTS {name} {when} ON programs_beneficiary "
            f"BEGIN {_CHECK} END",
        )
        for name, when in _SQLITE.items()
    ]
