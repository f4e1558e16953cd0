"""Taking turns, first come first served, while the turns keep moving.

A waiter keeps its place as long as the turn changes hands at least every `patience`
seconds, however long the line: a burst of fifty drains one by one instead of fifty
transactions conflicting on one counter. A holder that keeps the turn longer than that
(stuck on a dead process's lock, say) lets everyone waiting go without their turn.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    def __init__(self, patience: float) -> None:
        self.patience = patience
        self.busy = False
        self.since = time.monotonic()  # when the turn last changed hands
        self.waiting: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[bool]:
        """Yield True holding the turn, or False once its holder has kept it too long."""
        held = await self._take()
        try:
            yield held
        finally:
            if held:
                self._give()

    async def _take(self) -> bool:
        if not self.busy and not self.waiting:
            self.busy, self.since = True, time.monotonic()
            return True
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(handed)
        try:
            while True:
                stuck_in = self.since + self.patience - time.monotonic()
                if stuck_in <= 0:
                    self.waiting.remove(handed)
                    return False
                await asyncio.wait([handed], timeout=stuck_in)
                if handed.done():
                    return True
        except BaseException:
            if handed.done() and not handed.cancelled():
                self._give()  # handed over as this waiter was cancelled: pass it on
            elif handed in self.waiting:
                self.waiting.remove(handed)
            raise

    def _give(self) -> None:
        while self.waiting:
            handed = self.waiting.popleft()
            if not handed.done():
                self.since = time.monotonic()
                handed.set_result(None)
                return
        self.busy = False


class Lines:
    """One `Turns` per named line, made on first use and dropped once idle; no name, no
    line."""

    def __init__(self, patience: float) -> None:
        self.patience = patience
        self.lines: dict[str, Turns] = {}

    @asynccontextmanager
    async def turn(self, name: str | None) -> AsyncIterator[bool]:
        if name is None:
            yield False
            return
        turns = self.lines.setdefault(name, Turns(self.patience))
        try:
            async with turns.turn() as held:
                yield held
        finally:
            if not turns.busy and not turns.waiting and self.lines.get(name) is turns:
                del self.lines[name]


class HeldAcrossAttempts:
    """One transaction's hold on a process-wide lock, across its attempts: asked for
    before each attempt until it is held, then kept through the retries and released at
    the end. An attempt that waited `patience` goes without it (its holder may be stuck
    on a dead process's lock) and the next attempt queues again, so after the holder
    moves on those that went without it queue rather than keep conflicting beside it."""

    def __init__(self, lock: asyncio.Lock, patience: float) -> None:
        self.lock, self.patience = lock, patience
        self.held = False

    @asynccontextmanager
    async def attempt(self) -> AsyncIterator[None]:
        if not self.held:
            try:
                async with asyncio.timeout(self.patience):
                    await self.lock.acquire()
                self.held = True
            except TimeoutError:
                pass
        yield

    def release(self) -> None:
        if self.held:
            self.held = False
            self.lock.release()
