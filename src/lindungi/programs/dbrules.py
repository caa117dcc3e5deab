"""No worker is sponsored twice for the same month, whichever programmes pay.

PostgreSQL: an exclusion constraint over half-open date ranges (btree_gist, migration 0002).
SQLite: triggers that abort an insert or update whose [start, end) meets another's.
"""

from __future__ import annotations

from lindungi.core.dbrules import SqliteTrigger

_OVERLAP = """
    SELECT RAISE(ABORT, 'beneficiary_no_overlap: a worker is sponsored twice for a month')
    WHERE EXISTS (
        SELECT 1 FROM programs_beneficiary b
        WHERE b.worker_id = NEW.worker_id AND b.id != NEW.id
          AND b.start < NEW."end" AND NEW.start < b."end"
    );
"""

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE programs_beneficiary ADD CONSTRAINT beneficiary_no_overlap
       EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)""",
]
POSTGRES_REVERSE = [
    "ALTER TABLE programs_beneficiary DROP CONSTRAINT IF EXISTS beneficiary_no_overlap",
]


def programme_triggers() -> list[SqliteTrigger]:
    return [
        SqliteTrigger(
            name="programs_beneficiary_no_overlap_ins",
            table="programs_beneficiary",
            sql="CREATE TRIGGER IF NOT EXISTS programs_beneficiary_no_overlap_ins BEFORE INSERT "
            f"ON programs_beneficiary BEGIN {_OVERLAP} END",
        ),
        SqliteTrigger(
            name="programs_beneficiary_no_overlap_upd",
            table="programs_beneficiary",
            sql="CREATE TRIGGER IF NOT EXISTS programs_beneficiary_no_overlap_upd BEFORE UPDATE OF "
            f'worker_id, start, "end" ON programs_beneficiary BEGIN {_OVERLAP} END',
        ),
    ]
