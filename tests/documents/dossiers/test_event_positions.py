"""Event positions: handed out in commit order inside the transaction that records the
events, with no gaps and no repeats, whatever runs at the same time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.common.transactions import in_transaction
from documents.dossiers.events import (
    DossierEvent,
    EventType,
    in_event_transaction,
    number_old_events,
    record_events,
)

pytestmark = pytest.mark.usefixtures("http")  # Beanie documents need a database

AT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def event(code: str = "A") -> DossierEvent:
    return DossierEvent(dossier_code=code, type=EventType.RECEIVED, at=AT)


async def positions_in_insert_order(changes: Any, count: int) -> list[int]:
    """The positions of the next `count` inserts, as the change stream (commit order)
    delivers them."""
    return [int((await changes.next())["fullDocument"]["position"]) for _ in range(count)]


async def test_concurrent_transactions_number_their_events_in_commit_order() -> None:
    collection = DossierEvent.get_pymongo_collection()
    sizes = [1, 2, 3] * 6

    async def writer(size: int) -> None:
        events = [event(f"D-{size}-{n}") for n in range(size)]

        async def work(session: AsyncClientSession) -> None:
            await asyncio.sleep(0)  # let the others start their transactions too
            await record_events(session, events)

        # Straight through in_transaction: no turns taken, every overlap conflicts.
        await in_transaction(DossierEvent, work)

    async with await collection.watch([{"$match": {"operationType": "insert"}}]) as changes:
        await asyncio.gather(*(writer(size) for size in sizes))
        committed = await positions_in_insert_order(changes, sum(sizes))
    assert committed == list(range(1, sum(sizes) + 1))


async def test_taking_turns_numbers_every_event_once() -> None:
    async def writer(n: int) -> None:
        recording = [event(f"D-{n}")]
        await in_event_transaction(DossierEvent, lambda s: record_events(s, recording))

    await asyncio.gather(*(writer(n) for n in range(20)))
    stored = await DossierEvent.find_all().sort("+position").to_list()
    assert [e.position for e in stored] == list(range(1, 21))


async def test_an_aborted_transaction_gives_its_positions_back() -> None:
    async def failing(session: AsyncClientSession) -> None:
        await record_events(session, [event(), event()])
        raise RuntimeError("the change it records failed")

    with pytest.raises(RuntimeError):
        await in_event_transaction(DossierEvent, failing)
    kept = event()
    await in_event_transaction(DossierEvent, lambda s: record_events(s, [kept]))
    assert kept.position == 1
    assert await DossierEvent.count() == 1


async def test_events_are_recorded_only_inside_a_transaction() -> None:
    client = DossierEvent.get_pymongo_collection().database.client
    async with client.start_session() as session:
        with pytest.raises(RuntimeError, match="inside a transaction"):
            await record_events(session, [event()])
    assert await DossierEvent.count() == 0


async def test_a_position_is_never_stored_twice() -> None:
    first = event()
    await in_event_transaction(DossierEvent, lambda s: record_events(s, [first]))
    copy = event().model_copy(update={"position": first.position})
    with pytest.raises(DuplicateKeyError):
        await copy.insert()


async def test_an_event_is_never_written_without_a_position() -> None:
    with pytest.raises(RuntimeError, match="record_events"):
        await event().insert()
    assert await DossierEvent.count() == 0


async def test_old_events_are_numbered_in_id_order_after_the_recorded_ones() -> None:
    recorded = event("NEW")
    await in_event_transaction(DossierEvent, lambda s: record_events(s, [recorded]))
    old = [PydanticObjectId() for _ in range(30)]
    raw = [{"_id": i, "seq": i, "dossier_code": "OLD", "type": "RECEIVED", "at": AT} for i in old]
    await DossierEvent.get_pymongo_collection().insert_many(list(reversed(raw)))
    assert await number_old_events(batch=7) == 30
    numbered = await DossierEvent.find(DossierEvent.dossier_code == "OLD").to_list()
    by_id = sorted(numbered, key=lambda e: e.id or PydanticObjectId())
    assert [e.position for e in by_id] == list(range(2, 32))


async def test_two_processes_starting_at_once_number_old_events_once() -> None:
    old = [PydanticObjectId() for _ in range(300)]
    raw = [{"_id": i, "dossier_code": "OLD", "type": "RECEIVED", "at": AT} for i in old]
    await DossierEvent.get_pymongo_collection().insert_many(raw)
    counts = await asyncio.gather(number_old_events(batch=40), number_old_events(batch=40))
    assert sum(counts) == 300
    stored = await DossierEvent.find_all().to_list()
    by_id = sorted(stored, key=lambda e: e.id or PydanticObjectId())
    assert [e.position for e in by_id] == list(range(1, 301))
