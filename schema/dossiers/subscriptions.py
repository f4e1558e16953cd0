"""`subscription dossierEvents`: the dossier events a viewer may see, live, resumable.

Each event is checked against the access policy just before it is sent, with fresh
loaders (nothing cached from an earlier event). With `after` (a position), the feed
first registers with the hub (buffering), replays the missed events from the
collection up to the last committed position, then continues with the live ones
after it: no gap, no duplicate, in commit order. An execution that fails, however it
fails, ends with an error (and `complete`), never in silence.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated

import strawberry
from graphql import GraphQLError

from documents.common.tolerant import UnreadableDocumentError
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import events_after, latest_position
from documents.groups.events import GROUP_EVENTS, members_shown_with
from loaders import Loaders
from loaders.shielding import run_to_end
from schema.core.context import Info, LiveFeed, SubscriberTooSlowError
from schema.core.global_ids import derived_id
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.inputs import DossierEventFilter
from schema.dossiers.presenting import present
from schema.dossiers.resuming import (
    INTERRUPTED,
    TOO_SLOW,
    Trail,
    bad_after,
    event_global_id,
    resume_point,
)
from schema.dossiers.types import DossierEventUpdate


async def _update(
    info: Info, event: DossierEvent, wanted: DossierEventFilter, loaders: Loaders
) -> DossierEventUpdate | None:
    """The event as this viewer may see it, or None (not theirs, or filtered out)."""
    if not wanted.matches_event(event):
        return None
    info.context.loaders = loaders  # fresh per event: no stale dossier or form
    try:
        subjects = await _subjects(event, loaders)
    except UnreadableDocumentError:  # skipped and counted; the feed goes on
        return None
    shown = None
    for dossier in subjects:
        if dossier is not None and wanted.matches_dossier(dossier):
            shown = await present(info, dossier)
            if shown is not None:
                break
    if shown is None:
        return None
    member = event.payload.get("member") if event.type in GROUP_EVENTS else None
    return DossierEventUpdate(
        id=derived_id("DossierEventUpdate", str(event.id)),
        group_code=event.group_code,
        member_dossier_code=member if isinstance(member, str) else None,
        event_id=event_global_id(str(event.id)),
        position=str(event.position) if event.position is not None else None,
        type=event.type,
        dossier_code=event.dossier_code,
        from_status=event.from_status,
        to_status=event.to_status,
        at=event.at,
        actor=event.actor,
        dossier=shown,
    )


async def _subjects(event: DossierEvent, loaders: Loaders) -> list[Dossier | None]:
    """The dossiers the event may be shown with: its own, or for a group event the
    group's members (docs/groups.md, "Integrators and statistics")."""
    if event.type not in GROUP_EVENTS:
        return [await loaders.dossier_by_code.load(event.dossier_code)]
    group = await loaders.group_by_code.load(event.dossier_code)
    if group is None:
        return []
    return await loaders.dossier_by_code.load_many(members_shown_with(event, group))


def _interrupted(reason: str, code: str, passed: int) -> GraphQLError:
    return GraphQLError(
        f"{reason}; resume with after: {passed}", extensions={"code": code, "after": str(passed)}
    )


def _asked_to_stop() -> bool:
    """Whether this execution itself was cancelled (the client left or completed the
    operation), rather than something it awaited raising CancelledError."""
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


async def _bound(live: LiveFeed, resume: int | None) -> int:
    """A position up to which every event has committed and after which every event
    reaches `live`: what the hub had published when the feed registered, or, before it
    has published any, the last position in the collection."""
    bound = live.after if live.after is not None else await run_to_end(latest_position())
    if resume is not None and resume > bound and resume > await run_to_end(latest_position()):
        raise bad_after("`after` is past the last event")
    return bound


async def _updates(
    info: Info, wanted: DossierEventFilter, live: LiveFeed, trail: Trail
) -> AsyncGenerator[DossierEventUpdate, None]:
    """The replay after `trail.resume` up to `trail.bound`, then the live events not sent."""
    if trail.replays:
        assert trail.resume is not None
        replay = events_after(trail.resume, trail.bound, wanted.event_query())
        async for event in replay:
            # Shared loaders, so a client leaving cancels no database call (run_to_end).
            update = await _update(info, event, wanted, Loaders.shared())
            trail.passed = event.position or trail.passed
            if update is not None:
                info.context.position = event.position
                yield update
        trail.replayed()
    async for item in live:
        if not trail.fresh(item.event.position):
            continue
        update = await _update(info, item.event, wanted, item.loaders)
        trail.passed = item.event.position or trail.passed
        if update is not None:
            info.context.position = item.event.position
            yield update


@strawberry.type(description="Live feeds, over a WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(
        description=(
            "Dossier events you may see, as they happen, in commit order; `after` (the "
            "`position` or the `eventId` of the last event you received) first replays the "
            "ones you missed. A raw event ObjectId is accepted as `after` until the next "
            "release."
        )
    )
    async def dossier_events(
        self,
        info: Info,
        filter: Annotated[
            DossierEventFilter | None,
            strawberry.argument(description="Only the events that match; all when null."),
        ] = None,
        after: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Resume after this event: its `position` or its `eventId` (a "
                "raw event ObjectId, for one release). Null: from now on."
            ),
        ] = None,
    ) -> AsyncGenerator[DossierEventUpdate, None]:
        access = await run_to_end(info.context.access())
        if not access.can_subscribe():
            raise PermissionDeniedError("your credentials do not allow subscriptions")
        hub = info.context.events
        if hub is None:
            raise GraphQLError("subscriptions are not available on this transport")
        wanted = filter or DossierEventFilter()
        resume = await run_to_end(resume_point(after))
        async with hub.subscribe() as live:  # buffering from here on
            trail = Trail(await _bound(live, resume), resume)
            try:
                async with aclosing(_updates(info, wanted, live, trail)) as updates:
                    async for update in updates:
                        yield update
            except SubscriberTooSlowError:
                raise _interrupted("subscriber too slow", TOO_SLOW, trail.passed) from None
            except asyncio.CancelledError:
                if _asked_to_stop():
                    raise
                # Something it awaited was cancelled: say so, never end in silence.
                raise _interrupted("interrupted", INTERRUPTED, trail.passed) from None
