"""Node for the tests that check the API against real client tooling (Ajv, urql,
GraphQL Code Generator, TypeScript): the packages pinned in tests/js/package-lock.json,
installed with `npm ci` the first time a test asks, and scripts run with them."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

JS = Path(__file__).with_name("js")
_installing = threading.Lock()
_INSTALL_SECONDS = 600
_RUN_SECONDS = 300


class NodeMissingError(RuntimeError):
    """Node or npm is not installed (`.ci/run` installs Debian's when missing)."""


def node_modules() -> Path:
    """tests/js/node_modules, installed from the lock file when missing."""
    modules = JS / "node_modules"
    with _installing:
        if not (modules / ".package-lock.json").exists():
            npm = shutil.which("npm")
            if npm is None:
                raise NodeMissingError("npm is not installed: apt-get install nodejs npm")
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS,
                check=True,
                timeout=_INSTALL_SECONDS,
            )
    return modules


def run_node(
    script: str, stdin: Any = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the JavaScript `script` (an ES module's text) with tests/js's packages, `stdin`
    given as JSON; the completed process, whatever its exit code."""
    node = shutil.which("node")
    if node is None:
        raise NodeMissingError("node is not installed: apt-get install nodejs")
    node_modules()
    return subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=cwd or JS,
        input=json.dumps(stdin) if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=_RUN_SECONDS,
        check=False,
    )
