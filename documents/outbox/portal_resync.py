"""Re-sending the portal the current state of every dossier changed in a period
(`motcua portal resync`, docs/integrations.md, "Portal")."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import utcnow
from documents.common.transactions import in_transaction
from documents.dossiers.events import DossierEvent, EventType
from documents.outbox.messages import Destination, OutboxMessage, enqueue, message
from documents.outbox.portal_sync import KIND, read_dossiers, status_update

# Dossiers whose messages one transaction writes.
BATCH = 100
EVENT = "RESYNC"
_GROUP_EVENTS = [
    EventType.GROUP_CREATED.value,
    EventType.GROUP_MEMBER_DONE.value,
    EventType.GROUP_DONE.value,
]


async def changed_between(start: datetime, end: datetime) -> list[str]:
    """The codes of the dossiers with an event at or after `start` and before `end`, in
    the order of their first such event (group events name groups: left out)."""
    found = DossierEvent.get_pymongo_collection().find(
        {"at": {"$gte": start, "$lt": end}, "type": {"$nin": _GROUP_EVENTS}},
        {"dossier_code": 1},
        sort=[("position", 1)],
    )
    return list(dict.fromkeys([e["dossier_code"] async for e in found]))


async def _enqueue(codes: list[str], session: AsyncClientSession) -> int:
    dossiers, results = await read_dossiers(session, codes)
    latest = DossierEvent.get_pymongo_collection().aggregate(
        [
            {"$match": {"dossier_code": {"$in": codes}}},
            {"$group": {"_id": "$dossier_code", "last": {"$max": "$position"}}},
        ],
        session=session,
    )
    positions = {row["_id"]: row["last"] async for row in await latest}
    now = utcnow()
    made = [
        message(
            Destination.PORTAL,
            code,
            positions[code],
            KIND,
            status_update(dossier, results.get(code, []), positions[code], EVENT),
            now,
        )
        for code, dossier in dossiers.items()
        if isinstance(positions.get(code), int)
    ]
    await enqueue(session, made)
    return len(made)


async def resync(start: datetime, end: datetime, batch: int = BATCH) -> int:
    """Queue a fresh status update (a new message, so a new idempotency key) for every
    dossier changed in [`start`, `end`), with its current state and its latest event's
    position as the sequence, `batch` dossiers to a transaction; how many were queued."""
    codes = await changed_between(start, end)
    queued = 0
    for first in range(0, len(codes), batch):
        chunk = codes[first : first + batch]
        queued += await in_transaction(OutboxMessage, partial(_enqueue, chunk))
    return queued
