"""The deadline sweeper: every API process runs one in the background
(`documents/deadline_sweep.py` says why; sweeps racing each other are harmless)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from documents.deadline_sweep import sweep_passed_deadlines

log = logging.getLogger(__name__)


class DeadlineSweeper:
    def __init__(self, interval_seconds: float) -> None:
        self.interval = interval_seconds
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name="deadline sweeper")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await sweep_passed_deadlines()
            except Exception:  # keep going: the next round retries
                log.exception("the deadline sweep failed a round")
