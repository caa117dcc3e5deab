"""SQLite's WAL checkpoints moved off a long job's path, onto a thread of their own.

In WAL mode SQLite copies the log back into the database file in whichever commit takes the
log past 1,000 pages, and with `synchronous=NORMAL` that commit also waits for two fsyncs: a
50,000-row import batch spent about half a second of its commit there. PostgreSQL does this
work in its checkpointer process, never in the committing one. A job that writes much does the
same here: its connection stops checkpointing (`deferred`), and after each of its commits
(`after_commit`) a thread copies the log back through a connection of its own. The copy is
SQLite's own C code, which releases the GIL, so it runs on the other core while the job goes
on. A PASSIVE checkpoint never blocks a reader or the writer, and a checkpoint cut short (a
crash, the process ending) is finished by the next one: the log stays the authority until it
is copied.
The web app's short transactions keep SQLite's automatic checkpoints.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from django.db import connections, transaction

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


class _Checkpointer:
    """One background thread that checkpoints every database file asked for, then stops."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: set[str] = set()
        self.thread: threading.Thread | None = None

    def ask(self, path: str) -> None:
        with self.lock:
            self.pending.add(path)
            if self.thread is not None and self.thread.is_alive():
                return  # the running thread takes this path before it stops
            self.thread = threading.Thread(target=self.run, name="sqlite-checkpoint", daemon=True)
            self.thread.start()

    def run(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    return
                path = self.pending.pop()
            _checkpoint(path)

    def join(self) -> None:
        thread = self.thread
        if thread is not None:
            thread.join()


_checkpointer = _Checkpointer()


def _wal_file(alias: str) -> str:
    """The database file of `alias` when it is SQLite in WAL mode on disk, else ""."""
    conn = connections[alias]
    if conn.vendor != "sqlite":
        return ""
    name = str(conn.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:" or not Path(name).is_file():
        return ""  # an in-memory database (the test suite's) has no log to copy
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    return name if str(mode).lower() == "wal" else ""


@contextmanager
def deferred(alias: str = "default") -> Iterator[None]:
    """Within the block this connection's commits do not checkpoint; a background thread
    does, after each commit made through `after_commit` and once when the block ends."""
    path = _wal_file(alias)
    if not path:
        yield
        return
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {previous}")
        _checkpointer.ask(path)


def with_deferred(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of `deferred` on the default database (outside the call's transaction)."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with deferred():
            return func(*args, **kwargs)

    return run


def after_commit(alias: str = "default") -> None:
    """Checkpoint in the background once the open transaction commits."""
    path = _wal_file(alias)
    if path:
        transaction.on_commit(lambda: _checkpointer.ask(path), using=alias)


def wait() -> None:
    """Return once no background checkpoint runs: a process about to fork needs no threads."""
    _checkpointer.join()


def _checkpoint(path: str) -> None:
    try:
        db = sqlite3.connect(path, timeout=20)
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:  # the next checkpoint copies what this one could not
        log.warning("background checkpoint of %s failed: %s", path, exc)
