"""Replaying missed events: the right ones, in position order, up to a bound, read
through an index."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from beanie import PydanticObjectId

from documents.dossiers.events import (
    DossierEvent,
    EventType,
    in_event_transaction,
    number_old_events,
    record_events,
)
from documents.dossiers.feed import events_after, latest_position, replay_stages
from documents.dossiers.statuses import DossierStatus

AT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
QUERIES: list[dict[str, Any]] = [
    {},
    {"dossier_code": "A"},
    {"type": {"$in": ["ACCEPTED"]}},
    {"dossier_code": "A", "type": {"$in": ["ACCEPTED"]}, "to_status": {"$in": ["IN_PROGRESS"]}},
]


async def recorded(code: str, kind: EventType, to: DossierStatus) -> DossierEvent:
    event = DossierEvent(dossier_code=code, type=kind, at=AT, to_status=to)
    await in_event_transaction(DossierEvent, lambda session: record_events(session, [event]))
    return event


async def replayed(after: int, until: int, query: dict[str, Any]) -> list[PydanticObjectId | None]:
    return [event.id async for event in events_after(after, until, query)]


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_events_after_replays_the_matching_events_in_order() -> None:
    start = await recorded("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    b_received = await recorded("B", EventType.RECEIVED, DossierStatus.RECEIVED)
    a_accepted = await recorded("A", EventType.ACCEPTED, DossierStatus.IN_PROGRESS)
    b_accepted = await recorded("B", EventType.ACCEPTED, DossierStatus.IN_PROGRESS)
    assert start.position is not None
    after, until = start.position, await latest_position()

    assert await replayed(after, until, QUERIES[0]) == [b_received.id, a_accepted.id, b_accepted.id]
    assert await replayed(after, until, QUERIES[1]) == [a_accepted.id]
    assert await replayed(after, until, QUERIES[2]) == [a_accepted.id, b_accepted.id]
    assert await replayed(after, until, QUERIES[3]) == [a_accepted.id]


@pytest.mark.usefixtures("http")
async def test_events_after_stops_at_its_bound() -> None:
    first = await recorded("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    bound = await latest_position()
    await recorded("A", EventType.ACCEPTED, DossierStatus.IN_PROGRESS)
    assert await replayed(0, bound, {}) == [first.id]
    assert await latest_position() == bound + 1


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("query", QUERIES, ids=["all", "dossier", "types", "everything"])
async def test_events_after_reads_through_an_index(query: dict[str, Any]) -> None:
    leading = replay_stages(0, 10, query)[0]["$match"]
    cursor = DossierEvent.get_pymongo_collection().find(leading)
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert "IXSCAN" in plan
    assert "COLLSCAN" not in plan


@pytest.mark.usefixtures("http")
async def test_the_last_position_is_read_through_an_index() -> None:
    await recorded("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    cursor = DossierEvent.get_pymongo_collection().find(
        {"position": {"$gte": 0}}, sort=[("position", -1)], limit=1
    )
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert "IXSCAN" in plan
    assert "COLLSCAN" not in plan


@pytest.mark.usefixtures("http")
async def test_events_written_before_positions_existed_are_numbered_and_replayed() -> None:
    start = await recorded("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    assert start.position == 1
    old = PydanticObjectId()
    raw = {"_id": old, "seq": old, "dossier_code": "A", "type": "ACCEPTED", "at": AT}
    await DossierEvent.get_pymongo_collection().insert_one(raw)
    assert await replayed(1, 10, {}) == []  # invisible without a position
    assert await number_old_events() == 1
    assert await number_old_events() == 0
    assert await replayed(1, 10, {}) == [old]
