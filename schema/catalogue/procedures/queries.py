"""Reading the procedure catalogue."""

from __future__ import annotations

import strawberry

from documents.catalogue.procedures import all_procedures
from schema.catalogue.procedures.types import ProcedureType, procedure_by_code
from schema.core.context import Info


@strawberry.type
class ProcedureQueries:
    @strawberry.field(description="The catalogue, optionally for one field (lĩnh vực).")
    async def procedures(self, field: str | None = None) -> list[ProcedureType]:
        return [ProcedureType.from_document(p) for p in await all_procedures(field)]

    @strawberry.field
    async def procedure(self, info: Info, code: str) -> ProcedureType | None:
        return await procedure_by_code(info, code)
