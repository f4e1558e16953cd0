"""Cancelling a dossier's pending payment orders inside another action's transaction,
each with its PAYMENT_CANCELLED event (so the platform is told): a payment recorded at
the counter makes the online link void (docs/payments.md)."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.events import DossierEvent, EventType
from documents.payments.orders import OrderStatus, PaymentOrder
from documents.workflow.processing import Act

# The reason a payment recorded otherwise gives the orders it cancels.
PAID_OTHERWISE = "paid otherwise"


def _event(act: Act, order: PaymentOrder, reason: str) -> DossierEvent:
    dossier = act.dossier
    return DossierEvent(
        dossier_code=dossier.code,
        type=EventType.PAYMENT_CANCELLED,
        at=act.now,
        actor=act.actor.user,
        from_status=dossier.status,
        to_status=dossier.status,
        agency_code=act.actor.agency_code or dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload={"reference": order.reference, "reason": reason},
    )


async def cancel_pending_orders(act: Act, reason: str) -> None:
    """Adds to `act` the cancellation of the dossier's pending orders and their events;
    CONFLICT if one of them is paid meanwhile (the action is retried by its caller)."""
    pending = await PaymentOrder.find(
        {"dossier_code": act.dossier.code, "status": OrderStatus.PENDING.value}
    ).to_list()
    if not pending:
        return
    act.events.extend(_event(act, order, reason) for order in pending)

    async def cancel(session: AsyncClientSession) -> None:
        for order in pending:
            done = await PaymentOrder.get_pymongo_collection().update_one(
                {"_id": order.id, "status": OrderStatus.PENDING.value},
                {
                    "$set": {
                        "status": OrderStatus.CANCELLED.value,
                        "cancelled_at": act.now,
                        "reason": reason,
                    }
                },
                session=session,
            )
            if done.matched_count != 1:
                raise DomainError(ErrorCode.CONFLICT, "a payment order changed meanwhile", "code")

    act.writes.append(cancel)
