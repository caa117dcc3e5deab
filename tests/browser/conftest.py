"""Browser fixtures: Debian's Chromium through Playwright against pytest-django's live server.

Live-server tests are transactional: the database is flushed after each of them, which also
removes the reference data the root conftest loads once per session. `reference_data` puts it
back (idempotently) before each test. On SQLite the flush is a DELETE, which the append-only
audit trigger refuses; `audit_triggers_lifted_for_flush` drops the triggers just before the
flush and puts them back for the next test (and for whatever runs after this folder).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "kata-sandi-peramban-1"  # test-only password
_OPEN_CONTEXTS: list[Any] = []  # browser contexts of the running test, closed before its flush


class _SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time. On SQLite every request thread shares
    the one in-memory connection, which is not thread-safe: two overlapping HTMX requests
    (search as you type, a partial loaded on page load) failed with "bad parameter or other
    API misuse". Django's non-threaded server also sends `Connection: close`."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override

    def process_request(self, request: Any, client_address: Any) -> None:
        # Answered in the server's own thread: the lock lets a test's teardown wait for it.
        with _SERVING:
            super().process_request(request, client_address)


_SERVING = threading.Lock()  # held while the serial live server answers a request


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite(django_db_setup: None) -> Iterator[None]:
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = _SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this (test-only) use is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    _OPEN_CONTEXTS.append(context)
    yield page
    if context in _OPEN_CONTEXTS:
        _OPEN_CONTEXTS.remove(context)
        context.close()
    _requests_finished()


def _audit_triggers(*, present: bool) -> None:
    from django.db import connection

    from lindungi.core import dbrules

    if connection.vendor != "sqlite":
        return  # PostgreSQL flushes with TRUNCATE, which row triggers do not see
    if present:
        dbrules.ensure_sqlite_triggers(connection)
        return
    with connection.cursor() as cursor:
        for trigger in dbrules.audit_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}")


@pytest.fixture(scope="module", autouse=True)
def _audit_triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _audit_triggers(present=True)


def _requests_finished(timeout: float = 5.0) -> None:
    """Wait for the live server's request threads: a page's last HTMX request (a partial loaded
    on page load) can still be reading tables when the test ends, and SQLite's shared in-memory
    database then refuses the flush ("database table is locked")."""
    deadline = time.monotonic() + timeout
    if _SERVING.acquire(timeout=timeout):  # the serial server (SQLite) answers in its own thread
        _SERVING.release()
    for thread in threading.enumerate():
        if "process_request" in thread.name and thread is not threading.current_thread():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def _reads_take_no_table_locks() -> None:
    """The live server reads through the test's own connection while a background run (billing)
    writes through its thread's. In SQLite's shared-cache mode (the in-memory test database) a
    reader's table lock makes that writer fail at once with "database table is locked" —
    busy_timeout does not apply there — and the run ends failed. Reading uncommitted takes no
    table locks; SQLite applies it only in shared-cache mode, so on-disk databases never see it."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


@pytest.fixture
def audit_triggers_lifted_for_flush(transactional_db: None) -> Iterator[None]:
    _audit_triggers(present=True)
    _reads_take_no_table_locks()
    yield
    # Closing the browser first ends its keep-alive connections, whose threads would otherwise
    # live on; what is left is a request still being answered.
    while _OPEN_CONTEXTS:
        _OPEN_CONTEXTS.pop().close()
    _requests_finished()
    _audit_triggers(present=False)


@pytest.fixture
def reference_data(audit_triggers_lifted_for_flush: None) -> None:
    """Regions, occupations and rule tables, reloaded after the previous test's flush."""
    from lindungi.reference.models import Region
    from lindungi.reference.services import reference_load

    if not Region.objects.filter(code="6402012001").exists():
        reference_load(actor=None)


@pytest.fixture
def login(
    live_server: Any, page: Any, audit_triggers_lifted_for_flush: None
) -> Callable[[Any], Any]:
    """Log the user in through the login form; returns the page on the home screen."""

    def do(user: Any) -> Any:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do
