"""Event-recording transactions of one process take turns, however long the queue."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import utcnow
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events

pytestmark = pytest.mark.usefixtures("http")  # Beanie documents need a database


async def test_a_long_queue_of_event_transactions_never_overlaps_or_retries() -> None:
    # 15 transactions of 0.1 s each: the last waits well past the 1 s patience, which
    # is for a stuck holder, not for a queue that moves.
    attempts = 0
    running = 0
    most = 0

    async def work(session: AsyncClientSession) -> None:
        nonlocal attempts, running, most
        attempts += 1
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.1)
            event = DossierEvent(dossier_code="X", type=EventType.RECEIVED, at=utcnow())
            await record_events(session, [event])
        finally:
            running -= 1

    await asyncio.gather(*(in_event_transaction(DossierEvent, work) for _ in range(15)))
    assert (most, attempts) == (1, 15)
    positions = sorted(e.position or 0 for e in await DossierEvent.find_all().to_list())
    assert positions == list(range(1, 16))
