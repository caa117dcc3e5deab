"""Letter numbers per office and year: no gaps and no duplicates under concurrent takers.

PostgreSQL only: the threads commit through their own connections while the row lock
(SELECT ... FOR UPDATE) serialises them. (SQLite serialises every writer anyway.)
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from lindungi.compliance.letters import next_number
from lindungi.compliance.models import LetterSequence

THREADS, EACH = 6, 20
OFFICE, YEAR = "9999", 2099


@pytest.mark.django_db
def test_concurrent_numbers_have_no_gaps() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite has one writer at a time")
    taken: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def take() -> None:
        try:
            for _ in range(EACH):
                with transaction.atomic():
                    number = next_number(OFFICE, YEAR)
                with lock:
                    taken.append(number)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert sorted(taken) == list(range(1, THREADS * EACH + 1))
    finally:
        cleanup = threading.Thread(target=_cleanup)
        cleanup.start()
        cleanup.join()


def _cleanup() -> None:
    LetterSequence.objects.filter(office_code=OFFICE, year=YEAR).delete()
    connections.close_all()
