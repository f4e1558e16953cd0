"""A dossier's events as GraphQL types: the event node and the timeline connection."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from strawberry import relay
from strawberry.scalars import JSON

from documents.common.paging import page_size
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent, events_by_ids
from schema.core.context import Info
from schema.core.enums import DossierStatus
from schema.core.pagination import InvalidCursorError, page_info
from schema.core.scalars import as_json
from schema.dossiers.visibility import all_as_seen, loaded_dossiers


@strawberry.type(name="DossierEvent")
class DossierEventType(relay.Node):
    event_id: relay.NodeID[str]
    dossier_code: str
    type: str
    at: datetime
    actor: str | None
    from_status: DossierStatus | None
    to_status: DossierStatus | None
    agency_code: str | None
    payload: JSON

    @classmethod
    def from_document(cls, event: DossierEvent) -> DossierEventType:
        return cls(
            event_id=str(event.id),
            dossier_code=event.dossier_code,
            type=event.type.value,
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


@strawberry.type
class DossierEventConnection(relay.Connection[DossierEventType]):
    """A dossier's events, oldest first."""


async def event_connection(
    info: Info, code: str, first: int, after: str | None
) -> DossierEventConnection:
    """A page of the dossier's events, cut from the batch its loader reads for the page
    of dossiers, so a page of timelines costs one read however many dossiers it shows."""
    first = page_size(first)
    if after is not None and not PydanticObjectId.is_valid(after):
        raise InvalidCursorError
    events = await info.context.loaders.events_by_dossier.load(code)
    if after is not None:
        position = PydanticObjectId(after)
        events = [e for e in events if e.id is not None and e.id > position]
    edges = [
        relay.Edge(cursor=str(e.id), node=DossierEventType.from_document(e)) for e in events[:first]
    ]
    return DossierEventConnection(
        edges=edges,
        page_info=page_info(edges, len(events) > first, after),
    )
