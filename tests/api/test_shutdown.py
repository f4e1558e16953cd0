"""`motcua serve` stops within 10 s of SIGTERM whatever its database is doing: requests
in flight get a grace period, then every step of the shutdown (background services, the
client, the embedded database) is bounded in time."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.embedded import PID_FILE
from tests.api.test_cli import _free_port

STOP_WITHIN = 10.0
QUERY = "{ agencies { code } }"


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, int]]:
    """`motcua serve` on its own embedded database, once it answers: the process, its
    address and its database's pid. Whatever is left of either is killed after."""
    port = _free_port()
    env = {**os.environ, "MOTCUA_DATA_DIR": str(data_dir), "MOTCUA_DEV_MODE": "true"}
    for name in ("MONGODB_URI", "MOTCUA_MONGODB_URI", "MOTCUA_PORT"):
        env.pop(name, None)
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    database = None
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "motcua serve exited at start-up"
            assert time.monotonic() < deadline, "motcua serve did not answer in time"
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        database = int((data_dir / PID_FILE).read_text())
        assert _parent_of(database) == server.pid  # the embedded database, serve's child
        yield server, base, database
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        # The one it started, and one its supervisor may have started since.
        with contextlib.suppress(OSError, ValueError):
            restarted = int((data_dir / PID_FILE).read_text())
            if _parent_of(restarted) == server.pid:
                os.kill(restarted, signal.SIGKILL)
        if database is not None and _alive(database):
            with contextlib.suppress(ProcessLookupError):
                os.kill(database, signal.SIGKILL)


def _in_flight(base: str, answers: list[int | str]) -> threading.Thread:
    """A request that the database keeps waiting, in a thread of its own."""

    def ask() -> None:
        try:
            answers.append(
                httpx.post(f"{base}/graphql", json={"query": QUERY}, timeout=30).status_code
            )
        except httpx.HTTPError as error:
            answers.append(type(error).__name__)

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("requests_in_flight", [0, 3])
def test_serve_stops_within_10_s_of_sigterm_while_its_database_hangs(
    tmp_path: Path, requests_in_flight: int
) -> None:
    with serving(tmp_path / "var") as (server, base, database):
        assert httpx.post(f"{base}/graphql", json={"query": QUERY}).status_code == 200
        os.kill(database, signal.SIGSTOP)
        answers: list[int | str] = []
        threads = [_in_flight(base, answers) for _ in range(requests_in_flight)]
        time.sleep(0.5)
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(STOP_WITHIN + 5)
        except subprocess.TimeoutExpired:
            pytest.fail("motcua serve still runs 15 s after SIGTERM")
        stopped = time.monotonic() - started
        assert stopped < STOP_WITHIN, f"stopped after {stopped:.1f} s"
        assert server.returncode == 0
        assert not _alive(database)  # it stopped its database too
        for thread in threads:
            thread.join(5)
        # What could not finish in the grace period is told to come back, not a 500.
        assert answers == [503] * requests_in_flight


def test_serve_stops_within_10_s_of_sigterm_once_its_database_is_gone(tmp_path: Path) -> None:
    with serving(tmp_path / "var") as (server, base, database):
        os.kill(database, signal.SIGKILL)
        answers: list[int | str] = []
        thread = _in_flight(base, answers)
        time.sleep(0.5)
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(STOP_WITHIN + 5)
        except subprocess.TimeoutExpired:
            pytest.fail("motcua serve still runs 15 s after SIGTERM")
        assert time.monotonic() - started < STOP_WITHIN
        assert server.returncode == 0
        thread.join(5)
        # Answered: by a restarted database (api/workers/database_supervisor.py), or 503.
        assert answers in ([200], [503])
