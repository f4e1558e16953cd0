"""Officer and applicant actions on a dossier: thin wrappers over documents.workflow.acting."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.scalars import JSON

from documents.workflow import acting, paying
from documents.workflow.acting import Decision
from documents.workflow.transitions import Action
from schema.core.context import Info
from schema.core.enums import PaymentMethod
from schema.dossiers.guarded import DossierPayload, IdempotencyKey, act_on_dossier

strawberry.enum(Decision)


@strawberry.input
class SupplementItemInput:
    item: str = strawberry.field(description="The paper or field that is missing or wrong.")
    reason: str


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(description="Reception accepts the dossier for processing.")
    async def accept_dossier(
        self, info: Info, code: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.ACCEPT, lambda: acting.accept(code, actor), key=idempotency_key
        )

    @strawberry.mutation(description="Reception refuses the dossier, with a reason.")
    async def refuse_dossier(
        self, info: Info, code: str, reason: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.REFUSE, lambda: acting.refuse(code, reason, actor),
            key=idempotency_key, arguments={"reason": reason},
        )  # fmt: skip

    @strawberry.mutation
    async def assign_dossier(
        self, info: Info, code: str, user: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.ASSIGN, lambda: acting.assign(code, user, actor),
            key=idempotency_key, arguments={"user": user},
        )  # fmt: skip

    @strawberry.mutation(description="Give the dossier to a step, agency and user.")
    async def hand_over(
        self,
        info: Info,
        code: str,
        to_step: str,
        to_agency: str | None = None,
        to_user: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.HAND_OVER,
            lambda: acting.hand_over(code, to_step, actor, to_agency=to_agency, to_user=to_user),
            key=idempotency_key,
            arguments={"toStep": to_step, "toAgency": to_agency, "toUser": to_user},
        )  # fmt: skip

    @strawberry.mutation(description="List everything missing at once; the clock stops.")
    async def request_supplement(
        self,
        info: Info,
        code: str,
        items: list[SupplementItemInput],
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        wanted = [{"item": i.item, "reason": i.reason} for i in items]
        return await act_on_dossier(
            info, code, Action.REQUEST_SUPPLEMENT,
            lambda: acting.request_supplement(code, wanted, actor),
            key=idempotency_key, arguments={"items": wanted},
        )  # fmt: skip

    @strawberry.mutation(description="The applicant supplies what was asked for.")
    async def supplement_dossier(
        self,
        info: Info,
        code: str,
        data: JSON,
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.SUPPLEMENT, lambda: acting.supplement(code, data, note, actor),
            key=idempotency_key, arguments={"data": data, "note": note},
        )  # fmt: skip

    @strawberry.mutation(description="Approve (result ready) or reject (with a reason).")
    async def record_result(
        self,
        info: Info,
        code: str,
        decision: Decision,
        note: str | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        action = Action.APPROVE if decision is Decision.APPROVE else Action.REJECT
        return await act_on_dossier(
            info, code, action, lambda: acting.record_result(code, decision, note, actor),
            key=idempotency_key, arguments={"decision": decision.value, "note": note},
        )  # fmt: skip

    @strawberry.mutation(description="Hand the result to the applicant.")
    async def return_result(
        self, info: Info, code: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.RETURN_RESULT, lambda: acting.return_result(code, actor),
            key=idempotency_key,
        )  # fmt: skip

    @strawberry.mutation(description="The applicant withdraws the dossier.")
    async def withdraw_dossier(
        self, info: Info, code: str, reason: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.WITHDRAW, lambda: acting.withdraw(code, reason, actor),
            key=idempotency_key, arguments={"reason": reason},
        )  # fmt: skip

    @strawberry.mutation(description="Văn bản xin lỗi: once, before the deadline.")
    async def issue_apology(
        self,
        info: Info,
        code: str,
        reason: str,
        new_appointment: date,
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.ISSUE_APOLOGY,
            lambda: acting.issue_apology(code, reason, new_appointment, actor),
            key=idempotency_key, arguments={"reason": reason, "newAppointment": new_appointment},
        )  # fmt: skip

    @strawberry.mutation(description="Ask the applicant to pay the fee (portal status 6).")
    async def request_payment(
        self, info: Info, code: str, idempotency_key: IdempotencyKey = None
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.REQUEST_PAYMENT,
            lambda: paying.request_payment(code, actor),
            key=idempotency_key,
        )  # fmt: skip

    @strawberry.mutation(description="Record a receipt; a repeated reference is ignored.")
    async def record_payment(
        self,
        info: Info,
        code: str,
        amount: int,
        method: PaymentMethod,
        reference: str,
        idempotency_key: IdempotencyKey = None,
    ) -> DossierPayload:
        actor = info.context.actor
        return await act_on_dossier(
            info, code, Action.RECORD_PAYMENT,
            lambda: paying.record_payment(code, amount, method, reference, actor),
            key=idempotency_key,
            arguments={"amount": amount, "method": method.value, "reference": reference},
        )  # fmt: skip
