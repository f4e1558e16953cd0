from __future__ import annotations

import strawberry
from pydantic import ValidationError

from documents.errors import DomainError
from documents.submission import Submission, submit
from schema.context import Info
from schema.dossiers.inputs import SubmitDossierInput
from schema.dossiers.types import DossierType
from schema.errors import UserError, errors_from, errors_from_validation


@strawberry.type
class DossierError(UserError):
    pass


@strawberry.type
class SubmitDossierPayload:
    dossier: DossierType | None = None
    errors: list[DossierError] = strawberry.field(default_factory=list)


@strawberry.type
class DossierMutations:
    @strawberry.mutation(description="Submit a dossier; it is validated against its form.")
    async def submit_dossier(self, info: Info, input: SubmitDossierInput) -> SubmitDossierPayload:
        try:
            applicant = input.applicant.to_domain()
        except ValidationError as error:
            return SubmitDossierPayload(
                errors=errors_from_validation(DossierError, error, "applicant")
            )
        submission = Submission(
            procedure_code=input.procedure_code,
            receiving_agency_code=input.receiving_agency_code,
            channel=input.channel,
            applicant=applicant,
            data=input.data,
        )
        try:
            dossier = await submit(submission)
        except DomainError as error:
            return SubmitDossierPayload(errors=errors_from(DossierError, error))
        return SubmitDossierPayload(dossier=DossierType.from_document(dossier))
