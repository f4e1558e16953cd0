"""Paying by bank transfer: the order asked for, and the officer's confirmation of the
proof the applicant uploaded (schema/papers/proofs.py; docs/payments.md, "Bank transfer")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from documents.access.principals import PrincipalKind
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.parts import PaymentMethod
from documents.workflow import paying, transfers
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.mutations import payload_mutation
from schema.dossiers.by_order import OnOrder
from schema.dossiers.mutating import DossierMutation, Rule, dossier_mutation

CONFIRM = Rule(
    lambda access, dossier: (
        access.kind is PrincipalKind.OFFICER and access.can_act(Action.RECORD_PAYMENT, dossier)
    ),
    "you may not confirm a payment of this dossier",
)


class OrderDossierMutation(OnOrder, DossierMutation):
    """A change to an order, answered with its dossier."""

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        return returned.code if isinstance(returned, Dossier) else None


@strawberry.type
class TransferMutations:
    @dossier_mutation(
        Action.REQUEST_PAYMENT,
        "Ask the applicant to pay the fee by bank transfer: a payment order paid by "
        "BANK_TRANSFER, which goes to no payment platform. The applicant uploads the "
        "transfer's proof (submitPaymentProof) and an officer confirms it.",
    )
    async def request_bank_transfer(self, info: Info, code: str) -> Dossier:
        context = info.context
        return await paying.request_payment(
            code, context.actor, hours=context.office_hours, method=PaymentMethod.BANK_TRANSFER
        )

    @payload_mutation(
        OrderDossierMutation(CONFIRM),
        "Confirm a bank transfer from its proof: the order is paid (method BANK_TRANSFER, "
        "confirmedBy the officer) and the e-receipt is attached to the dossier.",
    )
    async def confirm_bank_transfer(self, info: Info, reference: str) -> Dossier:
        context = info.context
        order = await transfers.confirm_transfer(
            reference, context.actor, hours=context.office_hours
        )
        return await load_dossier(order.dossier_code)
