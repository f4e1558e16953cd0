"""A full disk under the embedded database, for real: a small tmpfs as the data directory is
filled through the API until the database fails; /readyz and the log say "disk full";
once space is freed the supervisor restarts the database and every acknowledged write is
there."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.embedded_apps import embedded_app, supervised, until

MIB = 1024 * 1024
SUPERVISOR_LOG = "api.workers.database_supervisor"
# A form's data can hold up to 1 MiB; this fills the disk in a few dozen submissions.
BIG = {"fullName": "A" * 200_000, "birthDate": "1990-05-17"}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB tmpfs, mounted for the test (CI runs the tests as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small filesystem")
    command = ["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(mount)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"mounting a small filesystem is not permitted: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(path: Path, leave: int) -> None:
    """Writes `path` until its filesystem has only `leave` bytes free."""
    stats = os.statvfs(path.parent)
    size = stats.f_bavail * stats.f_frsize - leave
    block = b"\0" * MIB
    with path.open("wb") as filler:
        for _ in range(size // MIB):
            filler.write(block)
        filler.write(b"\0" * (size % MIB))


async def test_disk_full_is_reported_and_recovered_without_losing_acknowledged_writes(
    small_disk: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=SUPERVISOR_LOG)
    # WiredTiger panics when a background checkpoint finds the disk full (every 60 s by
    # default); every second, the panic comes within the test's time.
    monkeypatch.setenv("SECANTUS_CHECKPOINT_SECONDS", "1")
    settings = supervised(
        small_disk / "var",
        embedded_min_free_bytes=4 * MIB,
        # A server that checkpoints every second under load is slow, not dead.
        embedded_check_failures=3,
        readiness_timeout_seconds=2.0,
    )
    async with asyncio.timeout(50):
        async with embedded_app(settings) as db:
            filler = small_disk / "filler"
            await asyncio.to_thread(_fill, filler, 12 * MIB)
            acknowledged: list[str] = []
            for _ in range(200):
                code = await db.submit(BIG)
                if code is None:
                    break
                acknowledged.append(code)
            else:
                pytest.fail("the disk never filled up")
            assert acknowledged

            await until(db.supervisor, lambda s: s.state == "disk full", 10, "disk full")
            # Panicked: it answers ping and fails every write.
            await until(db.supervisor, lambda s: s.failures >= 2, 15, "failed health checks")
            status, body = await db.readiness()
            assert status == 503
            assert body["status"] == "not ready"
            assert body["checks"]["embeddedDatabase"] == "disk full"
            reason = body["embeddedDatabase"]["reason"]
            assert reason.startswith("The disk that holds the embedded database is full (")
            assert "Free space on it" in reason
            assert str(small_disk) not in str(body)  # no paths to the world

            filler.unlink()
            await until(db.supervisor, lambda s: s.state == "up", 30, "the database up again")
            assert db.supervisor.restarts >= 1
            stored = [await db.stored(code) for code in acknowledged]
            assert stored == [True] * len(acknowledged)
            assert await db.submit() is not None
            status, body = await db.readiness()
            assert status == 200, body
    # One line when the disk becomes full and one when it has room again, not one per
    # check (a checkpoint that removes an old journal file can make room for a while).
    lines = [r.getMessage() for r in caplog.records]
    episodes = [line for line in lines if "disk full" in line or "room again" in line]
    assert [("disk full" in line) for line in episodes] == [True, False] * (len(episodes) // 2)
    assert episodes
    assert "MiB free, 4 MiB needed" in episodes[0]
