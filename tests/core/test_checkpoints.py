"""SQLite's WAL checkpoints on a background thread while a long job writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connection, transaction

from lindungi.core import checkpoints


def _wal_database(path: Path, rows: int) -> sqlite3.Connection:
    """A database in WAL mode whose log holds `rows` rows not yet copied back."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    db.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 200,) for _ in range(rows)])
    db.commit()
    return db


def test_the_background_thread_copies_the_log_back_into_the_database_file(tmp_path):
    path = tmp_path / "w.sqlite3"
    writer = _wal_database(path, 5000)
    before = path.stat().st_size
    checkpoints._checkpointer.ask(str(path))
    checkpoints.wait()
    # the file now holds the table's pages; a second checkpoint finds nothing left to copy
    assert path.stat().st_size > before + 5000 * 200
    busy, frames, copied = writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, frames) == (0, copied)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone() == (5000,)


def test_a_failed_checkpoint_is_logged_and_the_next_one_still_runs(tmp_path, caplog):
    good = tmp_path / "good.sqlite3"
    _wal_database(good, 100)
    checkpoints._checkpointer.ask(str(tmp_path / "missing" / "gone.sqlite3"))
    checkpoints._checkpointer.ask(str(good))
    checkpoints.wait()
    assert "background checkpoint" in caplog.text
    assert good.stat().st_size > 100 * 200


@pytest.mark.django_db
def test_no_checkpoint_is_deferred_where_there_is_no_log_file(
    monkeypatch, django_capture_on_commit_callbacks
):
    """PostgreSQL checkpoints in its own process; the test suite's SQLite is in memory."""
    asked: list[str] = []
    monkeypatch.setattr(checkpoints._checkpointer, "ask", asked.append)
    assert checkpoints._wal_file("default") == ""
    capture = django_capture_on_commit_callbacks(execute=True)
    with checkpoints.deferred(), capture as done, transaction.atomic():
        checkpoints.after_commit()
    assert (asked, done) == ([], [])


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="a PRAGMA of SQLite")
def test_within_the_block_commits_do_not_checkpoint_and_afterwards_the_thread_does(
    monkeypatch, django_capture_on_commit_callbacks
):
    asked: list[str] = []
    monkeypatch.setattr(checkpoints, "_wal_file", lambda alias: "/data/lindungi.sqlite3")
    monkeypatch.setattr(checkpoints._checkpointer, "ask", asked.append)

    def autocheckpoint() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return int(cursor.fetchone()[0])

    was = autocheckpoint()
    with checkpoints.deferred():
        assert autocheckpoint() == 0
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            checkpoints.after_commit()
            assert asked == []  # not before the batch commits
        assert asked == ["/data/lindungi.sqlite3"]
    assert autocheckpoint() == was
    assert asked == ["/data/lindungi.sqlite3"] * 2
