"""Exempting a dossier from its fee, with a reason (docs/payments.md, "Exemption")."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.dossiers.dossier import Dossier
from documents.workflow.exempting import REASON_MAX_LENGTH, exempt_fee
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.input_checks import text_argument
from schema.dossiers.mutating import dossier_mutation

Reason = Annotated[
    str,
    text_argument(
        REASON_MAX_LENGTH,
        "Why the fee is waived (e.g. the exemption the fee's rules grant). Free text that "
        "every handler reads: write no personal data in it.",
    ),
]


@strawberry.type
class ExemptionMutations:
    @dossier_mutation(
        Action.EXEMPT_FEE,
        "Waive the dossier's fee, with a reason: it owes nothing (paymentStatus WAIVED, "
        "feeDue kept as the record of what was waived) and its pending payment orders are "
        "cancelled. Refused once a payment was recorded.",
    )
    async def exempt_fee(self, info: Info, code: str, reason: Reason) -> Dossier:
        context = info.context
        return await exempt_fee(code, reason, context.actor, hours=context.office_hours)
