"""Cancelling a pending payment order and refunding a paid one (docs/payments.md); the
orders themselves are read on the dossier (`Dossier.paymentOrders`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import strawberry

from documents.common.errors import DomainError, not_found
from documents.payments.cancelling import cancel_order, order_of, refund_order
from documents.payments.orders import PaymentOrder
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.errors import UserError
from schema.core.input_checks import FreeText
from schema.core.mutations import PayloadMutation, payload_mutation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.payments import PaymentOrderType
from schema.dossiers.visibility import visible_dossier


@strawberry.type(description="A payment order mutation's error; `field` is the input at fault.")
class PaymentOrderError(UserError):
    pass


@strawberry.type(description="The order after the change, or as it is now if it failed.")
class PaymentOrderPayload:
    order: PaymentOrderType | None = strawberry.field(
        default=None,
        description="The payment order as it is now; null when there are errors.",
    )
    errors: list[PaymentOrderError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


async def _visible_order(info: Info, reference: str) -> PaymentOrder:
    """The order, if the viewer sees its dossier: otherwise the same NOT_FOUND as an
    unknown reference (references are guessable)."""
    try:
        order = await order_of(reference)
        await visible_dossier(info, order.dossier_code)
    except DomainError:
        raise not_found("payment order", reference, "reference") from None
    return order


class OnOrder(PayloadMutation[PaymentOrder]):
    """A change to the payment order named by `reference`, by an officer who may ask for
    the dossier's payment (the handling agency's, by role and place)."""

    payload: ClassVar[type[Any]] = PaymentOrderPayload
    error = PaymentOrderError

    def target(self, arguments: Mapping[str, Any], produced: PaymentOrder | None) -> str:
        return f"payment-order:{arguments['reference']}"

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        order = await _visible_order(info, arguments["reference"])
        access = await info.context.access()
        dossier = await visible_dossier(info, order.dossier_code)
        if not access.can_act(Action.REQUEST_PAYMENT, dossier):
            raise PermissionDeniedError("you may not change this dossier's payment orders")

    def remember(self, produced: PaymentOrder) -> str:
        return produced.reference

    async def recall(self, remembered: str) -> PaymentOrder:
        return await order_of(remembered)

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        reference = arguments.get("reference")
        return reference if isinstance(reference, str) else None

    async def succeeded(
        self, info: Info, arguments: Mapping[str, Any], produced: PaymentOrder
    ) -> Any:
        return self.payload(order=PaymentOrderType.from_document(produced))

    async def failed(
        self, info: Info, arguments: Mapping[str, Any], errors: list[UserError]
    ) -> Any:
        try:
            order = PaymentOrderType.from_document(await order_of(arguments["reference"]))
        except DomainError:
            order = None
        return self.payload(order=order, errors=errors)


@strawberry.type
class PaymentOrderMutations:
    @payload_mutation(
        OnOrder(),
        "Cancel a PENDING payment order, with a reason; the platform is told (the link "
        "stops working). Officers who may ask for the dossier's payment.",
    )
    async def cancel_payment_order(
        self, info: Info, reference: str, reason: FreeText
    ) -> PaymentOrder:
        return await cancel_order(reference, reason, info.context.actor)

    @payload_mutation(
        OnOrder(),
        "Refund a PAID order of a dossier that ended without a result (refused, rejected, "
        "withdrawn or stopped), with a reason; the platform pays it back and the dossier's "
        "paymentStatus returns to UNPAID.",
    )
    async def refund_payment(self, info: Info, reference: str, reason: FreeText) -> PaymentOrder:
        return await refund_order(reference, reason, info.context.actor)
