"""Following `dossier_events` as a feed: which events a follower wants (the stored form
of a webhook's filter, the same criteria as the `dossierEvents` subscription's filter)
and what a subscriber missed, in commit (position) order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from bson import ObjectId
from pydantic import BaseModel, Field

from documents.common.tolerant import read_or_none
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
    # Events of these group submissions: their members' and the groups' own.
    group_codes: list[str] = Field(default_factory=list)

    def matches_event(self, event: DossierEvent) -> bool:
        return (
            (self.dossier_code is None or event.dossier_code == self.dossier_code)
            and (not self.group_codes or event.group_code in self.group_codes)
            and (not self.types or event.type in self.types)
            and (not self.statuses or event.to_status in self.statuses)
        )

    def matches_dossier(self, dossier: Dossier) -> bool:
        return (not self.procedure_codes or dossier.procedure_code in self.procedure_codes) and (
            not self.agency_codes or bool(set(self.agency_codes) & set(dossier.agency_codes))
        )


def _one_of(condition: Any) -> Any:
    """The value an `{"$in": [value]}` condition names; None for any other condition."""
    if isinstance(condition, dict) and list(condition) == ["$in"] and len(condition["$in"]) == 1:
        return condition["$in"][0]
    return None


def replay_stages(after: int, until: int, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The events matching `query` with positions in (`after`, `until`], in position
    (commit) order, as a pipeline whose first `$match` an index serves (`position`,
    `by_dossier_position` for one dossier, `by_group_position` for groups); the other
    conditions follow in a second stage (docs/embedded-database.md)."""
    rest = dict(query)
    leading: dict[str, Any] = {"position": {"$gt": after, "$lte": until}}
    if "dossier_code" in rest:
        leading = {"dossier_code": rest.pop("dossier_code"), **leading}
    elif _one_of(rest.get("group_code")) is not None:
        # An equality: SecantusDB scans the collection for an `$in` on the index's first
        # key. Several groups are read through `position`, the groups in the second stage.
        leading = {"group_code": _one_of(rest.pop("group_code")), **leading}
    stages: list[dict[str, Any]] = [{"$match": leading}]
    if rest:
        stages.append({"$match": rest})
    return [*stages, {"$sort": {"position": 1}}]


async def events_after(
    after: int, until: int, query: dict[str, Any]
) -> AsyncIterator[DossierEvent]:
    """The missed events up to `until`, read through one cursor: paging with `limit`
    would re-read the rest of the window per page on SecantusDB. Positions are taken in
    commit order, so what the cursor sees is a prefix with none missing."""
    pipeline = replay_stages(after, until, query)
    cursor = await DossierEvent.get_pymongo_collection().aggregate(pipeline, batchSize=REPLAY_BATCH)
    async for raw in cursor:
        event = read_or_none(DossierEvent, raw)  # one a newer version wrote: skipped
        if event is not None:
            yield event


async def latest_position() -> int:
    """The position of the last event committed (0 before the first)."""
    found = await DossierEvent.get_pymongo_collection().find_one(
        {"position": {"$gte": 0}}, {"position": 1}, sort=[("position", -1)]
    )
    return int(found["position"]) if found else 0


async def position_before(event_id: ObjectId) -> int:
    """The position of the last event whose id is not after `event_id` (0 if none): a
    cursor kept as an event id before positions existed, read once. On SecantusDB this
    scans the collection (a range on `_id`)."""
    found = await DossierEvent.get_pymongo_collection().find_one(
        {"_id": {"$lte": event_id}, "position": {"$gte": 0}},
        {"position": 1},
        sort=[("_id", -1)],
    )
    return int(found["position"]) if found else 0
