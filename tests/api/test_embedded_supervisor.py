"""The embedded database's supervisor: a killed, hung or unstartable child is restarted on
the same port with backoff, /readyz and the metrics say so, and nothing acknowledged is
lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api import embedded_processes as processes
from api.database import UnsafeDeploymentError
from tests.api.embedded_apps import embedded_app, supervised, until
from tests.conftest import running_app

SUPERVISOR_LOG = "api.workers.database_supervisor"


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def _pid_in(path: Path) -> int:
    return int(path.read_text())


def _bind_when_free(sock: socket.socket, port: int) -> None:
    deadline = time.monotonic() + 5
    while True:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            assert time.monotonic() < deadline, "the killed child's port stayed taken"
            time.sleep(0.005)
        else:
            sock.listen()
            return


async def test_embedded_database_without_sync_on_commit_when_configured(tmp_path: Path) -> None:
    off = supervised(tmp_path, embedded_sync_on_commit=False, allow_unjournaled_writes=True)
    async with embedded_app(off) as db:
        pid = db.supervisor.embedded.pid
        assert pid is not None
        assert "--sync-on-commit" not in _cmdline(pid)


async def test_app_that_fails_to_start_leaves_no_database_child_behind(tmp_path: Path) -> None:
    refused = supervised(tmp_path, embedded_sync_on_commit=False)  # and unjournaled not allowed
    try:
        with pytest.raises(UnsafeDeploymentError):
            await anext(running_app(refused))
        assert processes.holders(tmp_path / "db") == []
    finally:
        for pid in processes.holders(tmp_path / "db"):
            os.kill(pid, signal.SIGKILL)


async def test_killed_database_is_restarted_on_the_same_port_with_every_acknowledged_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SUPERVISOR_LOG)
    async with embedded_app(supervised(tmp_path / "var")) as db:
        embedded = db.supervisor.embedded
        port, pid = embedded.port, embedded.pid
        assert pid is not None
        assert "--sync-on-commit" in _cmdline(pid)  # the default
        await until(db.supervisor, lambda s: s.state == "up", 5, "the first health check")
        status, body = await db.readiness()
        assert status == 200
        assert body["checks"]["embeddedDatabase"] == "ok"
        assert body["embeddedDatabase"] == {
            "state": "up",
            "restartAttempt": 0,
            "restarts": 0,
            "reason": None,
        }
        client = db.app.state.client
        # Ten at a time, then SIGKILL the moment the last one is acknowledged: without
        # sync on commit the latest commits are still in the server's memory.
        codes = await asyncio.gather(*(db.submit() for _ in range(10)))
        codes += await asyncio.gather(*(db.submit() for _ in range(10)))
        os.kill(pid, signal.SIGKILL)
        assert None not in codes

        await until(db.supervisor, lambda s: s.restarts == 1, 10, "a restart")
        await until(db.supervisor, lambda s: s.state == "up", 20, "the database up again")
        assert (embedded.port, db.app.state.client) == (port, client)  # the same client
        new_pid = embedded.pid
        assert new_pid is not None
        assert new_pid != pid
        assert "--sync-on-commit" in _cmdline(new_pid)  # kept across restarts
        assert _pid_in(embedded.pid_file) == new_pid
        assert [await db.stored(code) for code in codes if code] == [True] * 20
        assert await db.submit() is not None  # and it takes new ones

        status, body = await db.readiness()
        assert status == 200
        assert body["embeddedDatabase"]["restarts"] == 1
        metrics = (await db.http.get("/metrics")).text
        restarts = next(
            sample.value
            for family in text_string_to_metric_families(metrics)
            for sample in family.samples
            if sample.name == "motcua_embedded_database_restarts_total"
        )
        assert restarts == 1
    restarted = [r for r in caplog.records if "restarted on port" in r.getMessage()]
    assert len(restarted) == 1
    assert "exited with code -9" in restarted[0].getMessage()


async def test_hung_database_is_killed_and_restarted_after_failed_health_checks(
    tmp_path: Path,
) -> None:
    async with embedded_app(supervised(tmp_path / "var")) as db:
        embedded = db.supervisor.embedded
        pid = embedded.pid
        assert pid is not None
        code = await db.submit()
        os.kill(pid, signal.SIGSTOP)  # alive, and answering nothing
        try:
            await until(db.supervisor, lambda s: s.state == "restarting", 10, "restarting")
            status, body = await db.readiness()
            assert status == 503
            assert body["checks"]["embeddedDatabase"] == "restarting"
            assert body["embeddedDatabase"]["restartAttempt"] == 1
            assert "restart attempt 1" in body["embeddedDatabase"]["reason"]
            await until(db.supervisor, lambda s: s.state == "up", 30, "the database up again")
        finally:
            # The supervisor SIGKILLed it; if not, let the test's clean-up stop it.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        assert embedded.pid != pid
        assert code is not None
        assert await db.stored(code)


async def test_restart_attempts_back_off_and_log_one_line_each_until_one_succeeds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SUPERVISOR_LOG)
    async with embedded_app(supervised(tmp_path / "var")) as db:
        embedded = db.supervisor.embedded
        assert embedded.pid is not None
        code = await db.submit()
        squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # Take the port the moment the child dies, before the supervisor's next check
            # (nothing here yields to the event loop): its restarts cannot listen.
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            os.kill(embedded.pid, signal.SIGKILL)
            _bind_when_free(squatter, embedded.port)
            await until(db.supervisor, lambda s: s.attempt >= 3, 20, "three attempts")
            status, body = await db.readiness()
            assert status == 503
            assert body["checks"]["embeddedDatabase"] == "restarting"
            assert body["embeddedDatabase"]["restartAttempt"] >= 3
        finally:
            squatter.close()
        await until(db.supervisor, lambda s: s.state == "up", 20, "the database up again")
        assert code is not None
        assert await db.stored(code)
    attempts = [r.getMessage() for r in caplog.records if "restart attempt" in r.getMessage()]
    failed = [line for line in attempts if "failed" in line]
    assert len(failed) >= 2
    assert [f"restart attempt {n} failed" in line for n, line in enumerate(failed, 1)] == [
        True
    ] * len(failed)
    # 0.2 s, then 0.4 s, 0.8 s, 1 s (the cap): each attempt waits longer than the last.
    assert "next attempt in 0.2 s" in failed[0]
    assert "next attempt in 0.4 s" in failed[1]
    restarted = [r.getMessage() for r in caplog.records if "restarted on port" in r.getMessage()]
    assert len(restarted) == 1
    assert f"attempt {len(failed) + 1}" in restarted[0]
