"""The cost limit reads arguments as resolvers get them, and charges `nodes` per id."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from graphql import get_operation_ast, get_variable_values, parse
from strawberry.relay import to_base64

from api.http import cost as cost_module
from api.http.cost import IdCount, QueryCost
from schema import build_schema
from tests.api.conftest import App, codes

COSTLY = "{ dossiers(first: 100) { edges { node { timeline(first: 100) { edges { node { type } } } } } } }"
# The same document with `first` from a variable whose default is 100.
DEFAULTED = COSTLY.replace("100", "$n").replace("{ dossiers", "query($n: Int! = 100) { dossiers", 1)
PROCEDURE_NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Procedure { name } } }"


def procedure_ids(count: int) -> list[str]:
    return [to_base64("Procedure", f"P{i}") for i in range(count)]


# Our schema's only list field with `last` has no object fields below it.
ITEMS = graphql.build_schema(
    "type Query { items(last: Int! = 10): [Item!]! } type Item { name: String child: Item }"
)


def cost(query: str, variables: dict[str, Any] | None = None, ids: bool = False) -> int:
    schema = ITEMS if "items" in query else build_schema()._schema
    document = parse(query)
    operation = get_operation_ast(document)
    assert operation is not None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert not isinstance(coerced, list), coerced
    counter = IdCount if ids else QueryCost
    return counter(document, schema, coerced).of_operation(operation)


TIMELINE = "{ edges { node { timeline(first: %s) { edges { node { type } } } } } }"


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        # 1 + 5 × (edges 1 + node 1 + timeline (1 + 100 × 2))
        ("{ dossiers(first: 5) %s }" % (TIMELINE % 100), None, 1 + 5 * 203),
        ("query($n: Int!) { dossiers(first: $n) %s }" % (TIMELINE % 100), {"n": 5}, 1 + 5 * 203),
        # The variable's default, not the field's (20).
        ("query($n: Int! = 5) { dossiers(first: $n) %s }" % (TIMELINE % 100), None, 1 + 5 * 203),
        ("query($n: Int = 5000) { dossiers(first: $n) %s }" % (TIMELINE % 1), None, 1 + 100 * 5),
        # Read backwards: `last` sizes the page as `first` does.
        ("{ dossiers(last: 5) %s }" % (TIMELINE % 100), None, 1 + 5 * 203),
        # A variable that is not given leaves the argument to the field's default (20).
        ("query($n: Int) { dossiers(first: $n) %s }" % (TIMELINE % 1), None, 1 + 20 * 5),
        # Lists: `last` from a variable's default; 5.0 is an Int to GraphQL.
        ("query($l: Int! = 50) { items(last: $l) { child { name } } }", None, 1 + 50),
        ("query($l: Int!) { items(last: $l) { child { name } } }", {"l": 5.0}, 1 + 5),
        ("{ items { child { name } } }", None, 1 + 10),
        # `nodes`: per id, literal or from a variable.
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', None, 1 + 3 * 1),
        # 1 + 7 × (the node 1 + requiredPapers (1 + 10 × 0))
        (PROCEDURE_NODES.replace("{ name }", "{ name requiredPapers { name } }"), {"ids": procedure_ids(7)}, 1 + 7 * 2),
    ],
)  # fmt: skip
def test_cost_reads_arguments_as_the_resolver_gets_them(
    query: str, variables: dict[str, Any] | None, expected: int
) -> None:
    assert cost(query, variables) == expected


def test_id_count_adds_every_nodes_field_and_fragment_spread() -> None:
    query = (
        "query($ids: [ID!]!) { a: nodes(ids: $ids) { id } b: nodes(ids: $ids) { id } ...F ...F }"
        ' fragment F on Query { c: nodes(ids: ["x", "y"]) { id } }'
    )
    assert cost(query, {"ids": procedure_ids(30)}, ids=True) == 30 + 30 + 2 + 2


async def test_nodes_refuses_more_ids_than_the_cap_before_running(prod: App) -> None:
    for count in (101, 20_000):
        body = await prod.refused(PROCEDURE_NODES, variables={"ids": procedure_ids(count)})
        [error] = body["errors"]
        assert error["extensions"] == {"code": "TOO_MANY_NODE_IDS", "count": count, "limit": 100}
    listed = ", ".join(f'"{i}"' for i in procedure_ids(101))
    literal = f"{{ nodes(ids: [{listed}]) {{ id }} }}"
    assert codes(await prod.refused(literal)) == ["TOO_MANY_NODE_IDS"]
    # Aliases and fragments do not split the cap.
    split = "query($ids: [ID!]!) { a: nodes(ids: $ids) { id } b: nodes(ids: $ids) { id } }"
    body = await prod.refused(split, variables={"ids": procedure_ids(60)})
    assert codes(body) == ["TOO_MANY_NODE_IDS"]

    allowed = (
        await prod.post({"query": PROCEDURE_NODES, "variables": {"ids": procedure_ids(100)}})
    ).json()
    assert allowed["data"]["nodes"] == [None] * 100
    assert allowed["extensions"] == {"cost": 101}


async def test_nodes_is_charged_per_id(prod: App) -> None:
    # 1 + 100 × (the node 1 + timeline (1 + 100 × (edges 1 + node 1))) = 20 201.
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Dossier "
        "{ timeline(first: 100) { edges { node { type } } } } } }"
    )
    ids = [to_base64("Dossier", f"D{i}") for i in range(100)]
    [error] = (await prod.refused(query, variables={"ids": ids}))["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 20201, "limit": 20000}
    cheap = (await prod.post({"query": query, "variables": {"ids": ids[:10]}})).json()
    assert cheap["extensions"] == {"cost": 1 + 10 * 202}


async def test_cost_takes_first_from_the_variables_default(prod: App) -> None:
    [error] = (await prod.refused(DEFAULTED))["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 20301, "limit": 20000}
    given = await prod.refused(DEFAULTED, variables={"n": 100})
    assert codes(given) == ["QUERY_TOO_COSTLY"]
    cheap = (await prod.post({"query": DEFAULTED, "variables": {"n": 10}})).json()
    assert cheap["extensions"] == {"cost": 231}


async def test_a_repeated_request_is_validated_and_costed_once(
    prod: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    validations: list[object] = []
    real = cost_module.validate_document

    def counted(*args: Any) -> Any:
        validations.append(args[1])
        return real(*args)

    monkeypatch.setattr(cost_module, "validate_document", counted)
    query = "query($n: Int!) { dossiers(first: $n) { edges { node { id } } } } # repeated"
    for _ in range(3):
        cheap = (await prod.post({"query": query, "variables": {"n": 10}})).json()
        assert cheap["extensions"] == {"cost": 21}
    assert len(validations) == 1
    # Other variables are costed afresh: the limit still holds for them.
    [error] = (await prod.refused(DEFAULTED, variables={"n": 100}))["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert (await prod.post({"query": DEFAULTED, "variables": {"n": 10}})).json()["extensions"] == {
        "cost": 231
    }
    [again] = (await prod.refused(DEFAULTED, variables={"n": 100}))["errors"]
    assert again["extensions"] == error["extensions"]
    assert len(validations) == 3
