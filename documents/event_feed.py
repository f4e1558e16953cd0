"""Reading `dossier_events` as a feed: what a subscriber missed, in insertion order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from beanie import PydanticObjectId, SortDirection

from documents.event import DossierEvent

REPLAY_BATCH = 200


async def events_after(
    after: PydanticObjectId, query: dict[str, Any], batch: int = REPLAY_BATCH
) -> AsyncIterator[DossierEvent]:
    """The events matching `query` with `_id > after`, oldest first, `batch` per read."""
    last = after
    while True:
        found = (
            await DossierEvent.find({**query, "_id": {"$gt": last}})
            .sort([("_id", SortDirection.ASCENDING)])
            .limit(batch)
            .to_list()
        )
        for event in found:
            yield event
        if len(found) < batch:
            return
        assert found[-1].id is not None
        last = found[-1].id
