"""Reading procedure groups: public, like the procedure catalogue."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.groups.defining import all_groups, find_group
from schema.groups.types import ProcedureGroupType


@strawberry.type
class ProcedureGroupQueries:
    @strawberry.field(description="Every procedure group (liên thông), by code.")
    async def procedure_groups(self) -> list[ProcedureGroupType]:
        return [ProcedureGroupType.from_document(g) for g in await all_groups()]

    @strawberry.field(description="One procedure group (liên thông); null when unknown.")
    async def procedure_group(
        self, code: Annotated[str, strawberry.argument(description="The group's code.")]
    ) -> ProcedureGroupType | None:
        group = await find_group(code)
        return ProcedureGroupType.from_document(group) if group else None
