"""Queries every domain shares: relay's `node` and `nodes`, by global id."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type
class NodeQueries:
    node: relay.Node | None = relay.node(
        description="Any object, by its global id; null when unknown or not yours to see."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Several objects, by their global ids; null where unknown or hidden. "
        "At most 100 ids in one operation (MOTCUA_MAX_NODE_IDS; more are refused with "
        "TOO_MANY_NODE_IDS before anything runs), and each id is charged to the query's cost."
    )
