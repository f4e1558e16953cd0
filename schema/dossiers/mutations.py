"""Submitting a dossier: no dossier to load first, the submit policy instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError

from documents.dossiers.dossier import Dossier
from documents.workflow.submitting import Submission, submit
from schema.core.context import Info
from schema.core.errors import errors_from_validation
from schema.core.mutations import InvalidArgumentsError, payload_mutation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.inputs import SubmitDossierInput
from schema.dossiers.mutating import DossierError, ReturnsDossier
from schema.dossiers.types import DossierType


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class SubmitDossierPayload:
    dossier: DossierType | None = strawberry.field(
        default=None,
        description="The dossier as it is now; null when there are errors.",
    )
    errors: list[DossierError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


class SubmitMutation(ReturnsDossier):
    """The applicant must be well formed and the policy must let this principal file
    for them at that agency; the new dossier is the audit target."""

    payload = SubmitDossierPayload
    error = DossierError

    def target(self, arguments: Mapping[str, Any], produced: Dossier | None) -> str | None:
        return None if produced is None else f"dossier:{produced.code}"

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        submitted: SubmitDossierInput = arguments["input"]
        try:
            applicant = submitted.applicant.to_domain()
        except ValidationError as error:
            raise InvalidArgumentsError(
                errors_from_validation(DossierError, error, "applicant")
            ) from error
        access = await info.context.access()
        if not access.can_submit(
            applicant.id_number, submitted.receiving_agency_code, submitted.procedure_code
        ):
            raise PermissionDeniedError("you may not submit this dossier")


@strawberry.type
class DossierMutations:
    @payload_mutation(SubmitMutation(), "Submit a dossier; it is validated against its form.")
    async def submit_dossier(
        self,
        info: Info,
        input: Annotated[
            SubmitDossierInput,
            strawberry.argument(
                description="The dossier: procedure, desk, applicant, form data, papers reused."
            ),
        ],
    ) -> Dossier:
        access = await info.context.access()
        submission = Submission(
            procedure_code=input.procedure_code,
            receiving_agency_code=input.receiving_agency_code,
            channel=input.channel,
            applicant=input.applicant.to_domain(),  # well formed: SubmitMutation.admit
            data=input.data,
            reused_papers=input.reused(),
            submitter=access.submitter(),
            identity=access.online_identity(),
        )
        context = info.context
        return await submit(
            submission,
            context.principal.subject,
            hours=context.office_hours,
            population=context.population,
        )
