"""Exempting a dossier from its fee, with a reason, and cancelling its pending payment
orders in the same transaction (docs/payments.md, "Exemption")."""

from __future__ import annotations

from datetime import datetime

from documents.calendar.working_calendar import OfficeHours
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import EventType
from documents.dossiers.parts import PaymentStatus
from documents.workflow.pending_orders import cancel_pending_orders
from documents.workflow.processing import Act, Change, perform
from documents.workflow.transitions import Action

REASON_MAX_LENGTH = 1000
# The reason every order an exemption cancels carries (PAYMENT_CANCELLED's payload).
EXEMPTED = "exempted"


def _checked_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= REASON_MAX_LENGTH:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            f"give the reason for the exemption in 1 to {REASON_MAX_LENGTH} characters",
            "reason",
        )
    return cleaned


async def exempt_fee(
    code: str, reason: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> Dossier:
    """The dossier owes nothing from now on: `payment_status` WAIVED, `fee_due` kept as
    the schedule set it (the record of what was waived), a FEE_EXEMPTED event with the
    reason, and each pending order CANCELLED with its PAYMENT_CANCELLED event.

    ALREADY_PAID once any payment was recorded (a refund is the way back), NOTHING_DUE
    when nothing was owed; the workflow refuses a dossier whose status has no fees."""
    cleaned = _checked_reason(reason)

    async def rule(act: Act) -> Change:
        dossier = act.dossier
        if dossier.payments or dossier.payment_status is PaymentStatus.PAID:
            raise DomainError(
                ErrorCode.ALREADY_PAID, "a payment was recorded: it cannot be exempted", "code"
            )
        if dossier.payment_status is not PaymentStatus.UNPAID:
            raise DomainError(
                ErrorCode.NOTHING_DUE, f"nothing is owed ({dossier.payment_status.value})", "code"
            )
        dossier.payment_status = PaymentStatus.WAIVED
        await cancel_pending_orders(act, EXEMPTED)  # one paid meanwhile fails it: CONFLICT
        return EventType.FEE_EXEMPTED, {"reason": cleaned}

    return await perform(code, Action.EXEMPT_FEE, rule, actor, hours=hours, at=at)
