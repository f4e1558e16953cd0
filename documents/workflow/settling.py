"""Settling a payment order: the one way an order is paid, by the platform's callback
or (docs/payments.md) an officer's confirmation of a bank transfer."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.parts import PaymentMethod
from documents.payments.orders import OrderStatus, PaymentOrder
from documents.payments.receipts import issue_receipt
from documents.workflow.paying import payment_rule
from documents.workflow.processing import Act, Change, perform
from documents.workflow.transitions import Action


def _unknown() -> DomainError:
    return DomainError(
        ErrorCode.UNKNOWN_REFERENCE, "no payment order has this reference", "reference"
    )


def _settled(order: PaymentOrder, transaction: str) -> bool:
    return order.status is OrderStatus.PAID and order.platform_transaction == transaction


async def settle_order(
    reference: str,
    transaction: str,
    amount: int,
    paid_at: datetime,
    method: PaymentMethod,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
    confirmed_by: str | None = None,
) -> PaymentOrder:
    """In one transaction: the order PAID by `transaction`, the dossier's payment (its
    reference is the order's), and the PAYMENT_RECORDED event. Exactly once: a repeat of
    the same transaction changes nothing and answers the paid order again.

    UNKNOWN_REFERENCE for no such order, AMOUNT_MISMATCH for another amount than its
    total, ILLEGAL_TRANSITION for a cancelled or refunded order or one to be paid by
    another method (a platform callback for a bank transfer's order), CONFLICT for an order
    already paid by another transaction."""
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference)
    if order is None:
        raise _unknown()
    if _settled(order, transaction):
        return order
    if order.status is OrderStatus.PAID:
        raise DomainError(
            ErrorCode.CONFLICT, "the order was paid by another transaction", "transaction"
        )
    if order.status is not OrderStatus.PENDING:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION, f"the order is {order.status.value}", "reference"
        )
    if method is not order.method:  # a bank transfer's order never reached the platform
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION, f"the order is paid by {order.method.value}", "reference"
        )
    if amount != order.total:
        raise DomainError(
            ErrorCode.AMOUNT_MISMATCH, "the amount is not the order's total", "amount"
        )
    record = payment_rule(amount, method, order.reference)

    async def rule(act: Act) -> Change:
        change = await record(act)

        async def pay(session: AsyncClientSession) -> None:
            # Only a still pending order: of two callbacks at once, one pays it.
            done = await PaymentOrder.get_pymongo_collection().update_one(
                {"_id": order.id, "status": OrderStatus.PENDING.value},
                {
                    "$set": {
                        "status": OrderStatus.PAID.value,
                        "platform_transaction": transaction,
                        "paid_at": paid_at,
                        "method": method.value,
                        "confirmed_by": confirmed_by,
                    }
                },
                session=session,
            )
            if done.matched_count != 1:
                raise DomainError(ErrorCode.CONFLICT, "the order changed meanwhile", "reference")
            # The e-receipt, with the payment (documents/payments/receipts.py).
            paid = order.model_copy(
                update={
                    "status": OrderStatus.PAID,
                    "platform_transaction": transaction,
                    "paid_at": paid_at,
                    "method": method,
                    "confirmed_by": confirmed_by,
                }
            )
            await issue_receipt(session, paid, act.dossier, act.now)

        act.writes.append(pay)
        return change

    try:
        await perform(order.dossier_code, Action.RECORD_PAYMENT, rule, actor, hours=hours, at=at)
    except DomainError as error:
        if error.code is not ErrorCode.CONFLICT:
            raise
        # The same callback, twice at once: the other one paid it.
        again = await PaymentOrder.find_one(PaymentOrder.reference == reference)
        if again is None or not _settled(again, transaction):
            raise
        return again
    paid = await PaymentOrder.find_one(PaymentOrder.reference == reference)
    if paid is None:  # pragma: no cover - orders are never deleted
        raise _unknown()
    return paid
