"""Fixtures of the reference tests.

The root conftest's `django_db_setup` already runs `reference_load` once per session, so every
test database holds the vendored regions, occupations and rule rows. `reference_data` gives
tests the LoadResult of a load over that data (which therefore changes nothing).
"""

from __future__ import annotations

from typing import Any

import pytest

from lindungi.reference.services import LoadResult, reference_load


@pytest.fixture(scope="session")
def reference_data(django_db_setup: None, django_db_blocker: Any) -> LoadResult:
    """Reference data loaded once for the session; the result of a (no-op) rerun."""
    with django_db_blocker.unblock():
        return reference_load(actor=None)
