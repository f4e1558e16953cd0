"""Fees: asking the applicant to pay, and recording what was paid."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode, invalid_input
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType
from documents.dossiers.parts import Payment, PaymentMethod, PaymentStatus
from documents.workflow.fees import payment_status
from documents.workflow.processing import Act, Change, NoChange, perform
from documents.workflow.transitions import Action


async def request_payment(
    code: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    async def rule(act: Act) -> Change:
        dossier = act.dossier
        if dossier.payment_status is not PaymentStatus.UNPAID:
            raise DomainError(
                ErrorCode.NOTHING_DUE, f"nothing is owed ({dossier.payment_status.value})", "code"
            )
        dossier.payment_requested_at = act.now
        return EventType.PAYMENT_REQUESTED, {"amount": dossier.fee_due}

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
    of the same reference changes nothing and is not an error (payment callbacks retry)."""

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

    return await perform(code, Action.RECORD_PAYMENT, rule, actor, hours=hours, at=at)
