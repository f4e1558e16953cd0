"""Fees: asking the applicant to pay, and recording what was paid."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode, invalid_input
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType
from documents.dossiers.parts import Payment, PaymentMethod, PaymentStatus
from documents.payments.requesting import new_order, pending_order
from documents.workflow.fees import payment_status
from documents.workflow.pending_orders import PAID_OTHERWISE, cancel_pending_orders
from documents.workflow.processing import Act, Change, NoChange, Rule, perform
from documents.workflow.transitions import Action


async def request_payment(
    code: str,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
    method: PaymentMethod = PaymentMethod.E_PAYMENT,
) -> Dossier:
    """Creates the payment order (documents/payments/) with the PAYMENT_REQUESTED event;
    while an order is pending, a new request changes nothing and the order stands. An
    order paid by `method` BANK_TRANSFER goes to no platform (documents/workflow/transfers.py)."""

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        if dossier.payment_status is not PaymentStatus.UNPAID:
            raise DomainError(
                ErrorCode.NOTHING_DUE, f"nothing is owed ({dossier.payment_status.value})", "code"
            )
        if await pending_order(code) is not None:
            raise NoChange
        dossier.payment_requested_at = act.now
        due = max(dossier.fee_due - sum(p.amount for p in dossier.payments), 0)
        order = await new_order(code, act.procedure.fee, due, act.now, act.actor.user)
        order.method = method

        async def insert(session: AsyncClientSession) -> None:
            await order.insert(session=session)

        act.writes.append(insert)
        return EventType.PAYMENT_REQUESTED, {
            "amount": due,
            "reference": order.reference,
            "method": method.value,
        }

    return await perform(code, Action.REQUEST_PAYMENT, rule, actor, hours=hours, at=at)


async def record_payment(
    code: str,
    amount: int,
    method: PaymentMethod,
    reference: str,
    actor: Actor,
    *,
    hours: OfficeHours,
    at: datetime | None = None,
) -> Dossier:
    """A counter or e-payment receipt, recorded at most once per reference: a repeat
    of the same reference changes nothing and is not an error (payment callbacks retry).
    Once paid, the dossier's pending payment orders are cancelled (the platform told)."""
    record = payment_rule(amount, method, reference)

    async def rule(act: Act) -> Change:
        change = await record(act)
        if act.dossier.payment_status is PaymentStatus.PAID:  # the online link is void
            await cancel_pending_orders(act, PAID_OTHERWISE)
        return change

    return await perform(code, Action.RECORD_PAYMENT, rule, actor, hours=hours, at=at)


def payment_rule(amount: int, method: PaymentMethod, reference: str) -> Rule:
    """The rule of RECORD_PAYMENT (also a payment order's, documents/workflow/settling.py)."""

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        if any(p.reference == reference for p in dossier.payments):
            raise NoChange
        try:
            payment = Payment(
                amount=amount,
                method=method,
                reference=reference,
                recorded_at=act.now,
                recorded_by=act.actor.user,
            )
        except ValidationError as error:
            raise invalid_input(error) from None
        dossier.payments.append(payment)
        paid = sum(p.amount for p in dossier.payments)
        dossier.payment_status = payment_status(dossier.fee_due, paid)
        return EventType.PAYMENT_RECORDED, {
            "amount": amount,
            "method": method.value,
            "reference": reference,
            "paid": paid,
            "due": dossier.fee_due,
        }

    return rule
