"""Global ids: the derived ids of value objects, the raw keys behind ids that arguments
accept in either form, and `nodes`, which answers each id on its own (docs/relay.md)."""

from __future__ import annotations

import inspect
from collections import defaultdict
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay import GlobalID, GlobalIDValueError
from strawberry.relay.utils import to_base64

from documents.common.errors import DomainError
from schema.core.context import Info
from schema.core.input_errors import INVALID_ID

BAD_ID_MESSAGE = "The id is not one this API issued."


def derived_id(type_name: str, owner: str, *parts: str | int) -> strawberry.ID:
    """The stable id of a value object kept inside an entity (an applicant, a row of the
    control slip): in the global-id format, so caches key it, but of a type that is not a
    `Node`, so `node(id:)` answers INVALID_ID for it."""
    return strawberry.ID(to_base64(type_name, ":".join(str(p) for p in (owner, *parts))))


def raw_key(value: str, type_name: str) -> str:
    """The key an argument names: the node id of a global id of `type_name`, or `value`
    itself (the old raw form, still accepted)."""
    try:
        found = GlobalID.from_id(value)
    except GlobalIDValueError:
        return value
    return found.node_id if found.type_name == type_name else value


def bad_id_error() -> GraphQLError:
    return GraphQLError(BAD_ID_MESSAGE, extensions={"code": INVALID_ID})


def node_type(info: Info, global_id: GlobalID) -> type[relay.Node]:
    """The object type the id names; GlobalIDValueError unless it is one that implements
    `Node` (`Node` itself and other interfaces name nothing)."""
    found = global_id.resolve_type(info)
    definition = info.schema.get_type_by_name(global_id.type_name)
    if getattr(definition, "is_interface", True):
        raise GlobalIDValueError(f"{global_id.type_name} is not an object type")
    return found


def _node_type(info: Info, value: str) -> tuple[type[relay.Node], str] | None:
    try:
        found = GlobalID.from_id(value)
        return node_type(info, found), found.node_id
    except GlobalIDValueError:
        return None


async def _resolved(info: Info, node_type: type[relay.Node], node_ids: list[str]) -> list[Any]:
    try:
        answer: Any = node_type.resolve_nodes(info=info, node_ids=node_ids, required=False)
        if inspect.isawaitable(answer):
            answer = await answer
        return list(answer)
    except (GraphQLError, DomainError) as error:
        # A refusal (FORBIDDEN) for one type of node: its ids get it, the others answer.
        return [error] * len(node_ids)


async def resolve_one(info: Info, global_id: GlobalID) -> Any:
    """The object, or None when unknown or hidden; GlobalIDValueError (INVALID_ID) for a
    type that is not a `Node`, and the type's own error (an unreadable dossier) raised."""
    [found] = await _resolved(info, node_type(info, global_id), [global_id.node_id])
    if isinstance(found, Exception):
        raise found
    return found


async def resolve_each(info: Info, ids: list[str]) -> list[Any]:
    """One answer per id, in order: the object, null when unknown or hidden, or (null
    with an INVALID_ID error at its index) for an id this API never issued."""
    wanted: defaultdict[type[relay.Node], list[tuple[int, str]]] = defaultdict(list)
    answers: list[Any] = [None] * len(ids)
    for index, value in enumerate(ids):
        found = _node_type(info, value)
        if found is None:
            answers[index] = bad_id_error()
        else:
            wanted[found[0]].append((index, found[1]))
    for node_type, places in wanted.items():
        results = await _resolved(info, node_type, [node_id for _, node_id in places])
        for (index, _), result in zip(places, results, strict=True):
            answers[index] = result
    return answers
