"""On a fresh clone there is no data folder yet: the first command makes it (the README's first
command migrates a SQLite database inside it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_first_command_makes_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LINDUNGI_DATA_DIR"}}
    env["LINDUNGI_DATA_DIR"] = str(data)
    probe = "import lindungi.cli"  # sets Django up as the console script does
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert data.is_dir()
