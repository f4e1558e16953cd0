"""Fan-out groups: identical viewers share one execution per event; others never do."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack
from typing import Any

import pytest

from api.authentication import issue_token
from api.http.fanout import FanoutGroups, frame, groupable
from api.settings import Settings
from schema.dossiers import subscriptions
from tests.catalogue import APPLICANT_ID, CITY, OTHER_WARD, WARD, load_tiny_catalogue
from tests.realtime import DOSSIER_EVENTS, Served, Subscriber, bearer, serving, subscriber
from tests.schema.dossiers.test_subscriptions import submit

# A submission may write more than one event; only its RECEIVED one is executed.
RECEIVED_ONLY = {"filter": {"types": ["RECEIVED"]}}


def officer(
    settings: Settings, sub: str, agency: str = WARD, role: str = "officer:reception"
) -> dict[str, str]:
    return bearer(issue_token(settings, role, sub=sub, agency=agency))


async def catalogue_served(served: Served) -> None:
    """The tiny catalogue, once the live schema serves its form: connections made before
    and after that rebuild run on two schemas, which never share an execution."""
    await load_tiny_catalogue()
    for _ in range(1000):
        if served.app.state.schema_watcher.rebuilds >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the schema was not rebuilt for the catalogue within 10 s")


def executions(served: Served) -> int:
    groups = served.app.state.hub.fanout
    assert isinstance(groups, FanoutGroups)
    return groups.executions


async def test_identical_officers_share_one_execution_per_event(settings: Settings) -> None:
    async with serving(settings) as served, AsyncExitStack() as stack:
        await catalogue_served(served)
        subscribers: list[Subscriber] = []
        for n in range(5):
            sub = await stack.enter_async_context(
                subscriber(served.ws_url, officer(settings, f"officer-{n}"))
            )
            await sub.subscribe(RECEIVED_ONLY, op=f"op-{n}")
            subscribers.append(sub)
        await served.registered(5)
        before = executions(served)
        code = await submit(served, settings)
        events = [await sub.next_event() for sub in subscribers]
        assert executions(served) - before == 1
        scraped = (await served.http.get("/metrics")).text
    # Operators see the count too (docs/production.md).
    assert f"motcua_fanout_executions_total {float(before + 1)}" in scraped.splitlines()
    assert [event["dossierCode"] for event in events] == [code] * 5
    assert {event["dossier"]["applicant"]["idNumber"] for event in events} == {APPLICANT_ID}


async def test_officers_of_other_agencies_never_share_a_payload(settings: Settings) -> None:
    async with serving(settings) as served:
        await catalogue_served(served)
        async with (
            subscriber(served.ws_url, officer(settings, "ward")) as ward,
            subscriber(served.ws_url, officer(settings, "elsewhere", OTHER_WARD)) as elsewhere,
            subscriber(served.ws_url, officer(settings, "admin", CITY, "agency_admin")) as city,
        ):
            for sub in (ward, elsewhere, city):
                await sub.subscribe(RECEIVED_ONLY)
            await served.registered(3)
            before = executions(served)
            code = await submit(served, settings)
            handling = await ward.next_event()
            above = await city.next_event()
            # One execution per class: the ward's (whole), the city admin's (masked), and the
            # other ward's, which sends nothing.
            assert executions(served) - before == 2
            # Events come in order: the other ward's own dossier is the first it gets.
            other = await submit(served, settings, OTHER_WARD)
            assert (await elsewhere.next_event())["dossierCode"] == other
    assert handling["dossierCode"] == above["dossierCode"] == code
    assert handling["dossier"]["applicant"]["idNumber"] == APPLICANT_ID
    assert above["dossier"]["applicant"]["idNumber"] not in (APPLICANT_ID, None)


def test_a_resuming_subscription_runs_alone() -> None:
    assert groupable(DOSSIER_EVENTS, {}, None)
    assert groupable(DOSSIER_EVENTS, {"after": None}, None)
    assert not groupable(DOSSIER_EVENTS, {"after": "12"}, None)
    assert not groupable('subscription { dossierEvents(after: "3") { type } }', None, None)
    assert not groupable("query { __typename }", None, None)


def test_a_frame_wraps_the_shared_payload_with_its_own_id() -> None:
    shared = json.dumps({"data": {"dossierEvents": {"type": "RECEIVED"}}})
    message = json.loads(frame('a"b', shared))
    assert message == {"id": 'a"b', "type": "next", "payload": json.loads(shared)}


async def test_a_late_joiner_gets_only_the_events_after_it_joined(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The group's execution of the first event waits until the late member has joined:
    # that event was published before it joined, so it is not the late member's.
    joined = asyncio.Event()
    update = subscriptions._update

    async def held(*args: Any) -> Any:
        await joined.wait()
        return await update(*args)

    monkeypatch.setattr(subscriptions, "_update", held)
    async with serving(settings) as served, AsyncExitStack() as stack:
        await catalogue_served(served)
        first = await stack.enter_async_context(subscriber(served.ws_url, officer(settings, "a")))
        await first.subscribe(RECEIVED_ONLY)
        await served.registered(1)
        earlier = await submit(served, settings)
        late = await stack.enter_async_context(subscriber(served.ws_url, officer(settings, "b")))
        await late.subscribe(RECEIVED_ONLY)
        await served.registered(2)
        joined.set()
        later = await submit(served, settings)
        got_first = [(await first.next_event())["dossierCode"] for _ in range(2)]
        got_late = (await late.next_event())["dossierCode"]
    assert got_first == [earlier, later]
    assert got_late == later


async def test_a_slow_member_is_dropped_while_the_others_keep_receiving(
    settings: Settings,
) -> None:
    async with serving(settings) as served, AsyncExitStack() as stack:
        await catalogue_served(served)
        fast = await stack.enter_async_context(subscriber(served.ws_url, officer(settings, "a")))
        slow = await stack.enter_async_context(subscriber(served.ws_url, officer(settings, "b")))
        await fast.subscribe(RECEIVED_ONLY, op="fast")
        await slow.subscribe(RECEIVED_ONLY, op="slow")
        await served.registered(2)
        groups = served.app.state.hub.fanout
        assert isinstance(groups, FanoutGroups)
        groups.backlog = 2
        (group,) = groups.groups.values()
        (stalled,) = [m.socket for m in group.members.values() if m.operation_id == "slow"]
        # Its client stops reading: the server's writes to it no longer complete.
        release = asyncio.Event()
        write = stalled.send_text

        async def stuck(text: str) -> None:
            await release.wait()
            await write(text)

        stalled.send_text = stuck  # type: ignore[method-assign]
        codes = [await submit(served, settings) for _ in range(4)]
        delivered = [(await fast.next_event())["dossierCode"] for _ in codes]
        release.set()
        first = await slow.next_event()  # the one being written when it fell behind
        dropped = await slow.receive()
        end = await slow.receive()
        later = await submit(served, settings)
        after_drop = (await fast.next_event())["dossierCode"]
    assert delivered == codes
    assert after_drop == later
    assert first["dossierCode"] == codes[0]
    error = dropped["payload"]["errors"][0]
    assert dropped["id"] == "slow"
    assert error["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
    assert error["message"].startswith("subscriber too slow; resume with after: ")
    assert end == {"id": "slow", "type": "complete"}
