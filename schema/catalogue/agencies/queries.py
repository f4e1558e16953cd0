"""Reading agencies: the roots or one level of the tree as it was on a day, one by code."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from documents.catalogue.agencies import root_agencies
from documents.common.clock import local_today
from schema.catalogue.agencies.types import ON_DESCRIPTION, AgencyType, agency_by_code
from schema.core.context import Info


@strawberry.type
class AgencyQueries:
    @strawberry.field(
        description="Root agencies, or the children of `parentCode`, that were valid on `on`."
    )
    async def agencies(
        self,
        info: Info,
        parent_code: str | None = None,
        on: Annotated[date | None, strawberry.argument(description=ON_DESCRIPTION)] = None,
    ) -> list[AgencyType]:
        day = on or local_today()
        if parent_code is not None:
            children = await info.context.loaders.agencies_by_parent.load(parent_code)
            return [AgencyType.from_document(a, day) for a in children if a.valid_on(day)]
        return [AgencyType.from_document(a, day) for a in await root_agencies(day)]

    @strawberry.field(description="One agency by code, whatever its validity.")
    async def agency(self, info: Info, code: str) -> AgencyType | None:
        return await agency_by_code(info, code)
