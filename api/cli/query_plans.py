"""`motcua doctor`'s query plans: each query shape the API sends (documents/query_shapes.py)
explained by the server, and an index scan looked for in its winning plan."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from api.cli.deployment_checks import Finding, Status
from documents.query_shapes import QueryShape


@dataclass(frozen=True)
class Server:
    """What judging a plan needs to know of the server and the collection's indexes."""

    secantus: bool
    indexes: Mapping[str, set[str]]


def plan_nodes(explained: Any, in_plan: bool = False) -> Iterator[Mapping[str, Any]]:
    """Every stage of the winning plan(s), wherever the server nests them: an
    aggregation's `$cursor` stage, a sharded cluster's `shards`, the slot engine's
    `queryPlan`. Rejected plans are skipped."""
    if isinstance(explained, list):
        for item in explained:
            yield from plan_nodes(item, in_plan)
        return
    if not isinstance(explained, Mapping):
        return
    if in_plan and "stage" in explained:
        yield explained
    for key, value in explained.items():
        if key not in ("rejectedPlans", "command"):
            yield from plan_nodes(value, in_plan or key == "winningPlan")


def _scans_index(stage: str) -> bool:
    # IXSCAN, MongoDB 8's EXPRESS_IXSCAN; IDHACK and EXPRESS_IDHACK read `_id`'s index.
    return stage.endswith(("IXSCAN", "IDHACK"))


def _collection_scan(shape: QueryShape, server: Server) -> Finding:
    label = f"query {shape.name}"
    wanted = shape.indexes[0]
    remedy = f"create index {shape.collection}.{wanted} ({shape.where})"
    if wanted not in server.indexes.get(shape.collection, set()):
        return Finding(label, Status.PROBLEM, f"COLLSCAN: index {wanted} is missing", remedy)
    if server.secantus:
        # Its planner serves only equalities plus one range laid out as an index's
        # leading fields, and no top-level `$or` (docs/embedded-database.md, "Known
        # limits"): a planner limit, not a missing index; MongoDB's uses the index.
        detail = f"COLLSCAN on SecantusDB although {wanted} exists (its planner)"
        return Finding(label, Status.INFO, detail, "MongoDB serves it from the index")
    return Finding(label, Status.PROBLEM, f"COLLSCAN although {wanted} exists", remedy)


def judge_plan(shape: QueryShape, explained: Mapping[str, Any], server: Server) -> Finding:
    label = f"query {shape.name}"
    nodes = list(plan_nodes(explained))
    stages = {str(node["stage"]) for node in nodes}
    used = sorted({str(node["indexName"]) for node in nodes if "indexName" in node})
    if "COLLSCAN" in stages:
        return _collection_scan(shape, server)
    if not any(_scans_index(stage) for stage in stages):
        shown = ", ".join(sorted(stages)) or "none"
        return Finding(label, Status.INFO, f"no index scan to judge (stages: {shown})")
    if used and not set(used) & set(shape.indexes):
        detail = f"IXSCAN on {', '.join(used)}, not {shape.indexes[0]} (the planner's choice)"
        return Finding(label, Status.INFO, detail)
    return Finding(label, Status.OK, f"IXSCAN {', '.join(used)}".strip())


async def explain(
    database: AsyncDatabase[dict[str, Any]], shape: QueryShape, server: Server
) -> Finding:
    """The shape's plan as the server would run it (`queryPlanner`: nothing is read)."""
    try:
        explained = await database.command("explain", shape.command(), verbosity="queryPlanner")
    except OperationFailure as error:
        detail = f"explain failed (code {error.code})"
        return Finding(f"query {shape.name}", Status.PROBLEM, detail)
    return judge_plan(shape, explained, server)
