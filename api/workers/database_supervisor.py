"""The embedded database's supervisor: checks the child (alive, answers `ping`, accepts a
small write), restarts it on the same port with backoff when it died or stopped working,
and tells a full disk apart (docs/embedded-database.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from enum import StrEnum
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from api.embedded import (
    EXIT_STOP_SECONDS,
    START_TIMEOUT_SECONDS,
    EmbeddedDatabase,
    EmbeddedDatabaseError,
)
from api.settings import Settings
from api.workers.embedded_disk import DiskWatch
from api.workers.failures import describe
from documents.common.clock import utcnow

log = logging.getLogger(__name__)

# Where the health check writes: one small document, overwritten at each check.
HEALTH_COLLECTION = "embedded_health"
# A child that does not answer any more is killed this soon: with every commit synced,
# SIGKILL loses nothing acknowledged, and a panicked WiredTiger cannot checkpoint anyway.
# No longer than motcua's own exit waits, which may come in the middle of a restart.
STOP_SECONDS = EXIT_STOP_SECONDS


class EmbeddedState(StrEnum):
    UP = "up"
    FAILING = "failing"  # its last health checks failed, fewer than the restart threshold
    RESTARTING = "restarting"
    DISK_FULL = "disk full"


class DatabaseSupervisor:
    """Watches one `EmbeddedDatabase` while the app runs.

    The restarted child listens on the same port, so the app's client reconnects by
    itself. Restart attempts wait `check_seconds` doubled for each attempt in a row, up to
    `embedded_max_backoff_seconds`, and are held back while the disk is below its floor.
    """

    def __init__(self, embedded: EmbeddedDatabase, settings: Settings) -> None:
        self.embedded = embedded
        self.interval = settings.embedded_check_seconds
        self.threshold = settings.embedded_check_failures
        self.max_backoff = settings.embedded_max_backoff_seconds
        self.timeout = settings.readiness_timeout_seconds
        self.database = settings.database
        self.disk = DiskWatch(embedded.storage, embedded.log_file, settings.embedded_min_free_bytes)
        self.failures = 0  # health checks failed in a row
        self.attempt = 0  # restart attempts since the child was last healthy
        self.restarts = 0  # restart attempts in all
        self.disk_full = False
        self._last_failure = ""
        self._next_attempt = 0.0
        self._client: AsyncMongoClient[dict[str, Any]] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> EmbeddedState:
        if self.disk_full:
            return EmbeddedState.DISK_FULL
        if self.attempt or self.failures >= self.threshold or self.embedded.exit_code is not None:
            return EmbeddedState.RESTARTING
        return EmbeddedState.FAILING if self.failures else EmbeddedState.UP

    @property
    def reason(self) -> str | None:
        """Why the database is not up, for a human reading /readyz."""
        state = self.state
        if state is EmbeddedState.DISK_FULL:
            return (
                f"The disk that holds the embedded database is full {self.disk.explain()}. "
                "Free space on it: the database is restarted by itself."
            )
        if state is EmbeddedState.RESTARTING:
            return f"The embedded database stopped working; restart attempt {self.attempt}."
        if state is EmbeddedState.FAILING:
            return "The embedded database failed its last health check."
        return None

    def start(self) -> None:
        self._client = AsyncMongoClient(
            self.embedded.uri,
            serverSelectionTimeoutMS=int(self.timeout * 1000),
            connectTimeoutMS=int(self.timeout * 1000),
            tz_aware=True,
        )
        self._task = asyncio.create_task(self._loop(), name="embedded database supervisor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception as error:  # keep watching: the next check tries again
                log.error("embedded database supervisor: check failed (%s)", describe(error))

    async def check(self) -> None:
        """One round: look at the disk, check the child, restart it when due."""
        await asyncio.to_thread(self.disk.look)
        exit_code = self.embedded.exit_code
        healthy = exit_code is None and await self._healthy()
        if healthy:
            if self.attempt:
                log.warning(
                    "embedded database: healthy again after %d restart attempt(s)", self.attempt
                )
            self.failures = self.attempt = 0
            self.disk.enospc = False
        else:
            self.failures += 1
        self._note_disk(self.disk.full(healthy, self.disk_full))
        if healthy or (exit_code is None and self.failures < self.threshold):
            return
        if self.disk.low or time.monotonic() < self._next_attempt:
            return  # the disk first, or the backoff
        if exit_code is not None:
            why = f"it exited with code {exit_code}"
        elif self.disk_full:
            why = "it stopped working when the disk was full"
        else:
            why = f"{self.failures} health checks failed in a row ({self._last_failure})"
        await self._restart(why)

    async def _healthy(self) -> bool:
        """`ping`, then a write: a panicked server still answers `ping`."""
        assert self._client is not None
        try:
            with pymongo.timeout(self.timeout):
                await self._client.admin.command("ping")
                await self._client[self.database][HEALTH_COLLECTION].update_one(
                    {"_id": "supervisor"}, {"$set": {"at": utcnow()}}, upsert=True
                )
        except PyMongoError as error:
            self._last_failure = describe(error)
            return False
        return True

    def _note_disk(self, full: bool) -> None:
        """One log line when the disk becomes full, one when it has room again."""
        if full and not self.disk_full:
            log.error(
                "embedded database: disk full %s on the filesystem of %s; free space there "
                "and the database is restarted by itself",
                self.disk.explain(),
                self.embedded.storage,
            )
        elif self.disk_full and not full:
            log.warning("embedded database: the disk has room again")
        self.disk_full = full

    async def _restart(self, why: str) -> None:
        """Stops the child if it still runs and starts a new one on the same port: one log
        line per attempt, whatever its outcome."""
        self.attempt += 1
        self.restarts += 1
        self.failures = 0
        wait = min(self.interval * 2.0 ** (self.attempt - 1), self.max_backoff)
        self._next_attempt = time.monotonic() + wait
        embedded = self.embedded
        await asyncio.to_thread(embedded.stop_process, STOP_SECONDS)
        logged = embedded.log_size()
        try:
            embedded.spawn()  # in the event loop's thread: see die_with_parent
            await self._until_ready(logged)
        except (EmbeddedDatabaseError, OSError) as error:
            log.error(
                "embedded database: restart attempt %d failed (%s; %s); next attempt in %.3g s",
                self.attempt,
                why,
                error,
                wait,
            )
            return
        log.warning(
            "embedded database: restarted on port %d (attempt %d; %s)",
            embedded.port,
            self.attempt,
            why,
        )

    async def _until_ready(self, logged: int) -> None:
        assert self._client is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.embedded.exit_code is not None:
                raise EmbeddedDatabaseError(self.embedded.exit_reason(logged))
            try:
                with pymongo.timeout(0.5):
                    await self._client.admin.command("ping")
            except PyMongoError:
                await asyncio.sleep(0.1)
            else:
                return
        await asyncio.to_thread(self.embedded.stop_process, STOP_SECONDS)
        raise EmbeddedDatabaseError("the embedded database did not answer ping in time")
