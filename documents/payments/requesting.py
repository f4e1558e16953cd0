"""A new payment order for a dossier: its reference `<dossier code>-TT(n)` and its fee
and charge lines (docs/payments.md)."""

from __future__ import annotations

from datetime import datetime

from documents.catalogue.procedures import FeeSchedule
from documents.payments.orders import LineKind, OrderLine, OrderStatus, PaymentOrder

# The label of the one line of a fee declared without a breakdown.
CHARGE_LABEL = "Lệ phí"


def order_lines(fee: FeeSchedule, due: int) -> list[OrderLine]:
    """The procedure's declared lines when they add up to what is due; otherwise (no
    breakdown, a table fee, part already paid) one CHARGE line of the amount due."""
    if fee.lines and sum(line.amount for line in fee.lines) == due:
        return [
            OrderLine(kind=LineKind(line.kind), label=line.label, amount=line.amount)
            for line in fee.lines
        ]
    return [OrderLine(kind=LineKind.CHARGE, label=CHARGE_LABEL, amount=due)]


async def pending_order(dossier_code: str) -> PaymentOrder | None:
    return await PaymentOrder.find_one(
        {"dossier_code": dossier_code, "status": OrderStatus.PENDING.value}
    )


async def new_order(
    dossier_code: str, fee: FeeSchedule, due: int, at: datetime, by: str | None
) -> PaymentOrder:
    """The dossier's next order, numbered in order per dossier; the caller inserts it in
    the transaction of its PAYMENT_REQUESTED event (the unique reference guards a race)."""
    count = await PaymentOrder.find({"dossier_code": dossier_code}).count()
    return PaymentOrder(
        reference=f"{dossier_code}-TT({count + 1})",
        dossier_code=dossier_code,
        lines=order_lines(fee, due),
        total=due,
        created_at=at,
        created_by=by,
    )
