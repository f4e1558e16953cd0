"""Reading the procedure catalogue."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.catalogue.procedures import all_procedures
from schema.catalogue.procedures.types import ProcedureType, procedure_by_code
from schema.core.context import Info


@strawberry.type
class ProcedureQueries:
    @strawberry.field(description="The catalogue, optionally for one field (lĩnh vực).")
    async def procedures(self, field: str | None = None) -> list[ProcedureType]:
        return [ProcedureType.from_document(p) for p in await all_procedures(field)]

    @strawberry.field(description="One procedure of the catalogue; null when unknown.")
    async def procedure(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The procedure's national code.")],
    ) -> ProcedureType | None:
        return await procedure_by_code(info, code)
