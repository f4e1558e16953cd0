from __future__ import annotations

import strawberry
from pydantic import ValidationError

from documents.common.errors import DomainError
from documents.workflow.submitting import Submission, submit
from schema.core.context import Info
from schema.core.errors import errors_from, errors_from_validation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.guarded import DossierError, IdempotencyKey, idempotent
from schema.dossiers.inputs import SubmitDossierInput
from schema.dossiers.presenting import present
from schema.dossiers.types import DossierType


@strawberry.type
class SubmitDossierPayload:
    dossier: DossierType | None = None
    errors: list[DossierError] = strawberry.field(default_factory=list)


@strawberry.type
class DossierMutations:
    @strawberry.mutation(description="Submit a dossier; it is validated against its form.")
    async def submit_dossier(
        self,
        info: Info,
        input: SubmitDossierInput,
        idempotency_key: IdempotencyKey = None,
    ) -> SubmitDossierPayload:
        try:
            applicant = input.applicant.to_domain()
        except ValidationError as error:
            return SubmitDossierPayload(
                errors=errors_from_validation(DossierError, error, "applicant")
            )
        access = await info.context.access()
        if not access.can_submit(
            applicant.id_number, input.receiving_agency_code, input.procedure_code
        ):
            raise PermissionDeniedError("you may not submit this dossier")
        submission = Submission(
            procedure_code=input.procedure_code,
            receiving_agency_code=input.receiving_agency_code,
            channel=input.channel,
            applicant=applicant,
            data=input.data,
            reused_papers=input.reused(),
        )
        actor = info.context.principal.subject
        arguments = {"submission": submission.__dict__ | {"applicant": applicant.model_dump()}}
        try:
            dossier = await idempotent(
                info, idempotency_key, "SUBMIT", arguments, lambda: submit(submission, actor)
            )
        except DomainError as error:
            return SubmitDossierPayload(errors=errors_from(DossierError, error))
        info.context.audit.targets.append(f"dossier:{dossier.code}")
        return SubmitDossierPayload(dossier=await present(info, dossier))
