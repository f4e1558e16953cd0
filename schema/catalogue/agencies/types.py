"""Agencies as GraphQL types, loaded by code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Self

import strawberry
from strawberry import relay

from documents.catalogue.agencies import Agency
from schema.core.context import Info
from schema.core.enums import AgencyLevel, AgencyState


@strawberry.type(name="Agency")
class AgencyType(relay.Node):
    code: str
    name: str
    name_en: str | None
    level: AgencyLevel
    state: AgencyState
    address: str | None
    parent_code: str | None
    merged_into_code: str | None
    merged_at: date | None

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    def from_document(cls, agency: Agency) -> AgencyType:
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
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AgencyType | None]:
        return [
            cls.from_document(a) if a else None
            for a in await info.context.loaders.agency_by_code.load_many(list(node_ids))
        ]

    @strawberry.field
    async def parent(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.parent_code)

    @strawberry.field(description="The agency this one was merged into, if it was merged.")
    async def merged_into(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.merged_into_code)

    @strawberry.field
    async def children(self, info: Info) -> list[AgencyType]:
        found = await info.context.loaders.agencies_by_parent.load(self.code)
        return [AgencyType.from_document(a) for a in found]


async def agency_by_code(info: Info, code: str | None) -> AgencyType | None:
    if code is None:
        return None
    agency = await info.context.loaders.agency_by_code.load(code)
    return AgencyType.from_document(agency) if agency else None
