"""A dossier's payment orders as read types (docs/payments.md): what the applicant is
asked to pay, line by line, the payment link, and what became of the order."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from documents.payments.orders import OrderLine, PaymentOrder
from schema.core.context import Info
from schema.core.enums import LineKind, OrderStatus, PaymentMethod
from schema.core.global_ids import derived_id

if TYPE_CHECKING:
    from documents.dossiers.dossier import Dossier


@strawberry.type(name="PaymentLine", description="A line of a payment order.")
class PaymentLineType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the order's reference and the line's number (1, 2 …), for "
        "caches; not a `Node` (docs/relay.md)."
    )
    kind: LineKind = strawberry.field(description="Phí or lệ phí.")
    label: str = strawberry.field(description="What the line is for.")
    amount: int = strawberry.field(description="In VND.")

    @classmethod
    def from_model(cls, line: OrderLine, reference: str, number: int) -> PaymentLineType:
        return cls(
            id=derived_id("PaymentLine", reference, number),
            kind=line.kind,
            label=line.label,
            amount=line.amount,
        )


def _id(value: object | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(name="PaymentOrder", description="A payment order of a dossier (VND).")
class PaymentOrderType:
    id: strawberry.ID = strawberry.field(
        description="Derived from its reference, for caches; not a `Node` (docs/relay.md)."
    )
    reference: str = strawberry.field(description="`<dossier code>-TT(n)`, quoted by the platform.")
    dossier_code: str = strawberry.field(description="The dossier it is for.")
    lines: list[PaymentLineType] = strawberry.field(description="What is paid for.")
    total: int = strawberry.field(description="The sum of the lines, in VND.")
    method: PaymentMethod = strawberry.field(description="How it is to be paid.")
    status: OrderStatus = strawberry.field(description="Where it stands.")
    created_at: datetime = strawberry.field(description="When it was created.")
    payment_url: str | None = strawberry.field(
        description="Where the applicant pays; null until the platform has answered."
    )
    platform_transaction: str | None = strawberry.field(
        description="The payment platform's transaction id, once paid through it."
    )
    paid_at: datetime | None = strawberry.field(description="When it was paid; null until then.")
    cancelled_at: datetime | None = strawberry.field(
        description="When it was cancelled; null if not."
    )
    refunded_at: datetime | None = strawberry.field(
        description="When it was refunded; null if not."
    )
    reason: str | None = strawberry.field(description="Why it was cancelled or refunded.")
    proof_attachment_id: strawberry.ID | None = strawberry.field(
        description="BANK_TRANSFER: the proof the applicant uploaded (an attachment)."
    )
    confirmed_by: str | None = strawberry.field(
        description="BANK_TRANSFER: the officer who confirmed the transfer."
    )
    receipt_attachment_id: strawberry.ID | None = strawberry.field(
        description="Once paid: the e-receipt attached to the dossier."
    )

    @classmethod
    def from_document(cls, order: PaymentOrder) -> PaymentOrderType:
        return cls(
            id=derived_id("PaymentOrder", order.reference),
            reference=order.reference,
            dossier_code=order.dossier_code,
            lines=[
                PaymentLineType.from_model(line, order.reference, n)
                for n, line in enumerate(order.lines, start=1)
            ],
            total=order.total,
            method=order.method,
            status=order.status,
            created_at=order.created_at,
            payment_url=order.payment_url,
            platform_transaction=order.platform_transaction,
            paid_at=order.paid_at,
            cancelled_at=order.cancelled_at,
            refunded_at=order.refunded_at,
            reason=order.reason,
            proof_attachment_id=_id(order.proof_attachment_id),
            confirmed_by=order.confirmed_by,
            receipt_attachment_id=_id(order.receipt_attachment_id),
        )


@strawberry.type
class DossierPayments:
    """Mixed into the Dossier type: its payment orders, seen by whoever sees it."""

    if TYPE_CHECKING:
        document: Dossier

    @strawberry.field(description="The dossier's payment orders, oldest first.")
    async def payment_orders(self, info: Info) -> list[PaymentOrderType]:
        found = await info.context.loaders.payment_orders_by_dossier.load(self.document.code)
        return [PaymentOrderType.from_document(order) for order in found]
