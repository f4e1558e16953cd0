"""Nested reads cost a constant number of MongoDB round trips, whatever the page size.

The page's query is walked from the schema: it selects every field of `Dossier`, so a
field added later is counted too, and an N+1 in it fails this test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_non_null_type,
    is_object_type,
)
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.settings import Settings
from schema import build_schema
from tests.catalogue import load_tiny_catalogue
from tests.conftest import GraphQLClient, running_app
from tests.schema.statistics.statistics_helpers import (
    FILE,
    RATE,
    RATING,
    as_applicant,
    returned_dossier,
)
from tests.schema.workflow.workflow_helpers import submit_at

# Page-size arguments get small values; other arguments are given only when required.
SMALL = {"first": "3", "last": "3"}
REQUIRED = {"String": '""', "ID": '""', "Int": "1", "Boolean": "false"}
# Self-references (an agency's parent) are followed once; a way back to the dossier never.
FOLLOWED = {"Dossier": 1}
FOLLOWED_AT_MOST = 2

# Fields the seeded dossiers fill, so their nested reads really run.
FILLED = ("procedure", "receivingAgency", "form", "events", "controlSlip", "rating", "feedback")
RATED = 2

# Driver housekeeping, not round trips a request causes.
_IGNORED = {"hello", "isMaster", "ismaster", "endSessions", "ping"}


def _arguments(field: GraphQLField) -> str:
    given = []
    for name, argument in field.args.items():
        if name in SMALL and not (name == "last" and "first" in field.args):  # never both
            given.append(f"{name}: {SMALL[name]}")
        elif argument.default_value is Undefined and is_non_null_type(argument.type):
            given.append(f"{name}: {REQUIRED[get_named_type(argument.type).name]}")
    return f"({', '.join(given)})" if given else ""


def selection(schema: GraphQLSchema, named: GraphQLNamedType, path: tuple[str, ...]) -> str | None:
    """Every field of `named`, recursively; None where the walk would go round a cycle."""
    if is_abstract_type(named):
        fragments = [
            f"... on {kind.name} {sub}"
            for kind in schema.get_possible_types(named)
            if (sub := selection(schema, kind, path)) is not None
        ]
        return "{ __typename " + " ".join(fragments) + " }"
    if not is_object_type(named):
        return ""
    if path.count(named.name) >= FOLLOWED.get(named.name, FOLLOWED_AT_MOST):
        return None
    fields = []
    for name, field in named.fields.items():
        sub = selection(schema, get_named_type(field.type), (*path, named.name))
        if sub is not None:
            fields.append(f"{name}{_arguments(field)} {sub}".rstrip())
    return "{ " + " ".join(fields) + " }"


def page_query() -> tuple[str, list[str]]:
    """The page query, and the fields of `Dossier` it selects."""
    schema = build_schema()._schema
    dossier = schema.type_map["Dossier"]
    nodes = selection(schema, dossier, ())
    query = f"query Page($first: Int!) {{ dossiers(first: $first) {{ edges {{ node {nodes} }} }} }}"
    return query, list(dossier.fields)  # type: ignore[attr-defined]


class CommandCounter(CommandListener):
    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name not in _IGNORED:
            collection = event.command.get(event.command_name)
            self.commands[f"{event.command_name} {collection}"] += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(settings: Settings) -> AsyncIterator[tuple[CommandCounter, httpx.AsyncClient]]:
    counter = CommandCounter()
    # The event hub and the webhook worker read in the background, whatever the request.
    quiet = settings.model_copy(update={"background_services": False})
    async for _, http in running_app(quiet, [counter]):
        yield counter, http


async def _seed(gql: GraphQLClient, count: int) -> None:
    """`count` dossiers; the newest few returned, rated and with feedback, so that every
    nested field of a page has something to read."""
    for _ in range(count - RATED):
        await submit_at(gql, "2026-03-02 09:00")
    for _ in range(RATED):
        code = await returned_dossier(gql, "2026-03-03")
        rated = await as_applicant(gql, "2026-03-04 09:00", RATE, code=code, input=RATING)
        filed = await as_applicant(
            gql, "2026-03-04 09:05", FILE, code=code, kind="COMPLAINT", text="Chậm"
        )
        assert rated["errors"] == filed["errors"] == []


async def _count_for_page(counter: CommandCounter, gql: GraphQLClient, first: int) -> Counter[str]:
    query, fields = page_query()
    counter.commands.clear()
    data: dict[str, Any] = await gql.data(query, {"first": first})
    nodes = [edge["node"] for edge in data["dossiers"]["edges"]]
    assert len(nodes) == first
    assert all(sorted(node) == sorted(fields) for node in nodes)
    for name in FILLED:
        assert any(node[name] for node in nodes), name
    commands = counter.commands.copy()
    # The rate limit takes a lease of tokens at most once per request, none while the
    # process still holds some (docs/hardening.md, "Leases"): not a per-dossier cost.
    assert commands.pop("findAndModify rate_limits", 0) <= 1
    return commands


# One read per collection and per level of nesting: the page of dossiers; procedures;
# agencies (the dossiers' and procedures', then their parents; and their children);
# forms (by version, then the procedures' current ones); events (for `events` and
# `timeline`); attachments; ratings; feedback; and payment orders.
EXPECTED = {
    # Handling officer, unmasked: the agencies it covers were read by an earlier request
    # and are kept (documents/access/subtrees.py).
    "officer:reception": 12,
    # Sees masked data: the masking reads the forms the `form` field reads anyway.
    "system_admin": 12,
}


async def test_every_dossier_field_costs_the_same_round_trips_for_5_and_20_dossiers(
    counted: tuple[CommandCounter, httpx.AsyncClient], settings: Settings
) -> None:
    counter, http = counted
    await load_tiny_catalogue()
    await _seed(GraphQLClient(http, settings), 20)

    for role, expected in EXPECTED.items():
        gql = GraphQLClient(http, settings).as_role(role)
        small = await _count_for_page(counter, gql, 5)
        large = await _count_for_page(counter, gql, 20)

        assert small == large, (role, small, large)
        assert sum(large.values()) == expected, (role, large)
        assert not any(command.startswith("getMore") for command in large)
