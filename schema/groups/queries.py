"""Reading procedure groups: public, like the procedure catalogue."""

from __future__ import annotations

import strawberry

from documents.groups.defining import all_groups, find_group
from schema.groups.types import ProcedureGroupType


@strawberry.type
class ProcedureGroupQueries:
    @strawberry.field(description="Every procedure group (liên thông), by code.")
    async def procedure_groups(self) -> list[ProcedureGroupType]:
        return [ProcedureGroupType.from_document(g) for g in await all_groups()]

    @strawberry.field
    async def procedure_group(self, code: str) -> ProcedureGroupType | None:
        group = await find_group(code)
        return ProcedureGroupType.from_document(group) if group else None
