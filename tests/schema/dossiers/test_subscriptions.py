"""`subscription dossierEvents` over a real WebSocket against a real server."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.authentication import issue_token
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from documents.dossiers.events import DossierEvent, EventType
from tests.catalogue import OTHER_WARD, WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient
from tests.realtime import PROTOCOL, Served, bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import ACCEPT, SUBMIT


def token(settings: Settings, role: str = "officer:reception", agency: str = WARD) -> str:
    return issue_token(settings, role, sub=f"sub-{role}", agency=agency)


async def submit(served: Served, settings: Settings, agency: str = WARD) -> str:
    """A dossier submitted at reception of `agency` (the ward by default)."""
    officer = served.client(settings).as_role("officer:reception", agency=agency)
    data = await officer.data(SUBMIT, {"input": submission(receivingAgencyCode=agency)})
    code: str = data["submitDossier"]["dossier"]["code"]
    return code


async def accept(served: Served, settings: Settings, code: str) -> None:
    officer: GraphQLClient = served.client(settings).as_role("officer:reception", agency=WARD)
    await officer.data(ACCEPT, {"code": code})


async def test_dossier_events_delivers_a_submission_to_its_officer(settings: Settings) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe()
            await served.registered(1)
            code = await submit(served, settings)
            event = await sub.next_event()
    assert event["type"] == "RECEIVED"
    assert event["dossierCode"] == code
    assert event["toStatus"] == "RECEIVED"
    assert event["dossier"]["code"] == code
    assert event["dossier"]["applicant"]["idNumber"] == "001090012345"


async def test_dossier_events_filter_keeps_only_matching_events(settings: Settings) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe({"filter": {"types": ["ACCEPTED"]}}, op="types")
            await sub.subscribe({"filter": {"procedureCodes": ["other"]}}, op="procedure")
            await sub.subscribe({"filter": {"statuses": ["RECEIVED"]}}, op="status")
            await served.registered(3)
            first = await submit(served, settings)
            second = await submit(served, settings)
            # Its RECEIVED event may reach the hub after this registers: filter it out.
            code_filter = {"dossierCode": second, "types": ["ACCEPTED"]}
            await sub.subscribe({"filter": code_filter}, op="code")
            await served.registered(4)
            await accept(served, settings, first)
            await accept(served, settings, second)
            # Last, a dossier that "status" and "types" let through: each subscription
            # sends in order, so nothing unwanted may come before these two.
            last = await submit(served, settings)
            await accept(served, settings, last)
            received: list[tuple[str, str, str]] = []
            for _ in range(7):
                message = await sub.receive()
                event = message["payload"]["data"]["dossierEvents"]
                received.append((message["id"], event["type"], event["dossierCode"]))
    assert sorted(received) == sorted(
        [
            ("status", "RECEIVED", first),
            ("status", "RECEIVED", second),
            ("types", "ACCEPTED", first),
            ("types", "ACCEPTED", second),
            ("code", "ACCEPTED", second),
            ("status", "RECEIVED", last),
            ("types", "ACCEPTED", last),
        ]
    )


async def test_dossier_events_hides_a_wards_dossiers_from_another_ward(settings: Settings) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        other = bearer(token(settings, agency=OTHER_WARD))
        async with (
            subscriber(served.ws_url, other) as outsider,
            subscriber(served.ws_url, bearer(token(settings))) as insider,
        ):
            await outsider.subscribe()
            await insider.subscribe()
            await served.registered(2)
            await submit(served, settings)
            assert (await insider.next_event())["type"] == "RECEIVED"
            # Events come in order: the other ward's own dossier comes first to it.
            elsewhere = await submit(served, settings, OTHER_WARD)
            assert (await outsider.next_event())["dossierCode"] == elsewhere


async def test_dossier_events_keeps_integrators_within_their_scope(settings: Settings) -> None:
    operations = [Operation.READ_DOSSIERS, Operation.SUBSCRIBE]
    async with serving(settings) as served:
        await load_tiny_catalogue()
        _, elsewhere = await create_api_key("elsewhere", operations, agencies=[OTHER_WARD])
        _, ward = await create_api_key("ward", operations, agencies=[WARD])
        _, no_subscribe = await create_api_key("reader", [Operation.READ_DOSSIERS])
        async with (
            subscriber(served.ws_url, {"x-api-key": elsewhere}) as outsider,
            subscriber(served.ws_url, {"X-API-KEY": ward}) as insider,
            subscriber(served.ws_url, {"X-Api-Key": no_subscribe}) as reader,
        ):
            await reader.subscribe()
            refused = await reader.receive()
            await outsider.subscribe()
            await insider.subscribe()
            await served.registered(2)
            code = await submit(served, settings)
            event = await insider.next_event()
            # Events come in order: the other ward's own dossier comes first to it.
            elsewhere = await submit(served, settings, OTHER_WARD)
            assert (await outsider.next_event())["dossierCode"] == elsewhere
    assert refused["type"] in ("next", "error")
    errors: list[dict[str, Any]] = (
        refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
    )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert event["dossierCode"] == code
    # An integrator is not a handling officer: personal data is masked.
    assert event["dossier"]["applicant"]["idNumber"] != "001090012345"


async def _close_reason(url: str, payload: Any) -> tuple[int | None, str | None]:
    async with connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            await asyncio.wait_for(ws.recv(), 5)
        except ConnectionClosed as closed:
            return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)
    raise AssertionError("the server acknowledged the connection")


async def test_dossier_events_refuses_anonymous_and_bad_credentials(settings: Settings) -> None:
    async with serving(settings) as served:
        anonymous = await _close_reason(served.ws_url, {})
        bad_token = await _close_reason(served.ws_url, {"authorization": "Bearer nope"})
        bad_key = await _close_reason(served.ws_url, {"X-Api-Key": "mck_x_y"})
    assert anonymous[0] == 4401
    assert "Authorization" in (anonymous[1] or "")
    assert bad_token == (4401, "malformed token")
    assert bad_key == (4401, "unknown or revoked API key")


async def test_dossier_events_resume_after_replays_missed_then_live(settings: Settings) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe()
            await served.registered(1)
            first = await submit(served, settings)
            seen = await sub.next_event()
        missed_codes = [await submit(served, settings) for _ in range(3)]
        await accept(served, settings, first)
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe({"after": seen["position"]})
            await served.registered(1)
            replayed = [await sub.next_event() for _ in range(4)]
            live_code = await submit(served, settings)
            live = await sub.next_event()
            # No replayed event comes twice: the next one is the next dossier's.
            after = await submit(served, settings)
            assert (await sub.next_event())["dossierCode"] == after
    assert [(e["type"], e["dossierCode"]) for e in replayed] == [
        *(("RECEIVED", code) for code in missed_codes),
        ("ACCEPTED", first),
    ]
    positions = [int(e["position"]) for e in (seen, *replayed, live)]
    assert positions == list(range(positions[0], positions[0] + 6))  # no gap, no repeat
    assert (live["type"], live["dossierCode"]) == ("RECEIVED", live_code)


async def test_dossier_events_closes_a_subscriber_that_falls_behind(settings: Settings) -> None:
    small = settings.model_copy(update={"subscriber_queue_size": 2})
    async with serving(small) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, bearer(token(small))) as sub:
            await sub.subscribe()
            await served.registered(1)
            await submit(served, small)
            seen = await sub.next_event()
            hub = served.app.state.hub
            flood = DossierEvent(dossier_code="X", type=EventType.RECEIVED, at=datetime.now(UTC))
            for _ in range(5):  # faster than any subscriber drains: no await in between
                hub.publish(flood)
            message = await sub.receive()
            end = await sub.receive()
    payload = message["payload"]
    errors = payload["errors"] if message["type"] == "next" else payload
    assert errors[0]["message"] == f"subscriber too slow; resume with after: {seen['position']}"
    assert errors[0]["extensions"]["after"] == seen["position"]
    assert end == {"id": "1", "type": "complete"}


async def test_transport_pings_clients_at_the_configured_interval(settings: Settings) -> None:
    quick = settings.model_copy(update={"ws_ping_interval_seconds": 0.1})
    async with serving(quick) as served, subscriber(served.ws_url, bearer(token(quick))) as sub:
        await sub.pinged(2, seconds=5.0)


async def test_queries_over_the_socket_time_out_but_subscriptions_do_not(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow_roots(*_: object) -> list[Any]:
        await asyncio.sleep(10)
        return []

    monkeypatch.setattr("schema.catalogue.agencies.queries.root_agencies", slow_roots)
    quick = settings.model_copy(update={"operation_timeout_seconds": 0.2})
    async with serving(quick) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, bearer(token(quick))) as sub:
            await sub.subscribe()  # op "1": the dossier events, kept open
            await served.registered(1)
            await sub.subscribe(op="2", query="{ agencies { code } }")
            timed_out = await sub.receive(5)
            completed = await sub.receive(5)
            await asyncio.sleep(0.3)  # longer than the limit: the subscription lives on
            # Submitted through a second process-like server with the usual limit: under a
            # loaded machine a whole submission can outlast 0.2 s, which is not under test.
            async with serving(settings) as other:
                code = await submit(other, settings)
            event = await sub.next_event()
    assert timed_out["id"] == "2"
    assert timed_out["type"] == "next"
    [error] = timed_out["payload"]["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert completed == {"id": "2", "type": "complete"}
    assert event["dossierCode"] == code
