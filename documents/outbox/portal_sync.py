"""Status sync to the national public service portal (docs/integrations.md, "Portal")."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.deliveries import Sent
from documents.dossiers.events import DossierEvent
from documents.national.portal import NationalPortal
from documents.outbox.messages import OutboxMessage


async def status_messages(
    session: AsyncClientSession, events: Sequence[DossierEvent]
) -> list[OutboxMessage]:
    """One PORTAL message per status change among `events`."""
    return []


async def send_status(message: OutboxMessage, portal: NationalPortal) -> Sent:
    raise NotImplementedError
