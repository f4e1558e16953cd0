"""Reading agencies: the roots, an agency's children, one by code."""

from __future__ import annotations

import strawberry

from documents.catalogue.agencies import root_agencies
from schema.catalogue.agencies.types import AgencyType, agency_by_code
from schema.core.context import Info


@strawberry.type
class AgencyQueries:
    @strawberry.field(description="Root agencies, or the children of `parentCode`.")
    async def agencies(self, info: Info, parent_code: str | None = None) -> list[AgencyType]:
        if parent_code is not None:
            children = await info.context.loaders.agencies_by_parent.load(parent_code)
            return [AgencyType.from_document(a) for a in children]
        return [AgencyType.from_document(a) for a in await root_agencies()]

    @strawberry.field
    async def agency(self, info: Info, code: str) -> AgencyType | None:
        return await agency_by_code(info, code)
