"""The import worker: linkage loaded once when it starts, not inside the first job."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lindungi.ingest import linker, tasks


@pytest.mark.django_db
def test_the_import_worker_loads_linkage_before_it_claims_a_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(linker, "warm", lambda: calls.append("warm"))
    assert tasks.work(once=True) == 0
    assert calls == ["warm"]


def test_warm_loads_splink_and_the_engine_in_a_fresh_process() -> None:
    code = (
        "import sys; from lindungi.ingest import linkage;"
        " before = 'splink' in sys.modules; linkage.warm();"
        " print(before, 'splink' in sys.modules, 'lindungi.ingest.linkage.engine' in sys.modules)"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "True", "True"]
