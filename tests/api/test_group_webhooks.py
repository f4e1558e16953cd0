"""Webhooks filtered by group (issue 15, item 4): a group's member and group events
reach the hook that asked for that group, and only an owner who may see a member."""

from __future__ import annotations

import json
from typing import Any

from api.settings import Settings
from tests.api import test_webhooks as webhooks
from tests.api.test_webhooks import DRIVEN, Receiver, driven_worker, integrator, register
from tests.catalogue import OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.group_events import define_group, make_group
from tests.schema.workflow.workflow_helpers import ACCEPT, RECORD_RESULT, act, local, submit_at

MONDAY = "2026-03-02 09:00"
# The webhook tests' fixtures: a receiving server, and settings for quick rounds.
receiver = webhooks.receiver
settings = webhooks.settings


async def run(gql: GraphQLClient, mutation: str, code: str, **extra: Any) -> None:
    payload = await act(gql, "2026-03-03 10:00", mutation, code=code, **extra)
    assert payload["errors"] == [], payload["errors"]


@DRIVEN
async def test_a_webhook_filtered_by_group_gets_that_groups_events(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    settings: Settings,
) -> None:
    await define_group()
    only_g1 = {"groupCodes": ["G-1"]}
    hook_id, _ = await register(admin, receiver.url + "/g1", filter=only_g1)
    outside = await integrator(admin, [OTHER_WARD])  # may see no member of G-1
    await register(outside, receiver.url + "/outside", filter=only_g1)
    inside = await integrator(admin, [WARD])
    await register(inside, receiver.url + "/inside", filter=only_g1)
    d1, d2, d3 = [(await submit_at(gql, MONDAY))["code"] for _ in range(3)]
    await make_group(settings, "G-1", [d1], local(MONDAY))
    await make_group(settings, "G-2", [d2], local(MONDAY))
    for code in (d1, d2, d3):
        await run(gql, ACCEPT, code)
        await run(gql, RECORD_RESULT, code, decision="APPROVE")
    async with driven_worker(settings) as worker:
        await worker.run_once()
    by_path: dict[str, list[tuple[str, str, str | None, str | None]]] = {}
    for headers, body in receiver.received:
        event = json.loads(body)
        seen = (event["type"], event["dossierCode"], event["groupCode"])
        by_path.setdefault(headers[":path"], []).append((*seen, event.get("memberDossierCode")))
    expected = [
        ("ACCEPTED", d1, "G-1", None),
        ("APPROVED", d1, "G-1", None),
        ("GROUP_CREATED", "G-1", "G-1", None),
        ("GROUP_DONE", "G-1", "G-1", None),
        ("GROUP_MEMBER_DONE", "G-1", "G-1", d1),
    ]
    assert sorted(by_path.pop("/hook/g1")) == expected
    assert sorted(by_path.pop("/hook/inside")) == expected
    assert by_path == {}  # nothing for the integrator who may see no member
    listed = await admin.data("{ webhooks { webhookId filter { groupCodes } } }")
    assert {"webhookId": hook_id, "filter": only_g1} in listed["webhooks"]
