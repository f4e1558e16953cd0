"""A payment order: what the applicant is asked to pay for a dossier, line by line, and
what became of it (docs/payments.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed, PydanticObjectId
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from documents.dossiers.parts import PaymentMethod


class LineKind(StrEnum):
    FEE = "FEE"  # phí
    CHARGE = "CHARGE"  # lệ phí


class OrderLine(BaseModel):
    kind: LineKind
    label: str = Field(min_length=1, max_length=300)
    amount: int = Field(ge=0)


class OrderStatus(StrEnum):
    # Waiting for the payment (the link may still be on its way from the platform).
    PENDING = "PENDING"
    PAID = "PAID"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"


class PaymentOrder(Document):
    # Ours, sent to the platform and quoted back by its callback: `<dossier code>-TT(n)`.
    reference: Annotated[str, Indexed(unique=True)]
    dossier_code: str
    lines: list[OrderLine]
    total: int = Field(ge=0)
    method: PaymentMethod = PaymentMethod.E_PAYMENT
    status: OrderStatus = OrderStatus.PENDING
    created_at: datetime
    created_by: str | None = None
    # From the platform, once the order message is delivered (documents/outbox/).
    payment_url: str | None = None
    # The platform's transaction, from its callback; the callback is recorded once.
    platform_transaction: str | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    refunded_at: datetime | None = None
    reason: str | None = Field(default=None, max_length=1000)  # of a cancellation or refund
    # A bank transfer's proof the applicant uploaded, and the officer who confirmed it.
    proof_attachment_id: PydanticObjectId | None = None
    confirmed_by: str | None = None
    # The e-receipt (biên lai điện tử) attached to the dossier once paid.
    receipt_attachment_id: PydanticObjectId | None = None

    class Settings:
        name = "payment_orders"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("dossier_code", ASCENDING), ("created_at", ASCENDING)], name="by_dossier"),
        ]
