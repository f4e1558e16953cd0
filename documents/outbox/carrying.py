"""Handing a leased message to the adapter of its destination, through its port."""

from __future__ import annotations

from dataclasses import dataclass

from documents.common.deliveries import Sent
from documents.national.messaging import Mailer, TextGateway
from documents.national.payment import PaymentPlatform
from documents.national.portal import NationalPortal
from documents.outbox.messages import Destination, OutboxMessage
from documents.outbox.notifying import send_notification
from documents.outbox.payment_messages import send_payment_message
from documents.outbox.portal_sync import send_status


@dataclass(frozen=True)
class Ports:
    """The adapters of this deployment; None for a system with no endpoint configured,
    whose messages wait (and show in `motcua outbox status`) until one is."""

    portal: NationalPortal | None = None
    payment: PaymentPlatform | None = None
    mail: Mailer | None = None
    texts: TextGateway | None = None  # SMS and Zalo, through one gateway
    # Where applicants reach this deployment: the `/tra-cuu` link in notifications.
    public_url: str = "http://127.0.0.1:8000"

    def configured(self) -> list[Destination]:
        present = {
            Destination.PORTAL: self.portal,
            Destination.PAYMENT: self.payment,
            Destination.EMAIL: self.mail,
            Destination.SMS: self.texts,
            Destination.ZALO: self.texts,
        }
        return [d for d, port in present.items() if port is not None]


async def carry(message: OutboxMessage, ports: Ports) -> Sent:
    """One attempt to deliver `message`; a destination with no port is not attempted."""
    match message.destination:
        case Destination.PORTAL if ports.portal is not None:
            return await send_status(message, ports.portal)
        case Destination.PAYMENT if ports.payment is not None:
            return await send_payment_message(message, ports.payment)
        case Destination.EMAIL if ports.mail is not None:
            return await send_notification(message, ports.mail, None, ports.public_url)
        case Destination.SMS | Destination.ZALO if ports.texts is not None:
            return await send_notification(message, None, ports.texts, ports.public_url)
    return Sent(delivered=False, error="not configured")
