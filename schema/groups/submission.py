"""`submitDossierGroup`: one submission of a procedure group, with the same idempotency
and submit policy as `submitDossier` (docs/groups.md, "Submitting a group")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError
from strawberry.scalars import JSON

from documents.common.errors import not_found
from documents.groups.lookup import find_dossier_group
from documents.groups.records import DossierGroup
from documents.workflow.group_submitting import GroupSubmission, submit_group
from schema.core.context import Info
from schema.core.enums import Channel
from schema.core.errors import UserError, errors_from_validation
from schema.core.mutations import InvalidArgumentsError, PayloadMutation, payload_mutation
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.inputs import ApplicantInput
from schema.groups.reading import DossierGroupType, shown_group


@strawberry.input(description="A new group submission (docs/groups.md).")
class SubmitDossierGroupInput:
    group_code: str
    procedure_codes: list[str] = strawberry.field(
        description="The chosen member procedures: a combination the group allows."
    )
    receiving_agency_code: str
    channel: Channel = strawberry.field(description="How it is handed in.")
    applicant: ApplicantInput = strawberry.field(description="Who applies.")
    data: JSON = strawberry.field(description="The group's combined form.")
    verification: bool = strawberry.field(
        default=False, description="Verification is needed: the group's longer deadline."
    )


@strawberry.type(description="A dossier group mutation's error; `field` is the input at fault.")
class DossierGroupError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class SubmitDossierGroupPayload:
    group: DossierGroupType | None = strawberry.field(
        default=None,
        description="The group submission as it is now; null when there are errors.",
    )
    errors: list[DossierGroupError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


class SubmitGroupMutation(PayloadMutation[DossierGroup]):
    """The applicant must be well formed and the policy must let this principal file
    every chosen procedure for them at that agency; an idempotency record keeps the
    group's code, so a retry returns the first group."""

    payload = SubmitDossierGroupPayload
    error = DossierGroupError

    def target(self, arguments: Mapping[str, Any], produced: DossierGroup | None) -> str | None:
        return None if produced is None else f"dossierGroup:{produced.code}"

    async def admit(self, info: Info, arguments: Mapping[str, Any]) -> None:
        submitted: SubmitDossierGroupInput = arguments["input"]
        try:
            applicant = submitted.applicant.to_domain()
        except ValidationError as error:
            raise InvalidArgumentsError(
                errors_from_validation(DossierGroupError, error, "applicant")
            ) from error
        access = await info.context.access()
        agency = submitted.receiving_agency_code
        if not all(
            access.can_submit(applicant.id_number, agency, code)
            for code in submitted.procedure_codes
        ):
            raise PermissionDeniedError("you may not submit this group")

    def remember(self, produced: DossierGroup) -> str:
        return produced.code

    async def recall(self, remembered: str) -> DossierGroup:
        found = await find_dossier_group(remembered)
        if found is None:
            raise not_found("dossier group", remembered, "code")
        return found

    def remember_committed(self, arguments: Mapping[str, Any], returned: object) -> str | None:
        return returned.code if isinstance(returned, DossierGroup) else None

    async def succeeded(
        self, info: Info, arguments: Mapping[str, Any], produced: DossierGroup
    ) -> Any:
        return self.payload(group=await shown_group(info, produced))


@strawberry.type
class GroupSubmissionMutations:
    @payload_mutation(
        SubmitGroupMutation(),
        "Submit a procedure group once: the combined form is validated, and one dossier "
        "per chosen procedure is created at its competent agency, with the group record, "
        "in one transaction.",
    )
    async def submit_dossier_group(
        self,
        info: Info,
        input: Annotated[
            SubmitDossierGroupInput,
            strawberry.argument(
                description="The group, the procedures chosen, the applicant and the combined form."
            ),
        ],
    ) -> DossierGroup:
        context = info.context
        submission = GroupSubmission(
            group_code=input.group_code,
            procedure_codes=tuple(input.procedure_codes),
            receiving_agency_code=input.receiving_agency_code,
            channel=input.channel,
            applicant=input.applicant.to_domain(),  # well formed: SubmitGroupMutation.admit
            data=input.data,
            verification=input.verification,
            submitter=(await context.access()).submitter(),
            identity=(await context.access()).online_identity(),
        )
        return await submit_group(
            submission,
            context.principal.subject,
            hours=context.office_hours,
            population=context.population,
        )
