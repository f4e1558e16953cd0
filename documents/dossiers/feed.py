"""Following `dossier_events` as a feed: which events a follower wants (the stored form
of a webhook's filter, the same criteria as the `dossierEvents` subscription's filter)
and what a subscriber missed, in insertion order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from beanie import PydanticObjectId
from pydantic import BaseModel, Field

from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.statuses import DossierStatus

REPLAY_BATCH = 200


class EventFilter(BaseModel):
    """Every criterion given must hold; an empty list (or no dossier code) means "any"."""

    dossier_code: str | None = None
    procedure_codes: list[str] = Field(default_factory=list)
    # Events of dossiers any of these agencies receives or handles.
    agency_codes: list[str] = Field(default_factory=list)
    types: list[EventType] = Field(default_factory=list)
    # Events that moved the dossier into one of these statuses.
    statuses: list[DossierStatus] = Field(default_factory=list)

    def matches_event(self, event: DossierEvent) -> bool:
        return (
            (self.dossier_code is None or event.dossier_code == self.dossier_code)
            and (not self.types or event.type in self.types)
            and (not self.statuses or event.to_status in self.statuses)
        )

    def matches_dossier(self, dossier: Dossier) -> bool:
        return (not self.procedure_codes or dossier.procedure_code in self.procedure_codes) and (
            not self.agency_codes or bool(set(self.agency_codes) & set(dossier.agency_codes))
        )


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
