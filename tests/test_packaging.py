"""The package declares what it imports: a plain `pip install .` runs it.

`.ci/smoke-install` (run by `.ci/run` and `make smoke`) proves it end to end in a fresh
virtual environment; this is the fast check, with deptry's reading of pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_third_party_import_is_a_declared_runtime_dependency() -> None:
    deptry = shutil.which("deptry", path=str(Path(sys.executable).parent))
    assert deptry is not None, "deptry is in the test extra"
    result = subprocess.run(
        [deptry, ".", "--no-ansi"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
