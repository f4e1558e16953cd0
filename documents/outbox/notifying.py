"""Telling the applicant: which events notify, by which channels, with which template
(docs/integrations.md, "Notifications")."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.deliveries import Sent
from documents.dossiers.events import DossierEvent
from documents.national.messaging import Mailer, TextGateway
from documents.outbox.messages import OutboxMessage


async def notification_messages(
    session: AsyncClientSession, events: Sequence[DossierEvent]
) -> list[OutboxMessage]:
    """The EMAIL, SMS and ZALO messages `events` call for."""
    return []


async def send_notification(
    message: OutboxMessage, mail: Mailer | None, texts: TextGateway | None
) -> Sent:
    raise NotImplementedError
