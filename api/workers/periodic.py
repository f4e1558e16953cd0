"""A background job run every few seconds in each API process, stopped gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs `job` every `interval` seconds (first after one interval) until stopped.

    Stopping lets a running round finish, up to `grace` seconds, before cancelling it:
    a round cancelled in the middle of a database command abandons its connection.
    """

    def __init__(
        self,
        name: str,
        interval: float,
        job: Callable[[], Awaitable[object]],
        grace: float = 15.0,
    ) -> None:
        self.name, self.interval, self.job, self.grace = name, interval, job, grace
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait({self._task}, timeout=self.grace)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
            if self._stopping.is_set():
                return
            try:
                await self.job()
            except Exception:  # keep going: the next round retries
                log.exception("%s failed a round", self.name)
