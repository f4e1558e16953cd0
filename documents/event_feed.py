"""Reading `dossier_events` as a feed: what a subscriber missed, in insertion order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from beanie import PydanticObjectId

from documents.event import DossierEvent

REPLAY_BATCH = 200


def replay_stages(after: PydanticObjectId, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The events matching `query` after the event `after`, oldest first, as a pipeline
    whose first `$match` an index serves (`seq`, or `by_dossier` for one dossier); the
    other conditions follow in a second stage (docs/embedded-database.md)."""
    rest = dict(query)
    if "dossier_code" in rest:
        leading = {"dossier_code": rest.pop("dossier_code"), "_id": {"$gt": after}}
    else:
        leading = {"seq": {"$gt": after}}
    stages: list[dict[str, Any]] = [{"$match": leading}]
    if rest:
        stages.append({"$match": rest})
    return [*stages, {"$sort": {"_id": 1}}]


async def events_after(
    after: PydanticObjectId, query: dict[str, Any]
) -> AsyncIterator[DossierEvent]:
    """The missed events, read through one cursor: paging with `limit` would re-read
    the rest of the window per page on SecantusDB."""
    pipeline = replay_stages(after, query)
    cursor = await DossierEvent.get_pymongo_collection().aggregate(pipeline, batchSize=REPLAY_BATCH)
    async for raw in cursor:
        yield DossierEvent.model_validate(raw)
