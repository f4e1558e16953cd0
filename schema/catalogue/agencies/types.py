"""Agencies as GraphQL types, loaded by code; a tree is read as it was on one day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Self

import strawberry
from strawberry import relay

from documents.catalogue.agencies import Agency
from documents.common.clock import local_today
from schema.core.context import Info
from schema.core.enums import AgencyLevel, AgencyState

ON_DESCRIPTION = (
    "The day whose tree to show (agencies valid on it); today in Hà Nội time when omitted."
)


@strawberry.type(
    name="Agency",
    description="A unit of the administration: the city, a department, a commune or ward, the "
    "centre, a branch or a service point.",
)
class AgencyType(relay.Node):
    code: str = strawberry.field(description="The code in the national agency-code format.")
    name: str = strawberry.field(description="The name, in Vietnamese.")
    name_en: str | None = strawberry.field(description="The name in English, if given.")
    level: AgencyLevel = strawberry.field(description="Where it stands in the tree.")
    state: AgencyState = strawberry.field(description="In service, merged or split.")
    address: str | None = strawberry.field(description="Its postal address, if given.")
    parent_code: str | None = strawberry.field(
        description="The code of the agency above it; null at the top."
    )
    merged_into_code: str | None = strawberry.field(
        description="The code of the agency it was merged into; null if it was not."
    )
    merged_at: date | None = strawberry.field(
        description="The day the merge took effect; null if it was not merged."
    )
    valid_from: date | None = strawberry.field(
        description="The first day the agency existed; null if it always has."
    )
    valid_to: date | None = strawberry.field(
        description="The last day the agency existed (inclusive); null if it still does."
    )
    unit_code: str | None = strawberry.field(
        description="A commune's, ward's or special zone's administrative-unit code: the "
        "value forms carry."
    )
    serves_code: str | None = strawberry.field(
        description="A service point: the code of the commune or ward it serves."
    )
    # The day the tree this agency was read from shows; `children` keeps to it.
    tree_day: strawberry.Private[date | None] = None

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    def from_document(cls, agency: Agency, tree_day: date | None = None) -> AgencyType:
        return cls(
            code=agency.code,
            name=agency.name,
            name_en=agency.name_en,
            level=agency.level,
            state=agency.state,
            address=agency.address,
            parent_code=agency.parent_code,
            merged_into_code=agency.merged_into,
            merged_at=agency.merged_at,
            valid_from=agency.valid_from,
            valid_to=agency.valid_to,
            unit_code=agency.unit_code,
            serves_code=agency.serves_code,
            tree_day=tree_day,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AgencyType | None]:
        return [
            cls.from_document(a) if a else None
            for a in await info.context.loaders.agency_by_code.load_many(list(node_ids))
        ]

    @strawberry.field(description="The agency above it; null at the top.")
    async def parent(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.parent_code)

    @strawberry.field(description="The agency this one was merged into, if it was merged.")
    async def merged_into(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.merged_into_code)

    @strawberry.field(description="A service point: the commune or ward it serves.")
    async def serves(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.serves_code)

    @strawberry.field(
        description="The agencies directly below this one that were valid on `on`; "
        "by default on the day of the tree this agency was read from, else today."
    )
    async def children(
        self,
        info: Info,
        on: Annotated[date | None, strawberry.argument(description=ON_DESCRIPTION)] = None,
    ) -> list[AgencyType]:
        day = on or self.tree_day or local_today()
        found = await info.context.loaders.agencies_by_parent.load(self.code)
        return [AgencyType.from_document(a, day) for a in found if a.valid_on(day)]


async def agency_by_code(info: Info, code: str | None) -> AgencyType | None:
    if code is None:
        return None
    agency = await info.context.loaders.agency_by_code.load(code)
    return AgencyType.from_document(agency) if agency else None
