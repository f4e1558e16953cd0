"""Messages to the national payment platform: orders, cancellations, refunds
(docs/integrations.md, "Payment")."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.deliveries import Sent
from documents.dossiers.events import DossierEvent
from documents.national.payment import PaymentPlatform
from documents.outbox.messages import OutboxMessage


async def payment_messages(
    session: AsyncClientSession, events: Sequence[DossierEvent]
) -> list[OutboxMessage]:
    """The PAYMENT messages `events` call for."""
    return []


async def send_payment_message(message: OutboxMessage, platform: PaymentPlatform) -> Sent:
    raise NotImplementedError
