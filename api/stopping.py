"""Stopping in time: the app's shutdown steps share one time limit, so that SIGTERM ends
`motcua serve` within 10 s whatever the database is doing (docs/durability.md).

After SIGTERM, uvicorn gives requests in flight `MOTCUA_SHUTDOWN_GRACE_SECONDS` (at
most 3 s; those still running are then answered 503, api/middleware/deadline.py), the
lifespan's steps get `SHUTDOWN_SECONDS` together (2.4 s at worst, floors included), and
the embedded database `EXIT_STOP_SECONDS` (api/embedded.py) for a clean stop before it
is killed: 3 + 2.4 + 3 s and a little, under 10.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Mapping
from typing import Any

import pymongo
from pymongo import AsyncMongoClient

logger = logging.getLogger("motcua.shutdown")

SHUTDOWN_SECONDS = 1.5
# Each call gets at least this, even when earlier ones used the time up; what was
# cancelled gets a moment to finish.
_FLOOR = 0.3
_CANCELLED = 0.1


class Stopping:
    """Steps run as `await stopping.run({...})`, side by side within a call, the calls one
    after another; a step still running when the time is up is cancelled (and logged)."""

    def __init__(self, seconds: float = SHUTDOWN_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds

    @property
    def left(self) -> float:
        return max(self.deadline - time.monotonic(), _FLOOR)

    async def run(self, steps: Mapping[str, Awaitable[Any] | None]) -> None:
        """The steps (None: a step with nothing to stop) side by side."""
        tasks = {asyncio.ensure_future(s): name for name, s in steps.items() if s is not None}
        if not tasks:
            return
        seconds = self.left
        done, pending = await asyncio.wait(tasks, timeout=seconds)
        for task in pending:
            task.cancel()
            logger.warning("%s did not stop within %.1f s: cancelled", tasks[task], seconds)
        if pending:
            await asyncio.wait(pending, timeout=_CANCELLED)
        for task in done:
            error = None if task.cancelled() else task.exception()
            if error is not None:
                logger.warning("%s failed to stop: %s", tasks[task], type(error).__name__)

    async def close(self, client: AsyncMongoClient[Any]) -> None:
        """The database client, whose goodbye to the server (endSessions) waits for an
        answer: within the time left."""
        # Half the time for the goodbye, so that closing the connections still happens.
        with pymongo.timeout(self.left / 2):
            await self.run({"database client": client.close()})
