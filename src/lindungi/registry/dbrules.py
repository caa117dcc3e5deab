"""The registry's rules kept by the database: no overlapping memberships of one segment (an
exclusion constraint per segment on PostgreSQL, triggers on SQLite), and the SQLite FTS name
index in sync."""

from __future__ import annotations

from lindungi.core.dbrules import SqliteTrigger

FTS_TABLE = "registry_worker_name"

# One partial exclusion constraint per segment rather than one with `segment WITH =` inside the
# GiST key: each index holds one segment's rows and compares integers and ranges only, which
# made a 200,000-membership enrolment about 3 s faster. The check constraint
# membership_segment keeps segments to these (tests/registry: one constraint per segment).
SEGMENTS = ("PU", "BPU", "JAKON", "PMI")


def no_overlap_constraint(segment: str) -> str:
    return f"membership_no_overlap_{segment.lower()}"


POSTGRES_NO_OVERLAP = [
    f"""ALTER TABLE registry_membership ADD CONSTRAINT {no_overlap_constraint(segment)}
       EXCLUDE USING gist (worker_id WITH =, daterange(start, "end", '[)') WITH &&)
       WHERE (segment = '{segment}')"""
    for segment in SEGMENTS
]
POSTGRES_NO_OVERLAP_REVERSE = [
    f"ALTER TABLE registry_membership DROP CONSTRAINT IF EXISTS {no_overlap_constraint(s)}"
    for s in SEGMENTS
]

_OVERLAP = """
    SELECT RAISE(ABORT, 'membership_no_overlap: memberships of one segment overlap')
    WHERE EXISTS (
        SELECT 1 FROM registry_membership m
        WHERE m.worker_id = NEW.worker_id AND m.segment = NEW.segment AND m.id != NEW.id
          AND m.start < COALESCE(NEW."end", '9999-12-31')
          AND NEW.start < COALESCE(m."end", '9999-12-31')
    );
"""

FTS_CREATE = f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    name_search, content='registry_worker', content_rowid='id', tokenize='trigram')"""
FTS_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')"


def membership_triggers() -> list[SqliteTrigger]:
    return [
        SqliteTrigger(
            name="registry_membership_no_overlap_ins",
            table="registry_membership",
            sql="CREATE TRIGGER IF NOT EXISTS registry_membership_no_overlap_ins BEFORE INSERT "
            f"ON registry_membership BEGIN {_OVERLAP} END",
        ),
        SqliteTrigger(
            name="registry_membership_no_overlap_upd",
            table="registry_membership",
            sql="CREATE TRIGGER IF NOT EXISTS registry_membership_no_overlap_upd BEFORE UPDATE OF "
            f'worker_id, segment, start, "end" ON registry_membership BEGIN {_OVERLAP} END',
        ),
    ]


def name_index_triggers() -> list[SqliteTrigger]:
    delete_old = (
        "INSERT INTO registry_worker_name(registry_worker_name, rowid, name_search) "
        "VALUES ('delete', old.id, old.name_search);"
    )
    insert_new = (
        "INSERT INTO registry_worker_name(rowid, name_search) VALUES (new.id, new.name_search);"
    )
    bodies = {
        "ai": ("AFTER INSERT", insert_new),
        "ad": ("AFTER DELETE", delete_old),
        "au": ("AFTER UPDATE OF name_search", delete_old + " " + insert_new),
    }
    return [
        SqliteTrigger(
            name=f"{FTS_TABLE}_{suffix}",
            table="registry_worker",
            sql=f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_{suffix} {when} ON registry_worker "
            f"BEGIN {body} END",
            # Rows written while the trigger was missing are not in the index yet.
            after_recreate=(FTS_REBUILD,),
        )
        for suffix, (when, body) in bodies.items()
    ]


def registry_triggers() -> list[SqliteTrigger]:
    return membership_triggers() + name_index_triggers()
