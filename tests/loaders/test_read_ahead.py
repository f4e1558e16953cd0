"""A page of dossiers reads its related documents ahead only for the fields its query
selects (fragments included): a page asking for codes reads no procedures, agencies
or events, and one asking for them reads each kind once."""

from __future__ import annotations

from collections import Counter

import httpx

from api.settings import Settings
from tests.catalogue import load_tiny_catalogue
from tests.conftest import GraphQLClient
from tests.loaders.test_round_trips import CommandCounter, counted  # noqa: F401  # fixture
from tests.schema.workflow.workflow_helpers import submit_at

CODES = "{ dossiers(first: 10) { edges { node { code } } } }"
RELATED = """
query { dossiers(first: 10) { edges { node { ...Related } } } }
fragment Related on Dossier {
  code procedure { name } handlingAgency { name } events(last: 1) { type }
}
"""
RELATED_KINDS = ("find procedures", "find agencies", "find dossier_events")


async def _commands(counter: CommandCounter, gql: GraphQLClient, query: str) -> Counter[str]:
    counter.commands.clear()
    data = await gql.data(query)
    assert len(data["dossiers"]["edges"]) == 3
    return counter.commands.copy()


async def test_a_page_reads_ahead_only_what_its_query_selects(
    counted: tuple[CommandCounter, httpx.AsyncClient],  # noqa: F811
    settings: Settings,
) -> None:
    counter, http = counted
    await load_tiny_catalogue()
    gql = GraphQLClient(http, settings).as_role("system_admin")
    for _ in range(3):
        await submit_at(gql, "2026-03-02 09:00")

    codes = await _commands(counter, gql, CODES)
    related = await _commands(counter, gql, RELATED)

    assert not any(codes[kind] for kind in RELATED_KINDS), codes
    extra = related - codes
    assert {kind: extra[kind] for kind in RELATED_KINDS} == dict.fromkeys(RELATED_KINDS, 1)
    data = await gql.data(RELATED)
    node = data["dossiers"]["edges"][0]["node"]
    assert node["procedure"]["name"]
    assert node["handlingAgency"]["name"]
    assert [e["type"] for e in node["events"]] == ["RECEIVED"]
