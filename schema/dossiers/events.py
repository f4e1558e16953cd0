"""A dossier's events as GraphQL types: the event node and the timeline connection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.scalars import JSON

from documents.common.paging import direction
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, events_by_ids
from schema.core.context import Info
from schema.core.enums import DossierStatus, EventType
from schema.core.pagination import InvalidCursorError, page_info
from schema.core.scalars import as_json
from schema.dossiers.visibility import all_as_seen, loaded_dossiers


@strawberry.type(
    name="DossierEvent",
    description="One thing that happened to a dossier: a row of its process control slip "
    "and of its audit trail. Append-only.",
)
class DossierEventType(relay.Node):
    event_id: relay.NodeID[str]
    dossier_code: str = strawberry.field(
        description="The dossier's code; a group event's (GROUP_*) is the group's code."
    )
    type: EventType = strawberry.field(description="What happened.")
    at: datetime = strawberry.field(description="When it happened.")
    actor: str | None = strawberry.field(
        description="Who did it (the user's id, as their credentials name them); null "
        "when no person did (the system)."
    )
    from_status: DossierStatus | None = strawberry.field(
        description="The dossier's status before the event; null where the event records none."
    )
    to_status: DossierStatus | None = strawberry.field(
        description="The dossier's status after the event; null where the event records none."
    )
    agency_code: str | None = strawberry.field(
        description="The agency where it happened, when one did."
    )
    payload: JSON = strawberry.field(
        description="The event's details, by `type` (docs/realtime.md); `{}` when none."
    )

    @classmethod
    def from_document(cls, event: DossierEvent) -> DossierEventType:
        return cls(
            event_id=str(event.id),
            dossier_code=event.dossier_code,
            type=event.type,
            at=event.at,
            actor=event.actor,
            from_status=event.from_status,
            to_status=event.to_status,
            agency_code=event.agency_code,
            payload=as_json(event.payload),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DossierEventType | None]:
        """Only events of dossiers the viewer may see."""
        ids = list(node_ids)
        events = {str(e.id): e for e in await events_by_ids(ids)}
        codes = sorted({e.dossier_code for e in events.values()})
        loaded = await loaded_dossiers(info, codes)
        # An unreadable dossier's events are as hidden as the dossier is unknown.
        seen = await all_as_seen(info, [d if isinstance(d, Dossier) else None for d in loaded])
        visible = {code for code, dossier in zip(codes, seen, strict=True) if dossier is not None}
        return [
            cls.from_document(events[i])
            if i in events and events[i].dossier_code in visible
            else None
            for i in ids
        ]


@strawberry.type(
    description="A dossier's events, oldest first; read either way (`first`/`after`, "
    "`last`/`before`)."
)
class DossierEventConnection(relay.Connection[DossierEventType]):
    """A dossier's events, oldest first."""


def _event_position(cursor: str | None) -> PydanticObjectId | None:
    if cursor is None:
        return None
    if not PydanticObjectId.is_valid(cursor):
        raise InvalidCursorError
    return PydanticObjectId(cursor)


async def event_connection(
    info: Info,
    code: str,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> DossierEventConnection:
    """A page of the dossier's events, cut from the batch its loader reads for the page
    of dossiers, so a page of timelines costs one read however many dossiers it shows:
    the first ones after `after`, or the last ones before `before`."""
    size, backward = direction(first, last)
    start, stop = _event_position(after), _event_position(before)
    history = await info.context.loaders.events_by_dossier.load(code)
    events = [
        e
        for e in history
        if e.id is not None and (start is None or e.id > start) and (stop is None or e.id < stop)
    ]
    shown = events[max(0, len(events) - size) :] if backward else events[:size]
    edges = [relay.Edge(cursor=str(e.id), node=DossierEventType.from_document(e)) for e in shown]
    paging = page_info(edges, len(events) > size, after, before=before, backward=backward)
    return DossierEventConnection(edges=edges, page_info=paging)
