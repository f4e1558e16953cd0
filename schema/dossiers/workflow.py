"""Officer and applicant actions on a dossier: thin wrappers over documents.actions."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

import strawberry
from strawberry.scalars import JSON

from documents import actions
from documents.actions import Decision
from documents.dossier import Dossier
from documents.errors import DomainError
from documents.processing import Actor, load_dossier
from schema.context import Info
from schema.dossiers.mutations import DossierError
from schema.dossiers.types import DossierType
from schema.enums import PaymentMethod
from schema.errors import errors_from

strawberry.enum(Decision)


@strawberry.type(description="The dossier after the action, or as it is now if it failed.")
class DossierPayload:
    dossier: DossierType | None = None
    errors: list[DossierError] = strawberry.field(default_factory=list)


@strawberry.input
class SupplementItemInput:
    item: str = strawberry.field(description="The paper or field that is missing or wrong.")
    reason: str


async def _run(code: str, action: Awaitable[Dossier]) -> DossierPayload:
    try:
        dossier = await action
    except DomainError as error:
        # The current state lets the client show what changed (CONFLICT) or why the
        # action does not apply (ILLEGAL_TRANSITION).
        try:
            current = DossierType.from_document(await load_dossier(code))
        except DomainError:
            current = None
        return DossierPayload(dossier=current, errors=errors_from(DossierError, error))
    return DossierPayload(dossier=DossierType.from_document(dossier))


def _actor(info: Info) -> Actor:
    return info.context.actor


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(description="Reception accepts the dossier for processing.")
    async def accept_dossier(self, info: Info, code: str) -> DossierPayload:
        return await _run(code, actions.accept(code, _actor(info)))

    @strawberry.mutation(description="Reception refuses the dossier, with a reason.")
    async def refuse_dossier(self, info: Info, code: str, reason: str) -> DossierPayload:
        return await _run(code, actions.refuse(code, reason, _actor(info)))

    @strawberry.mutation
    async def assign_dossier(self, info: Info, code: str, user: str) -> DossierPayload:
        return await _run(code, actions.assign(code, user, _actor(info)))

    @strawberry.mutation(description="Give the dossier to a step, agency and user.")
    async def hand_over(
        self,
        info: Info,
        code: str,
        to_step: str,
        to_agency: str | None = None,
        to_user: str | None = None,
    ) -> DossierPayload:
        call = actions.hand_over(code, to_step, _actor(info), to_agency=to_agency, to_user=to_user)
        return await _run(code, call)

    @strawberry.mutation(description="List everything missing at once; the clock stops.")
    async def request_supplement(
        self, info: Info, code: str, items: list[SupplementItemInput]
    ) -> DossierPayload:
        wanted = [{"item": i.item, "reason": i.reason} for i in items]
        return await _run(code, actions.request_supplement(code, wanted, _actor(info)))

    @strawberry.mutation(description="The applicant supplies what was asked for.")
    async def supplement_dossier(
        self, info: Info, code: str, data: JSON, note: str | None = None
    ) -> DossierPayload:
        return await _run(code, actions.supplement(code, data, note, _actor(info)))

    @strawberry.mutation(description="Approve (result ready) or reject (with a reason).")
    async def record_result(
        self, info: Info, code: str, decision: Decision, note: str | None = None
    ) -> DossierPayload:
        return await _run(code, actions.record_result(code, decision, note, _actor(info)))

    @strawberry.mutation(description="Hand the result to the applicant.")
    async def return_result(self, info: Info, code: str) -> DossierPayload:
        return await _run(code, actions.return_result(code, _actor(info)))

    @strawberry.mutation(description="The applicant withdraws the dossier.")
    async def withdraw_dossier(self, info: Info, code: str, reason: str) -> DossierPayload:
        return await _run(code, actions.withdraw(code, reason, _actor(info)))

    @strawberry.mutation(description="Văn bản xin lỗi: once, before the deadline.")
    async def issue_apology(
        self, info: Info, code: str, reason: str, new_appointment: date
    ) -> DossierPayload:
        call = actions.issue_apology(code, reason, new_appointment, _actor(info))
        return await _run(code, call)

    @strawberry.mutation(description="Ask the applicant to pay the fee (portal status 6).")
    async def request_payment(self, info: Info, code: str) -> DossierPayload:
        return await _run(code, actions.request_payment(code, _actor(info)))

    @strawberry.mutation(description="Record a receipt; a repeated reference is ignored.")
    async def record_payment(
        self, info: Info, code: str, amount: int, method: PaymentMethod, reference: str
    ) -> DossierPayload:
        call = actions.record_payment(code, amount, method, reference, _actor(info))
        return await _run(code, call)
