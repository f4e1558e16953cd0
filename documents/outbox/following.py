"""The messages that follow from dossier events, written in the events' transaction
(`record_events` calls `write_messages` with the events' dossiers, read with `FIELDS`;
`documents/__init__.py` registers it)."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.dossiers.events import DossierEvent, Dossiers
from documents.outbox import notifying, portal_sync
from documents.outbox.messages import enqueue
from documents.outbox.notifying import notification_messages
from documents.outbox.payment_messages import payment_messages
from documents.outbox.portal_sync import chosen_events, read_results, status_messages

# What the builders read of the events' dossiers: `record_events` reads them once, with
# its own look-up before the positions counter, so no builder reads a dossier in the
# turn every event transaction takes (documents/dossiers/events.py).
FIELDS = {**portal_sync.DOSSIER_FIELDS, **notifying.FIELDS}


async def write_messages(
    session: AsyncClientSession, events: Sequence[DossierEvent], dossiers: Dossiers
) -> None:
    shown = {
        e.dossier_code: dict(dossiers[e.dossier_code])
        for e in chosen_events(events)
        if e.dossier_code in dossiers
    }
    messages = [
        *status_messages(events, (shown, await read_results(session, shown))),
        *await payment_messages(session, events),
        *notification_messages(events, dossiers),
    ]
    await enqueue(session, messages)
