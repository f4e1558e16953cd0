"""A background job run every few seconds in each API process, backing off while it fails,
stopped gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from api.workers.failures import describe

log = logging.getLogger(__name__)


class Periodic:
    """Runs `job` every `interval` seconds (first after one interval) until stopped.

    A failed round is logged as one line (what failed, no traceback: the database being
    down would otherwise print one every round) and the next waits twice as long as the
    last, up to `max_backoff`; the first round that succeeds logs the recovery and goes
    back to `interval`.

    Stopping lets a running round finish, up to `grace` seconds, before cancelling it:
    a round cancelled in the middle of a database command abandons its connection.
    """

    def __init__(
        self,
        name: str,
        interval: float,
        job: Callable[[], Awaitable[object]],
        grace: float = 15.0,
        max_backoff: float = 60.0,
    ) -> None:
        self.name, self.interval, self.job, self.grace = name, interval, job, grace
        self.max_backoff = max(max_backoff, interval)
        # Consecutive failed rounds (0 while healthy), and all failed rounds so far.
        self.failures = 0
        self.total_failures = 0
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def next_wait(self) -> float:
        """Seconds until the next round: `interval`, doubled for every failure in a row."""
        if self.failures == 0:
            return self.interval
        return min(self.interval * 2.0**self.failures, self.max_backoff)

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping.set()
        try:
            done, _ = await asyncio.wait({self._task}, timeout=self.grace)
        except asyncio.CancelledError:
            self._task.cancel()  # the stop was cut short (api/stopping.py): so is the round
            raise
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.next_wait)
            if self._stopping.is_set():
                return
            try:
                await self.job()
            except Exception as error:  # keep going: the next round retries
                self.failures += 1
                self.total_failures += 1
                log.error(
                    "%s: round failed (%s); next try in %.3g s",
                    self.name,
                    describe(error),
                    self.next_wait,
                )
            else:
                if self.failures:
                    log.warning("%s: recovered after %d failed rounds", self.name, self.failures)
                self.failures = 0
