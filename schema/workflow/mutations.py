"""Officer and applicant actions on a dossier, each declared with the workflow action the
policy must allow; the resolvers only call documents.workflow.acting and paying."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from documents.dossiers.dossier import Dossier
from documents.workflow import acting, paying
from documents.workflow.acting import Decision
from documents.workflow.transitions import Action, answering_supplement, requesting_supplement
from schema.core.context import Info
from schema.core.enums import PaymentMethod
from schema.core.input_checks import (
    FREE_TEXT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    FreeText,
    OptionalFreeText,
    text,
)
from schema.dossiers.mutating import Rule, dossier_mutation

strawberry.enum(Decision)


@strawberry.input(description="One thing missing or wrong, and why.")
class SupplementItemInput:
    item: str = text(NAME_MAX_LENGTH, "The paper or field that is missing or wrong.")
    reason: str = text(FREE_TEXT_MAX_LENGTH)


def _decided(arguments: Mapping[str, Any]) -> Action:
    return Action.APPROVE if arguments["decision"] is Decision.APPROVE else Action.REJECT


@strawberry.type
class WorkflowMutations:
    @dossier_mutation(Action.ACCEPT, "Reception accepts the dossier for processing.")
    async def accept_dossier(self, info: Info, code: str) -> Dossier:
        return await acting.accept(code, info.context.actor, hours=info.context.office_hours)

    @dossier_mutation(Action.REFUSE, "Reception refuses the dossier, with a reason.")
    async def refuse_dossier(self, info: Info, code: str, reason: FreeText) -> Dossier:
        context = info.context
        return await acting.refuse(code, reason, context.actor, hours=context.office_hours)

    @dossier_mutation(
        Action.ASSIGN, "Assign the dossier to an officer (`user`, their id); its status stays."
    )
    async def assign_dossier(self, info: Info, code: str, user: str) -> Dossier:
        context = info.context
        return await acting.assign(code, user, context.actor, hours=context.office_hours)

    @dossier_mutation(Action.HAND_OVER, "Give the dossier to a step, agency and user.")
    async def hand_over(
        self,
        info: Info,
        code: str,
        to_step: str,
        to_agency: str | None = None,
        to_user: str | None = None,
    ) -> Dossier:
        context = info.context
        return await acting.hand_over(
            code,
            to_step,
            context.actor,
            hours=context.office_hours,
            to_agency=to_agency,
            to_user=to_user,
        )

    @dossier_mutation(
        Rule(
            lambda access, dossier: access.can_act(requesting_supplement(dossier.status), dossier),
            "you may not request a supplement",
        ),
        "Mẫu 02: list everything missing at once; the clock stops. Before acceptance "
        "(RECEIVED) reception asks, once; during processing (IN_PROGRESS) the specialist.",
    )
    async def request_supplement(
        self,
        info: Info,
        code: str,
        items: Annotated[
            list[SupplementItemInput],
            strawberry.argument(description="Everything missing, each with the reason, at once."),
        ],
    ) -> Dossier:
        wanted = [{"item": i.item, "reason": i.reason} for i in items]
        context = info.context
        return await acting.request_supplement(
            code, wanted, context.actor, hours=context.office_hours
        )

    @dossier_mutation(
        Rule(
            lambda access, dossier: access.can_act(answering_supplement(dossier), dossier),
            "you may not supplement it",
        ),
        "The applicant supplies what was asked for: back to RECEIVED for a round asked "
        "at reception, to IN_PROGRESS for one asked during processing.",
    )
    async def supplement_dossier(
        self,
        info: Info,
        code: str,
        data: Annotated[
            JSON,
            strawberry.argument(
                description="A JSON object merged into the form data, then validated."
            ),
        ],
        note: OptionalFreeText = None,
    ) -> Dossier:
        context = info.context
        return await acting.supplement(code, data, note, context.actor, hours=context.office_hours)

    @dossier_mutation(_decided, "Approve (result ready) or reject (with a reason).")
    async def record_result(
        self,
        info: Info,
        code: str,
        decision: Annotated[
            Decision,
            strawberry.argument(
                description="APPROVE (the result is ready) or REJECT (give the reason in `note`)."
            ),
        ],
        note: OptionalFreeText = None,
        result_data: Annotated[
            JSON | None,
            strawberry.argument(
                description="APPROVE only: the result's data (e.g. the certificate number), "
                "which fills the group members waiting for it (docs/groups.md)."
            ),
        ] = None,
    ) -> Dossier:
        context = info.context
        return await acting.record_result(
            code,
            decision,
            note,
            context.actor,
            hours=context.office_hours,
            result_data=result_data,
        )

    @dossier_mutation(Action.RETURN_RESULT, "Hand the result to the applicant.")
    async def return_result(self, info: Info, code: str) -> Dossier:
        context = info.context
        return await acting.return_result(code, context.actor, hours=context.office_hours)

    @dossier_mutation(Action.WITHDRAW, "The applicant withdraws the dossier.")
    async def withdraw_dossier(self, info: Info, code: str, reason: FreeText) -> Dossier:
        context = info.context
        return await acting.withdraw(code, reason, context.actor, hours=context.office_hours)

    @dossier_mutation(
        Action.STOP_PROCESSING,
        "Mẫu 05: stop processing, with a reason (portal status 8); the dossier ends "
        "without a decision. From IN_PROGRESS or SUPPLEMENT_REQUESTED.",
    )
    async def stop_processing(self, info: Info, code: str, reason: FreeText) -> Dossier:
        context = info.context
        return await acting.stop_processing(code, reason, context.actor, hours=context.office_hours)

    @dossier_mutation(
        Action.ISSUE_APOLOGY,
        "Mẫu 04: the apology letter with a request to extend the time; once, at least "
        "one working day before the deadline, with the reason and the new appointment.",
    )
    async def issue_apology(
        self,
        info: Info,
        code: str,
        reason: FreeText,
        new_appointment: Annotated[
            date,
            strawberry.argument(
                description="The new appointment: a working day, later than the current one."
            ),
        ],
    ) -> Dossier:
        context = info.context
        return await acting.issue_apology(
            code, reason, new_appointment, context.actor, hours=context.office_hours
        )

    @dossier_mutation(Action.REQUEST_PAYMENT, "Ask the applicant to pay the fee (portal status 6).")
    async def request_payment(self, info: Info, code: str) -> Dossier:
        context = info.context
        return await paying.request_payment(code, context.actor, hours=context.office_hours)

    @dossier_mutation(Action.RECORD_PAYMENT, "Record a receipt; a repeated reference is ignored.")
    async def record_payment(
        self,
        info: Info,
        code: str,
        amount: Annotated[int, strawberry.argument(description="The amount received, in VND.")],
        method: Annotated[PaymentMethod, strawberry.argument(description="How it was paid.")],
        reference: str,
    ) -> Dossier:
        context = info.context
        return await paying.record_payment(
            code, amount, method, reference, context.actor, hours=context.office_hours
        )
