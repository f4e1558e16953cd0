"""The `dossiers` and `timeline` connections page backwards (`last`/`before`) as well as
forwards, over the same items in the same order, with Relay's page info."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from tests.conftest import GraphQLClient
from tests.schema.dossiers.test_list_dossiers import _make

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

DOSSIERS = """
query Dossiers($first: Int, $after: String, $last: Int, $before: String,
               $orderBy: DossierOrder) {
  dossiers(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

TIMELINE = """
query Timeline($code: String!, $first: Int, $after: String, $last: Int, $before: String) {
  dossier(code: $code) {
    timeline(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id payload } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def _dossiers(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    page: dict[str, Any] = (await gql.data(DOSSIERS, variables))["dossiers"]
    return page


def _codes(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["code"] for edge in page["edges"]]


async def _forwards(gql: GraphQLClient, order: str) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = await _dossiers(gql, first=4, after=after, orderBy=order)
        seen += _codes(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def _backwards(gql: GraphQLClient, order: str) -> list[str]:
    pages: list[list[str]] = []
    before = None
    while True:
        page = await _dossiers(gql, last=4, before=before, orderBy=order)
        assert len(page["edges"]) <= 4
        pages.insert(0, _codes(page))
        if not page["pageInfo"]["hasPreviousPage"]:
            return [code for codes in pages for code in codes]
        before = page["pageInfo"]["startCursor"]


@pytest.mark.parametrize("order", ["RECEIVED_AT_DESC", "RECEIVED_AT_ASC", "CODE_ASC"])
async def test_dossiers_paged_backwards_meets_the_same_items_in_the_same_order(
    gql: GraphQLClient, order: str
) -> None:
    await _make(11)
    forwards = await _forwards(gql, order)
    assert len(forwards) == 11
    assert await _backwards(gql, order) == forwards


async def test_dossiers_last_is_the_end_of_the_list_with_relay_page_info(
    gql: GraphQLClient,
) -> None:
    codes = list(reversed(await _make(7)))  # newest first
    page = await _dossiers(gql, last=3)
    assert _codes(page) == codes[4:]
    info = page["pageInfo"]
    assert info["hasPreviousPage"] is True
    assert info["hasNextPage"] is False
    assert info["startCursor"] == page["edges"][0]["cursor"]
    assert info["endCursor"] == page["edges"][-1]["cursor"]
    earlier = await _dossiers(gql, last=3, before=info["startCursor"])
    assert _codes(earlier) == codes[1:4]
    assert earlier["pageInfo"]["hasNextPage"] is True


async def test_dossiers_between_after_and_before_keeps_only_the_items_between(
    gql: GraphQLClient,
) -> None:
    await _make(6)
    everything = await _dossiers(gql, first=6)
    cursors = [edge["cursor"] for edge in everything["edges"]]
    codes = _codes(everything)
    window = await _dossiers(gql, first=10, after=cursors[0], before=cursors[4])
    assert _codes(window) == codes[1:4]
    window = await _dossiers(gql, last=2, after=cursors[0], before=cursors[4])
    assert _codes(window) == codes[2:4]
    assert window["pageInfo"]["hasPreviousPage"] is True


async def test_dossiers_first_with_last_is_refused_with_a_typed_error(
    gql: GraphQLClient,
) -> None:
    await _make(2)
    body = await gql.execute(DOSSIERS, {"first": 1, "last": 1})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not both" in error["message"]


async def _add_events(code: str, count: int) -> None:
    start = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    events = [
        DossierEvent(
            dossier_code=code,
            type=EventType.ATTACHMENT_ADDED,
            at=start + timedelta(minutes=i),
            payload={"n": i},
        )
        for i in range(count)
    ]

    async def work(session: AsyncClientSession) -> None:
        await record_events(session, events)

    await in_event_transaction(DossierEvent, work)


async def _timeline(gql: GraphQLClient, code: str, **variables: Any) -> dict[str, Any]:
    dossier = (await gql.data(TIMELINE, {"code": code, **variables}))["dossier"]
    timeline: dict[str, Any] = dossier["timeline"]
    return timeline


async def test_timeline_paged_backwards_meets_the_same_events_in_the_same_order(
    gql: GraphQLClient,
) -> None:
    [code] = await _make(1)
    await _add_events(code, 8)
    everything = await _timeline(gql, code, first=100)
    ids = [edge["node"]["id"] for edge in everything["edges"]]
    assert len(ids) >= 9  # received, and the eight notes
    backwards: list[str] = []
    before = None
    while True:
        page = await _timeline(gql, code, last=3, before=before)
        backwards = [edge["node"]["id"] for edge in page["edges"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        before = page["pageInfo"]["startCursor"]
    assert backwards == ids


async def test_timeline_first_with_last_is_refused_with_a_typed_error(
    gql: GraphQLClient,
) -> None:
    [code] = await _make(1)
    body = await gql.execute(TIMELINE, {"code": code, "first": 1, "last": 1})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
