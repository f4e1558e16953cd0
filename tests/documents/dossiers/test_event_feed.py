"""Replaying missed events: the right ones, in order, read through an index."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from beanie import PydanticObjectId

from documents.dossiers.events import DossierEvent, EventType, number_old_events
from documents.dossiers.feed import events_after, replay_stages
from documents.dossiers.statuses import DossierStatus

AT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
QUERIES: list[dict[str, Any]] = [
    {},
    {"dossier_code": "A"},
    {"type": {"$in": ["ACCEPTED"]}},
    {"dossier_code": "A", "type": {"$in": ["ACCEPTED"]}, "to_status": {"$in": ["IN_PROGRESS"]}},
]


async def _event(code: str, kind: EventType, to: DossierStatus) -> PydanticObjectId:
    event = await DossierEvent(dossier_code=code, type=kind, at=AT, to_status=to).insert()
    assert event.id is not None
    return event.id


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_events_after_replays_the_matching_events_in_order() -> None:
    start = await _event("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    b_received = await _event("B", EventType.RECEIVED, DossierStatus.RECEIVED)
    a_accepted = await _event("A", EventType.ACCEPTED, DossierStatus.IN_PROGRESS)
    b_accepted = await _event("B", EventType.ACCEPTED, DossierStatus.IN_PROGRESS)

    async def replayed(query: dict[str, Any]) -> list[PydanticObjectId | None]:
        return [event.id async for event in events_after(start, query)]

    assert await replayed(QUERIES[0]) == [b_received, a_accepted, b_accepted]
    assert await replayed(QUERIES[1]) == [a_accepted]
    assert await replayed(QUERIES[2]) == [a_accepted, b_accepted]
    assert await replayed(QUERIES[3]) == [a_accepted]


@pytest.mark.usefixtures("http")
@pytest.mark.parametrize("query", QUERIES, ids=["all", "dossier", "types", "everything"])
async def test_events_after_reads_through_an_index(query: dict[str, Any]) -> None:
    leading = replay_stages(PydanticObjectId(), query)[0]["$match"]
    cursor = DossierEvent.get_pymongo_collection().find(leading)
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert "IXSCAN" in plan
    assert "COLLSCAN" not in plan


@pytest.mark.usefixtures("http")
async def test_events_written_before_seq_existed_are_numbered_and_replayed() -> None:
    start = await _event("A", EventType.RECEIVED, DossierStatus.RECEIVED)
    old = PydanticObjectId()
    raw = {"_id": old, "dossier_code": "A", "type": "ACCEPTED", "at": AT}
    await DossierEvent.get_pymongo_collection().insert_one(raw)
    assert [e.id async for e in events_after(start, {})] == []  # invisible without `seq`
    assert await number_old_events() == 1
    assert await number_old_events() == 0
    assert [e.id async for e in events_after(start, {})] == [old]
