"""Taking turns (documents/common/turns.py): first come first served while the turn
moves, and no one held up for long by a holder that does not let go."""

from __future__ import annotations

import asyncio
from collections import Counter

from documents.common.turns import HeldAcrossAttempts, Lines, Turns


async def test_a_long_line_keeps_its_order_while_each_turn_is_short() -> None:
    turns, order, went_without = Turns(patience=0.2), [], []

    async def one(n: int) -> None:
        async with turns.turn() as held:
            if not held:
                went_without.append(n)
            order.append(n)
            await asyncio.sleep(0.02)  # forty of these outlast the patience many times over

    tasks = []
    for n in range(40):
        tasks.append(asyncio.create_task(one(n)))
        await asyncio.sleep(0)  # they arrive in this order
    await asyncio.gather(*tasks)
    assert went_without == []
    assert order == list(range(40))


async def test_a_holder_that_keeps_the_turn_lets_the_others_go_without_it() -> None:
    turns, release = Turns(patience=0.1), asyncio.Event()

    async def stuck() -> None:
        async with turns.turn():
            await release.wait()

    holder = asyncio.create_task(stuck())
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def waiter() -> tuple[bool, float]:
        async with turns.turn() as held:
            return held, loop.time() - started

    outcomes = await asyncio.gather(*(waiter() for _ in range(5)))
    assert [held for held, _ in outcomes] == [False] * 5
    assert max(waited for _, waited in outcomes) < 1.0
    release.set()
    await holder
    async with turns.turn() as held:  # and once it lets go, turns are taken again
        assert held


async def test_a_waiter_cancelled_as_its_turn_comes_passes_it_on() -> None:
    turns = Turns(patience=5.0)
    first, doomed, later = turns.turn(), turns.turn(), turns.turn()
    assert await first.__aenter__()
    cancelled = asyncio.create_task(doomed.__aenter__())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(later.__aenter__())
    await asyncio.sleep(0)
    await first.__aexit__(None, None, None)  # hands the turn to `cancelled`...
    cancelled.cancel()  # ...which is cancelled before it runs
    assert await asyncio.wait_for(waiting, 1.0) is True
    assert turns.busy
    await later.__aexit__(None, None, None)
    assert not turns.busy


async def test_lines_queue_apart_and_are_dropped_once_idle() -> None:
    lines, inside, overlapped = Lines(patience=1.0), Counter[str | None](), []

    async def one(line: str | None) -> None:
        async with lines.turn(line):
            inside[line] += 1
            overlapped.append((line, inside[line]))
            await asyncio.sleep(0.01)
            inside[line] -= 1

    await asyncio.gather(*(one(line) for line in ["a", "b", None] * 5))
    assert max(n for line, n in overlapped if line is not None) == 1  # one at a time per line
    assert max(n for line, n in overlapped if line is None) == 5  # no line, no queue
    assert lines.lines == {}


async def test_a_hold_is_kept_through_retries_and_asked_again_after_going_without() -> None:
    lock = asyncio.Lock()
    first, second = HeldAcrossAttempts(lock, 0.1), HeldAcrossAttempts(lock, 0.1)
    async with first.attempt():
        assert first.held
    async with first.attempt():  # a retry keeps it: no queueing behind newer ones
        assert first.held
    async with second.attempt():  # the holder is stuck: after 0.1 s it goes without
        assert not second.held
    first.release()
    async with second.attempt():  # its next attempt queues again, and gets it
        assert second.held
    second.release()
    assert not lock.locked()
