"""`motcua serve --seed-if-empty` killed while it seeds the demo history in the
background: the next start does not load the catalogue again, resumes the history and
completes it (docs/demo.md)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.api.test_cli import _free_port

DOSSIERS = 3
COMPLETE = f"Demo history complete: {DOSSIERS} dossiers."


class Server:
    """`motcua serve --seed-if-empty` as `make run` starts it, its output read as it comes."""

    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        env = {**os.environ, "MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_DEMO_DOSSIERS": "3"}
        for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "MOTCUA_PORT", "MOTCUA_DEV_MODE"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--seed-if-empty", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip())
        self.lines.put("")  # the end of the output

    def wait_for_line(self, text: str, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while not any(text in line for line in self.seen):
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line or self.process.poll() is None, "\n".join(self.seen)
            self.seen.append(line)

    def answers(self) -> bool:
        query = {"query": "{ __typename }"}
        url = f"http://127.0.0.1:{self.port}/graphql"
        return httpx.post(url, json=query, timeout=5).json()["data"] == {"__typename": "Query"}

    def stop(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=60)
        self.reader.join(timeout=60)  # to the end of the output, then the pipe is closed
        assert self.process.stdout is not None
        self.process.stdout.close()


def test_serve_killed_while_seeding_resumes_the_history_on_the_next_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    first = Server(data_dir)
    try:
        first.wait_for_line("Generating the demo history in the background")
        first.wait_for_line(f"{DOSSIERS}/{DOSSIERS} dossiers")  # the groups are next
        assert first.answers()
        assert not any("Demo history complete" in line for line in first.seen)
    finally:
        first.stop(signal.SIGKILL)  # the embedded database dies with it

    second = Server(data_dir)
    try:
        second.wait_for_line("Generating the demo history in the background")
        assert second.answers()
        second.wait_for_line(COMPLETE)
    finally:
        second.stop(signal.SIGTERM)
    assert not any("Loading the Hà Nội demo catalogue" in line for line in second.seen)
    assert any("5/5 groups" in line for line in second.seen)
    assert second.process.returncode == 0
