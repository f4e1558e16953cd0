"""Background rounds are let finish when the app stops, and cut off past the grace."""

from __future__ import annotations

import asyncio

from api.workers.periodic import Periodic


async def test_stop_lets_a_running_round_finish() -> None:
    started, finished = asyncio.Event(), []

    async def round_() -> None:
        started.set()
        await asyncio.sleep(0.2)  # e.g. a database command in flight
        finished.append(True)

    rounds = Periodic("test", 0.01, round_, grace=5)
    rounds.start()
    await asyncio.wait_for(started.wait(), 5)
    await rounds.stop()
    assert finished == [True]


async def test_stop_cancels_a_round_that_outlasts_the_grace() -> None:
    started, cancelled = asyncio.Event(), []

    async def stuck() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    rounds = Periodic("test", 0.01, stuck, grace=0.1)
    rounds.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(rounds.stop(), 5)
    assert cancelled == [True]


async def test_a_failing_round_does_not_stop_the_next() -> None:
    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is down")

    rounds = Periodic("test", 0.01, flaky)
    rounds.start()
    for _ in range(200):
        if len(calls) >= 2:
            break
        await asyncio.sleep(0.01)
    await rounds.stop()
    assert len(calls) >= 2
