"""The messages that follow from dossier events, written in the events' transaction
(`record_events` calls `write_messages`; `documents/__init__.py` registers it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.dossiers.events import DossierEvent
from documents.outbox.messages import OutboxMessage, enqueue
from documents.outbox.notifying import notification_messages
from documents.outbox.payment_messages import payment_messages
from documents.outbox.portal_sync import status_messages

Builder = Callable[[AsyncClientSession, Sequence[DossierEvent]], Awaitable[list[OutboxMessage]]]

# Each reads what it needs through `session`, so it sees the transaction's own writes.
BUILDERS: tuple[Builder, ...] = (status_messages, payment_messages, notification_messages)


async def write_messages(session: AsyncClientSession, events: Sequence[DossierEvent]) -> None:
    messages = [m for build in BUILDERS for m in await build(session, events)]
    await enqueue(session, messages)
