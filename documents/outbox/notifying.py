"""Telling the applicant: which events notify, by which channels, with which template
(docs/integrations.md, "Notifications")."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow
from documents.common.deliveries import Sent
from documents.dossiers.dossier import Dossier, NotificationChannel
from documents.dossiers.events import DossierEvent, EventType
from documents.national.messaging import Mailer, TextGateway
from documents.outbox.messages import Destination, OutboxMessage, message
from documents.outbox.notices import render, values

log = logging.getLogger(__name__)

KIND = "notification"

# The events the applicant is told of, and the template that tells them. Group events
# are not here: a group's members are told of their own events.
OCCASIONS: dict[EventType, str] = {
    # Mẫu 01, the receipt; a group member waiting for another's result is received
    # when that result fills it.
    EventType.RECEIVED: "received",
    EventType.INPUT_RECEIVED: "received",
    # Mẫu 02, at reception or during processing (the payload says which).
    EventType.SUPPLEMENT_REQUESTED: "supplement_requested",
    EventType.PAYMENT_REQUESTED: "payment_requested",
    EventType.APOLOGY_ISSUED: "apology_issued",  # Mẫu 04
    EventType.APPROVED: "result_ready",  # the move to RESULT_READY
    EventType.REFUSED: "refused",  # Mẫu 03, refused at reception
    EventType.REJECTED: "rejected",  # resolution denied, with the reason
    EventType.PROCESSING_STOPPED: "processing_stopped",  # Mẫu 05
}
_CHANNELS = {
    NotificationChannel.EMAIL.value: Destination.EMAIL,
    NotificationChannel.SMS.value: Destination.SMS,
    NotificationChannel.ZALO.value: Destination.ZALO,
}
# Facts of the event a template uses, copied when they are not personal: a number, a
# flag. A reason or a list of papers is officers' free text: read from the dossier.
_FACTS = ("round", "atReception", "amount")


def _payload(event: DossierEvent, template: str) -> dict[str, Any]:
    facts = {
        name: event.payload[name]
        for name in _FACTS
        if isinstance(event.payload.get(name), bool | int)
    }
    said = {"template": template, "dossierCode": event.dossier_code, "event": event.type.value}
    return said | facts


# What `notification_messages` reads of a dossier: the channels, never an address.
FIELDS = {"applicant.notify_by": 1}


def told_events(events: Sequence[DossierEvent]) -> list[DossierEvent]:
    """The events among `events` the applicant is told of."""
    return [e for e in events if e.type in OCCASIONS]


def notification_messages(
    events: Sequence[DossierEvent], dossiers: Mapping[str, Mapping[str, Any]]
) -> list[OutboxMessage]:
    """The EMAIL, SMS and ZALO messages `events` call for: one per channel the
    applicant chose, per event the applicant is told of. `dossiers` (by code) hold
    `FIELDS`, as the events' transaction leaves them."""
    told = told_events(events)
    chosen = {
        code: (dossier.get("applicant") or {}).get("notify_by") or []
        for code, dossier in dossiers.items()
    }
    now, made = utcnow(), []
    for event in told:
        if event.position is None:  # never, once recorded: `record_events` numbers them
            continue
        payload = _payload(event, OCCASIONS[event.type])
        for channel in chosen.get(event.dossier_code, []):
            destination = _CHANNELS.get(channel)
            if destination is not None:
                made.append(
                    message(destination, event.dossier_code, event.position, KIND, payload, now)
                )
    return made


async def send_notification(
    message: OutboxMessage,
    mail: Mailer | None,
    texts: TextGateway | None,
    public_url: str,
) -> Sent:
    """Tell the addressee: their address is read from the dossier now, the notice
    rendered and sent through the port of its channel. A dossier or an address that is
    gone is a dead letter at once: retrying cannot bring it back."""
    dossier = await Dossier.find_one(Dossier.code == message.key)
    if dossier is None:
        return Sent(delivered=False, error="no dossier", permanent=True)
    applicant = dossier.applicant
    email = message.destination is Destination.EMAIL
    address = applicant.email if email else applicant.phone
    if not address:
        return Sent(delivered=False, error="no address", permanent=True)
    template = message.payload.get("template")
    if not isinstance(template, str) or template not in OCCASIONS.values():
        return Sent(delivered=False, error="unknown template", permanent=True)
    procedure = await Procedure.find_one(Procedure.code == dossier.procedure_code)
    name = procedure.name if procedure is not None else dossier.procedure_code
    notice = render(template, values(dossier, name, message.payload, public_url))
    message_id = str(message.id)
    if email and mail is not None:
        return await mail.send_mail(message_id, address, notice.subject, notice.body)
    if not email and texts is not None:
        return await texts.send_text(message_id, message.destination.value, address, notice.text)
    log.warning("notification by %s has no port", message.destination.value)
    return Sent(delivered=False, error="not configured")
