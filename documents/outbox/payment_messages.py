"""Messages to the national payment platform: orders, cancellations, refunds
(docs/integrations.md, "Payment")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.deliveries import Sent
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.parts import PaymentMethod
from documents.national.payment import PaymentPlatform
from documents.outbox.messages import Destination, OutboxMessage, message
from documents.payments.orders import PaymentOrder

ORDER, CANCEL, REFUND = "order", "cancel", "refund"
CURRENCY = "VND"


def return_path(dossier_code: str) -> str:
    """Where the platform sends the applicant back: the dossier's public look-up; the
    adapter puts the deployment's address before it."""
    return "/tra-cuu?" + urlencode({"ma": dossier_code})


def order_payload(order: PaymentOrder) -> dict[str, Any]:
    """What the platform is asked to collect: no applicant, only the order."""
    return {
        "reference": order.reference,
        "dossierCode": order.dossier_code,
        "lines": [
            {"kind": line.kind.value, "label": line.label, "amount": line.amount}
            for line in order.lines
        ],
        "total": order.total,
        "currency": CURRENCY,
        "returnPath": return_path(order.dossier_code),
    }


async def _order_message(session: AsyncClientSession, event: DossierEvent) -> OutboxMessage | None:
    reference = event.payload.get("reference")
    if not isinstance(reference, str) or event.position is None:
        return None  # asked for before payment orders: no order to send
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference, session=session)
    if order is None or order.method is PaymentMethod.BANK_TRANSFER:
        return None  # paid to the agency's account: the platform never has it (S6)
    return message(
        Destination.PAYMENT, reference, event.position, ORDER, order_payload(order), event.at
    )


def _change_message(event: DossierEvent, kind: str, fields: Sequence[str]) -> OutboxMessage | None:
    """A cancellation or refund, from the event's payload alone (S6's exemptions record
    cancellations too)."""
    reference = event.payload.get("reference")
    if not isinstance(reference, str) or event.position is None:
        return None
    payload = {name: event.payload.get(name) for name in fields}
    payload["dossierCode"] = event.dossier_code
    if kind == REFUND:
        payload["currency"] = CURRENCY
    return message(Destination.PAYMENT, reference, event.position, kind, payload, event.at)


_CHANGES = frozenset({EventType.PAYMENT_CANCELLED, EventType.PAYMENT_REFUNDED})


async def _by_transfer(session: AsyncClientSession, event: DossierEvent) -> bool:
    reference = event.payload.get("reference")
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference, session=session)
    return order is not None and order.method is PaymentMethod.BANK_TRANSFER


async def payment_messages(
    session: AsyncClientSession, events: Sequence[DossierEvent]
) -> list[OutboxMessage]:
    """The PAYMENT messages `events` call for, keyed by the order's reference (so an
    order's cancellation or refund never overtakes the order itself)."""
    made: list[OutboxMessage | None] = []
    for event in events:
        if event.type in _CHANGES and await _by_transfer(session, event):
            continue  # the platform never had a bank transfer's order (docs/payments.md)
        if event.type is EventType.PAYMENT_REQUESTED:
            made.append(await _order_message(session, event))
        elif event.type is EventType.PAYMENT_CANCELLED:
            made.append(_change_message(event, CANCEL, ("reference", "reason")))
        elif event.type is EventType.PAYMENT_REFUNDED:
            made.append(_change_message(event, REFUND, ("reference", "amount", "reason")))
    return [m for m in made if m is not None]


async def send_payment_message(message: OutboxMessage, platform: PaymentPlatform) -> Sent:
    """One attempt. For an order, the platform's link is kept on the order before the
    message counts as delivered, so the link shows once the platform has answered."""
    sent = await platform.send(str(message.id), message.kind, message.payload)
    if not sent.delivered or message.kind != ORDER:
        return sent
    url, platform_id = sent.answer.get("paymentUrl"), sent.answer.get("platformOrderId")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return Sent(delivered=False, http_status=sent.http_status, error="no payment link")
    await PaymentOrder.get_pymongo_collection().update_one(
        {"reference": message.key}, {"$set": {"payment_url": url}}
    )
    answer = {"paymentUrl": url}
    if isinstance(platform_id, str):
        answer["platformOrderId"] = platform_id
    return Sent(delivered=True, http_status=sent.http_status, answer=answer)
