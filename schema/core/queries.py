"""Queries every domain shares: relay's `node` and `nodes`, by global id."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from schema.core.context import Info
from schema.core.global_ids import resolve_each, resolve_one


@strawberry.type
class NodeQueries:
    # Plain fields rather than `relay.node()`, whose extension binds its resolver once:
    # the schema is built again when forms are published.
    @strawberry.field(
        description="Any object, by its global id; null when unknown or not yours to see."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The ID of the object.")],
    ) -> relay.Node | None:
        found: relay.Node | None = await resolve_one(info, id)
        return found

    @strawberry.field(
        description="Several objects, by their global ids; null where unknown or hidden, and "
        "null with an INVALID_ID error at its index for an id this API never issued: the "
        "other ids are still answered. "
        "At most 100 ids in one operation (MOTCUA_MAX_NODE_IDS; more are refused with "
        "TOO_MANY_NODE_IDS before anything runs), and each id is charged to the query's cost."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The IDs of the objects.")
        ],
    ) -> list[relay.Node | None]:
        return await resolve_each(info, [str(i) for i in ids])
