"""Mutations of a dossier named by one of its payment orders (`reference`): the order's
dossier gets the checks of any dossier mutation (docs/payments.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from documents.common.errors import DomainError, ErrorCode
from documents.payments.orders import PaymentOrder
from schema.core.context import Info
from schema.core.errors import UserError
from schema.dossiers.mutating import OnDossier, as_now
from schema.dossiers.visibility import visible_dossier


def unknown_order() -> DomainError:
    return DomainError(
        ErrorCode.UNKNOWN_REFERENCE, "no payment order has this reference", "reference"
    )


async def order_dossier(info: Info, reference: str) -> str:
    """The code of the order's dossier, if the viewer sees that dossier: an unknown
    order and one of a dossier they may not see are the same UNKNOWN_REFERENCE
    (references are guessable: `<dossier code>-TT(n)`)."""
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference)
    if order is None:
        raise unknown_order()
    try:
        await visible_dossier(info, order.dossier_code)
    except DomainError:
        raise unknown_order() from None
    return order.dossier_code


class OnOrder(OnDossier[Any]):
    """The checks of a dossier mutation, for the dossier of the order named by the
    `reference` argument; put it before the mutation's class in the bases."""

    def target(self, arguments: Mapping[str, Any], produced: Any) -> str:
        return f"payment_order:{arguments['reference']}"

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        code = await order_dossier(info, arguments["reference"])
        await super().admit(info, {**arguments, "code": code})

    async def failed(
        self, info: Info, arguments: Mapping[str, Any], errors: list[UserError]
    ) -> Any:
        order = await PaymentOrder.find_one(PaymentOrder.reference == arguments["reference"])
        dossier = await as_now(info, order.dossier_code) if order is not None else None
        return self.payload(dossier=dossier, errors=errors)
