"""The event hub: one change stream, fanned out, resumed after failures."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure

from api.settings import Settings
from api.workers.hub import ChangeStream, EventHub, ResumeToken, watch_dossier_events
from documents.dossiers.events import (
    DossierEvent,
    EventType,
    in_event_transaction,
    record_events,
)
from schema.core.context import SubscriberTooSlowError
from tests.realtime import serving


class FailingOnce:
    """A change stream that breaks after `after` changes, the first time only."""

    def __init__(self, inner: ChangeStream, after: int) -> None:
        self.inner = inner
        self.left = after

    @property
    def resume_token(self) -> ResumeToken | None:
        return self.inner.resume_token

    async def next(self) -> Mapping[str, Any]:
        if self.left == 0:
            raise ConnectionResetError("the change stream broke")
        self.left -= 1
        return await self.inner.next()

    async def close(self) -> None:
        await self.inner.close()


async def record(events: list[DossierEvent], session: AsyncClientSession) -> None:
    await record_events(session, events)


def event(code: str) -> DossierEvent:
    return DossierEvent(dossier_code=code, type=EventType.RECEIVED, at=datetime.now(UTC))


async def test_hub_resumes_after_a_stream_failure_without_losing_events(
    settings: Settings,
) -> None:
    opened: list[ResumeToken | None] = []

    async def flaky_watch(resume_after: ResumeToken | None) -> ChangeStream:
        opened.append(resume_after)
        stream = await watch_dossier_events(resume_after)
        return FailingOnce(stream, after=2) if len(opened) == 1 else stream

    async with serving(settings):
        hub = EventHub(initial_backoff=0.01, max_backoff=0.05, watch=flaky_watch)
        await hub.start()
        try:
            async with hub.subscribe() as feed:
                codes = [f"D-{i}" for i in range(6)]
                for code in codes:
                    await in_event_transaction(DossierEvent, partial(record, [event(code)]))
                received = [await asyncio.wait_for(anext(feed), 30) for _ in codes]
        finally:
            await hub.stop()
    assert [e.event.dossier_code for e in received] == codes
    assert hub.restarts == 1
    assert len(opened) == 2
    assert opened[1] is not None  # resumed from the token, not from "now"


async def test_hub_reads_the_gap_from_the_collection_when_its_history_is_lost(
    settings: Settings,
) -> None:
    """Past the oplog's window the server refuses the kept resume token every time
    (ChangeStreamHistoryLost). The hub must not retry it for ever, nor reopen from now
    and skip what was committed while it was away."""
    opened: list[ResumeToken | None] = []

    async def forgetful_watch(resume_after: ResumeToken | None) -> ChangeStream:
        opened.append(resume_after)
        if len(opened) == 1:
            return FailingOnce(await watch_dossier_events(resume_after), after=2)
        if resume_after is not None:
            # Committed while the stream was away; then the server has lost its history.
            for code in ("GAP-1", "GAP-2"):
                await in_event_transaction(DossierEvent, partial(record, [event(code)]))
            raise OperationFailure("resume point no longer in the oplog", code=286)
        return await watch_dossier_events(resume_after)

    async with serving(settings):
        hub = EventHub(initial_backoff=0.01, max_backoff=0.05, watch=forgetful_watch)
        await hub.start()
        try:
            async with hub.subscribe() as feed:
                before = ["D-0", "D-1", "D-2"]
                for code in before:
                    await in_event_transaction(DossierEvent, partial(record, [event(code)]))
                received = [await asyncio.wait_for(anext(feed), 30) for _ in range(5)]
                await in_event_transaction(DossierEvent, partial(record, [event("D-3")]))
                received.append(await asyncio.wait_for(anext(feed), 30))
        finally:
            await hub.stop()
    # Each once, in commit order (GAP-1 and GAP-2 may commit around D-2).
    assert sorted(e.event.dossier_code for e in received[:5]) == [
        "D-0", "D-1", "D-2", "GAP-1", "GAP-2"
    ]  # fmt: skip
    assert received[5].event.dossier_code == "D-3"
    positions = [e.event.position or 0 for e in received]
    assert positions == list(range(positions[0], positions[0] + 6))
    assert hub.history_lost == 1
    assert opened[1] is not None  # tried the token once,
    assert opened[2] is None  # then gave it up


async def test_hub_drops_only_the_subscriber_that_overflows() -> None:
    hub = EventHub(queue_size=2)
    async with hub.subscribe() as slow, hub.subscribe() as quick:
        for i in range(3):
            hub.publish(event(f"D-{i}"))
            await anext(quick)
        assert hub.subscribers == 1
        try:
            await anext(slow)
        except SubscriberTooSlowError:
            pass
        else:
            raise AssertionError("the slow subscriber was not closed")
