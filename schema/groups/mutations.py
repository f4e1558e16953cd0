"""Defining and changing procedure groups, for system administrators and for the agency
administrators who manage every member procedure (as `createProcedure` asks)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.access.policy import AdminArea
from documents.common.errors import DomainError
from documents.groups.defining import create_group, find_group, update_group
from schema.core.context import Info
from schema.core.errors import errors_from, errors_from_validation
from schema.core.permissions import require_admin
from schema.groups.inputs import ProcedureGroupInput, ProcedureGroupUpdateInput, group_fields
from schema.groups.types import ProcedureGroupError, ProcedureGroupPayload, ProcedureGroupType


async def _require_admin_of(info: Info, procedure_codes: list[str]) -> None:
    """The agencies that handle the member procedures must all be the admin's."""
    found = await info.context.loaders.procedure_by_code.load_many(sorted(set(procedure_codes)))
    agencies = sorted({code for p in found if p for code in p.agency_codes})
    await require_admin(info, AdminArea.PROCEDURES, agencies)


def _members(value: ProcedureGroupInput | ProcedureGroupUpdateInput) -> list[str]:
    return [m.procedure_code for m in value.members or []]


@strawberry.type
class ProcedureGroupMutations:
    @strawberry.mutation(description="Define a procedure group (docs/groups.md).")
    async def create_procedure_group(
        self,
        info: Info,
        input: Annotated[ProcedureGroupInput, strawberry.argument(description="The group, whole.")],
    ) -> ProcedureGroupPayload:
        await _require_admin_of(info, _members(input))
        try:
            group = await create_group(group_fields(input))
        except ValidationError as error:
            return ProcedureGroupPayload(errors=errors_from_validation(ProcedureGroupError, error))
        except DomainError as error:
            return ProcedureGroupPayload(errors=errors_from(ProcedureGroupError, error))
        info.context.audit.change("procedure_group", group.code, None, group)
        return ProcedureGroupPayload(procedure_group=ProcedureGroupType.from_document(group))

    @strawberry.mutation(description="Change a procedure group; it is checked whole again.")
    async def update_procedure_group(
        self,
        info: Info,
        code: str,
        input: Annotated[
            ProcedureGroupUpdateInput,
            strawberry.argument(description="The fields to change; those left out stay."),
        ],
    ) -> ProcedureGroupPayload:
        current = await find_group(code)
        before = [m.procedure_code for m in current.members] if current else []
        await _require_admin_of(info, before + _members(input))
        try:
            group = await update_group(code, group_fields(input))
        except ValidationError as error:
            return ProcedureGroupPayload(errors=errors_from_validation(ProcedureGroupError, error))
        except DomainError as error:
            return ProcedureGroupPayload(errors=errors_from(ProcedureGroupError, error))
        info.context.audit.change("procedure_group", code, current, group)
        return ProcedureGroupPayload(procedure_group=ProcedureGroupType.from_document(group))
