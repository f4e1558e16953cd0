"""Creating and changing procedures, for administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.access.policy import AdminArea
from documents.catalogue import consistency
from documents.common.errors import DomainError
from schema.catalogue.procedures.inputs import ProcedureInput, ProcedureUpdateInput, input_fields
from schema.catalogue.procedures.types import ProcedureError, ProcedurePayload, ProcedureType
from schema.core.context import Info
from schema.core.errors import errors_from, errors_from_validation
from schema.core.permissions import require_admin


@strawberry.type
class ProcedureMutations:
    @strawberry.mutation(description="Add a procedure to the catalogue.")
    async def create_procedure(
        self,
        info: Info,
        input: Annotated[ProcedureInput, strawberry.argument(description="The procedure, whole.")],
    ) -> ProcedurePayload:
        await require_admin(info, AdminArea.PROCEDURES, input.agency_codes)
        try:
            procedure = await consistency.create_procedure(input_fields(input))
        except ValidationError as error:
            return ProcedurePayload(errors=errors_from_validation(ProcedureError, error))
        except DomainError as error:
            return ProcedurePayload(errors=errors_from(ProcedureError, error))
        info.context.audit.change("procedure", procedure.code, None, procedure)
        return ProcedurePayload(procedure=ProcedureType.from_document(procedure))

    @strawberry.mutation(description="Change a procedure: only the fields given.")
    async def update_procedure(
        self,
        info: Info,
        code: str,
        input: Annotated[
            ProcedureUpdateInput,
            strawberry.argument(description="The fields to change; those left out stay."),
        ],
    ) -> ProcedurePayload:
        current = await info.context.loaders.procedure_by_code.load(code)
        agencies = list(current.agency_codes) if current else []
        if isinstance(input.agency_codes, list):
            agencies += input.agency_codes
        await require_admin(info, AdminArea.PROCEDURES, agencies)
        try:
            changes = input_fields(input)
            if input.late_after_supplement_rounds is None:  # sent as null: the rule is off
                changes["late_after_supplement_rounds"] = None
            if input.time_rules is None:  # sent as null: the deployment's rules again
                changes["time_rules"] = None
            if input.requires_identity_level is None:  # sent as null: no level required
                changes["requires_identity_level"] = None
            procedure = await consistency.update_procedure(code, changes)
        except ValidationError as error:
            return ProcedurePayload(errors=errors_from_validation(ProcedureError, error))
        except DomainError as error:
            return ProcedurePayload(errors=errors_from(ProcedureError, error))
        info.context.audit.change("procedure", code, current, procedure)
        return ProcedurePayload(procedure=ProcedureType.from_document(procedure))
