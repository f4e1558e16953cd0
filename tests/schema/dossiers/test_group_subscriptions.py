"""`dossierEvents(filter: {groupCodes})` (issue 15, item 4): a group's member events and
its own events, only that group's, in commit order, resumable with `after`."""

from __future__ import annotations

from typing import Any

from api.authentication import issue_token
from api.settings import Settings
from tests.catalogue import WARD, load_tiny_catalogue
from tests.conftest import GraphQLClient
from tests.group_events import define_group, make_group
from tests.realtime import bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import ACCEPT, RECORD_RESULT, act, local, submit_at

GROUP_EVENTS = """
subscription($filter: DossierEventFilter, $after: ID) {
  dossierEvents(filter: $filter, after: $after) {
    position type dossierCode groupCode memberDossierCode dossier { code }
  }
}
"""
MONDAY = "2026-03-02 09:00"


async def run(client: GraphQLClient, mutation: str, code: str, **extra: Any) -> None:
    payload = await act(client, "2026-03-03 10:00", mutation, code=code, **extra)
    assert payload["errors"] == [], payload["errors"]


async def approve(client: GraphQLClient, code: str) -> None:
    await run(client, RECORD_RESULT, code, decision="APPROVE")


def seen(event: dict[str, Any]) -> tuple[str, str, str | None, str]:
    return event["type"], event["dossierCode"], event["memberDossierCode"], event["dossier"]["code"]


async def test_a_group_filter_gets_that_groups_events_in_order_and_resumes(
    settings: Settings,
) -> None:
    officer = bearer(issue_token(settings, "officer:reception", sub="reception", agency=WARD))
    wanted = {"filter": {"groupCodes": ["G-1"]}}
    async with serving(settings) as served:
        await load_tiny_catalogue()
        await define_group()
        client = served.client(settings)
        d1, d2, d3, d4 = [(await submit_at(client, MONDAY))["code"] for _ in range(4)]
        await make_group(settings, "G-1", [d1, d2], local(MONDAY))
        await make_group(settings, "G-2", [d3], local(MONDAY))  # another group
        for code in (d1, d3, d4):  # d4 is in no group
            await run(client, ACCEPT, code)
        await approve(client, d1)
        await approve(client, d3)  # G-2's member done and G-2 done: not G-1's
        async with subscriber(served.ws_url, officer) as sub:
            await sub.subscribe({**wanted, "after": "0"}, query=GROUP_EVENTS)
            first = [await sub.next_event() for _ in range(4)]
        await run(client, ACCEPT, d2)
        await approve(client, d4)
        await approve(client, d2)
        async with subscriber(served.ws_url, officer) as sub:
            await sub.subscribe({**wanted, "after": first[-1]["position"]}, query=GROUP_EVENTS)
            rest = [await sub.next_event() for _ in range(4)]
    assert [seen(e) for e in first] == [
        ("GROUP_CREATED", "G-1", None, d1),  # shown with the first member the viewer sees
        ("ACCEPTED", d1, None, d1),
        ("APPROVED", d1, None, d1),
        ("GROUP_MEMBER_DONE", "G-1", d1, d1),
    ]
    assert [seen(e) for e in rest] == [
        ("ACCEPTED", d2, None, d2),
        ("APPROVED", d2, None, d2),
        ("GROUP_MEMBER_DONE", "G-1", d2, d2),  # shown with the member it names
        ("GROUP_DONE", "G-1", None, d1),
    ]
    assert {e["groupCode"] for e in first + rest} == {"G-1"}
    positions = [int(e["position"]) for e in first + rest]
    assert positions == sorted(positions)
