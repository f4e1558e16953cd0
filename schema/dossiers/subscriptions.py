"""`subscription dossierEvents`: the dossier events a viewer may see, live, resumable.

Each event is checked against the access policy just before it is sent, with fresh
loaders (nothing cached from an earlier event). With `after`, the feed first
registers with the hub (buffering), replays the missed events from the collection,
then continues with the live ones it has not replayed: no gap, no duplicate.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from beanie import PydanticObjectId
from graphql import GraphQLError

from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import events_after
from loaders import Loaders
from schema.core.context import Info, SubscriberTooSlowError
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.inputs import DossierEventFilter
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierEventUpdate


async def _update(
    info: Info, event: DossierEvent, wanted: DossierEventFilter, loaders: Loaders
) -> DossierEventUpdate | None:
    """The event as this viewer may see it, or None (not theirs, or filtered out)."""
    if not wanted.matches_event(event):
        return None
    info.context.loaders = loaders  # fresh per event: no stale dossier or form
    dossier = await info.context.loaders.dossier_by_code.load(event.dossier_code)
    if dossier is None or not wanted.matches_dossier(dossier):
        return None
    shown = await present(info, dossier)
    if shown is None:
        return None
    return DossierEventUpdate(
        event_id=strawberry.ID(str(event.id)),
        type=event.type,
        dossier_code=event.dossier_code,
        from_status=event.from_status,
        to_status=event.to_status,
        at=event.at,
        actor=event.actor,
        dossier=shown,
    )


def _resume_point(after: strawberry.ID | None) -> PydanticObjectId | None:
    if after is None:
        return None
    if not PydanticObjectId.is_valid(str(after)):
        raise GraphQLError("`after` must be an event id", extensions={"code": "BAD_USER_INPUT"})
    return PydanticObjectId(str(after))


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Dossier events you may see, as they happen; `after` replays missed ones."
    )
    async def dossier_events(
        self,
        info: Info,
        filter: DossierEventFilter | None = None,
        after: strawberry.ID | None = None,
    ) -> AsyncGenerator[DossierEventUpdate, None]:
        access = await info.context.access()
        if not access.can_subscribe():
            raise PermissionDeniedError("your credentials do not allow subscriptions")
        hub = info.context.events
        if hub is None:
            raise GraphQLError("subscriptions are not available on this transport")
        wanted = filter or DossierEventFilter()
        last = replayed = _resume_point(after)
        async with hub.subscribe() as live:  # buffering from here on
            if replayed is not None:
                async for event in events_after(replayed, wanted.event_query()):
                    assert event.id is not None
                    last = event.id
                    update = await _update(info, event, wanted, Loaders())
                    if update is not None:
                        yield update
                replayed = last
            try:
                async for item in live:
                    event = item.event
                    if replayed is not None and event.id is not None and event.id <= replayed:
                        continue  # already replayed (or before `after`)
                    last = event.id
                    update = await _update(info, event, wanted, item.loaders)
                    if update is not None:
                        yield update
            except SubscriberTooSlowError:
                raise GraphQLError(
                    f"subscriber too slow; resume with after: {last or ''}",
                    extensions={"code": "SUBSCRIBER_TOO_SLOW", "after": str(last or "")},
                ) from None
