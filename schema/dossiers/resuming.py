"""Where a `dossierEvents` subscription resumes: the `after` argument, read as a position.

A position is the event's place in commit order (documents/dossiers/events.py), sent
as a decimal string: GraphQL's Int is 32 bits, and JavaScript numbers lose integers
past 2^53, so a string is the one type every client carries unharmed. An event's id
(`eventId`, the DossierEvent's global id) is accepted too and looked up, and so, for
one release, is the raw ObjectId that `eventId` was before (docs/relay.md).
"""

from __future__ import annotations

import strawberry
from beanie import PydanticObjectId
from graphql import GraphQLError
from strawberry.relay import GlobalID, GlobalIDValueError

from documents.dossiers.events import position_of
from schema.core.errors_processing import BAD_USER_INPUT

# Error codes of a subscription that ends early; `extensions.after` tells where to resume.
TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
INTERRUPTED = "SUBSCRIPTION_INTERRUPTED"
# A position fits in 64 bits: 18 digits always do (19 may not); an event id has 24 hex digits.
_MAX_DIGITS = 18
EVENT_TYPE_NAME = "DossierEvent"


def bad_after(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT, "field": "after"})


async def resume_point(after: strawberry.ID | None) -> int | None:
    """The position to resume after; None for "from now"."""
    if after is None:
        return None
    text = str(after)
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:
        return int(text)
    raw = text if len(text) == 24 and PydanticObjectId.is_valid(text) else _event_id(text)
    if raw is None:
        raise bad_after("`after` must be the position or the id of the last event received")
    position = await position_of(PydanticObjectId(raw))
    if position is None:
        raise bad_after("`after` names no event; pass the position of the last one received")
    return position


def event_global_id(event_id: str) -> strawberry.ID:
    """An event's `eventId`: its DossierEvent global id, as `DossierEvent.id` gives it."""
    return strawberry.ID(str(GlobalID(EVENT_TYPE_NAME, event_id)))


def _event_id(text: str) -> str | None:
    """The ObjectId in a DossierEvent's global id, or None if `text` is not one."""
    try:
        found = GlobalID.from_id(text)
    except GlobalIDValueError:
        return None
    if found.type_name != EVENT_TYPE_NAME or not PydanticObjectId.is_valid(found.node_id):
        return None
    return found.node_id


class Trail:
    """How far one subscription has got. Every event up to `bound` has committed: a
    replay up to it misses none, and every later one reaches the live feed. `passed` is
    where the client would resume: the last event sent or filtered out."""

    def __init__(self, bound: int, resume: int | None) -> None:
        self.bound = bound
        self.resume = resume
        self.passed = bound if resume is None else resume
        # Live events at or below it were sent already (or come before `after`).
        self._floor = resume if resume is not None and resume >= bound else None

    @property
    def replays(self) -> bool:
        return self.resume is not None and self.resume < self.bound

    def replayed(self) -> None:
        self.passed = self._floor = self.bound

    def fresh(self, position: int | None) -> bool:
        """Whether a live event is not sent yet (an event without a position, written
        by an older version, always is)."""
        if position is None:
            return True
        if self._floor is not None and position <= self._floor:
            return False
        self._floor = position
        return True
