"""Cancelling a pending payment order, and refunding a paid one: each with its dossier
event, from which the platform's message follows (docs/payments.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.parts import PaymentStatus
from documents.dossiers.statuses import DossierStatus
from documents.payments.orders import OrderStatus, PaymentOrder

_S = DossierStatus
# A paid fee is given back only for a dossier that ended without a result: refused at
# reception, rejected, withdrawn or stopped (docs/payments.md; the legal basis unchecked).
REFUNDABLE = frozenset({_S.REFUSED, _S.REJECTED, _S.WITHDRAWN, _S.STOPPED})


async def order_of(reference: str) -> PaymentOrder:
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference)
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such payment order", "reference")
    return order


def _event(
    dossier: Dossier, kind: EventType, actor: Actor, at: datetime, payload: dict[str, Any]
) -> DossierEvent:
    return DossierEvent(
        dossier_code=dossier.code,
        type=kind,
        at=at,
        actor=actor.user,
        from_status=dossier.status,
        to_status=dossier.status,
        agency_code=actor.agency_code or dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload=payload,
    )


async def _change(
    order: PaymentOrder,
    was: OrderStatus,
    changes: Mapping[str, Any],
    event: DossierEvent,
    dossier_changes: Mapping[str, Any] | None = None,
) -> PaymentOrder:
    """The order's change (only from `was`), the dossier's, and the event, in one
    transaction; CONFLICT when the order moved meanwhile (e.g. a callback paid it)."""

    async def write(session: AsyncClientSession) -> None:
        done = await PaymentOrder.get_pymongo_collection().update_one(
            {"_id": order.id, "status": was.value}, {"$set": dict(changes)}, session=session
        )
        if done.matched_count != 1:
            raise DomainError(ErrorCode.CONFLICT, "the order changed meanwhile", "reference")
        if dossier_changes:
            await Dossier.get_pymongo_collection().update_one(
                {"code": order.dossier_code}, {"$set": dict(dossier_changes)}, session=session
            )
        await record_events(session, [event])

    await in_event_transaction(PaymentOrder, write)
    return await order_of(order.reference)


async def cancel_order(
    reference: str, reason: str, actor: Actor, *, at: datetime | None = None
) -> PaymentOrder:
    """A PENDING order CANCELLED, with a PAYMENT_CANCELLED event `{reference, reason}`."""
    order, now = await order_of(reference), at or utcnow()
    if order.status is not OrderStatus.PENDING:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"only a pending order is cancelled ({order.status.value})",
            "reference",
        )
    dossier = await load_dossier(order.dossier_code)
    payload = {"reference": reference, "reason": reason}
    event = _event(dossier, EventType.PAYMENT_CANCELLED, actor, now, payload)
    changes = {"status": OrderStatus.CANCELLED.value, "cancelled_at": now, "reason": reason}
    return await _change(order, OrderStatus.PENDING, changes, event)


async def refund_order(
    reference: str, reason: str, actor: Actor, *, at: datetime | None = None
) -> PaymentOrder:
    """A PAID order of a dossier that ended without a result REFUNDED, with a
    PAYMENT_REFUNDED event `{reference, amount, reason}`; the dossier's payment status
    goes back to UNPAID (nothing is held for it), its payment stays on record."""
    order, now = await order_of(reference), at or utcnow()
    if order.status is not OrderStatus.PAID:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"only a paid order is refunded ({order.status.value})",
            "reference",
        )
    dossier = await load_dossier(order.dossier_code)
    if dossier.status not in REFUNDABLE:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"the dossier is {dossier.status.value}: no refund before it ends without a result",
            "reference",
        )
    payload = {"reference": reference, "amount": order.total, "reason": reason}
    event = _event(dossier, EventType.PAYMENT_REFUNDED, actor, now, payload)
    changes = {"status": OrderStatus.REFUNDED.value, "refunded_at": now, "reason": reason}
    paid = {"payment_status": PaymentStatus.UNPAID.value, "updated_at": now}
    return await _change(order, OrderStatus.PAID, changes, event, paid)
