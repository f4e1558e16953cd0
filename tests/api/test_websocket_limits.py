"""Over graphql-transport-ws: the same rate limit and document limits as HTTP, and
connections that end when their credential does."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from strawberry.relay import to_base64
from websockets.exceptions import ConnectionClosed

from api.authentication import issue_token
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from tests.conftest import GraphQLClient
from tests.realtime import Subscriber, bearer, serving, subscriber

TYPENAME = "{ __typename }"
REVOKE = "mutation($id: String!) { revokeApiKey(keyId: $id) { apiKey { revokedAt } } }"
# Cost 1 + (dossier 1 + timeline (1 + 100 × 2)) = 204 per event.
COSTLY_SUBSCRIPTION = (
    "subscription { dossierEvents { dossier { timeline(first: 100) "
    "{ edges { node { type } } } } } }"
)
# 1 + (timeline 1 + 100 × 2) = 202.
COSTLY_QUERY = '{ dossier(code: "x") { timeline(first: 100) { edges { node { type } } } } }'
IDS = ", ".join(f'"{to_base64("Procedure", i)}"' for i in range(101))
HOSTILE = {
    "QUERY_TOO_DEEP": "{ agencies " + "{ children " * 30 + "{ code }" + " }" * 31,
    "TOO_MANY_ALIASES": "{ " + " ".join(f"a{i}: __typename" for i in range(50)) + " }",
    "TOO_MANY_TOKENS": "{ agencies { " + "code " * 3100 + "} }",
    "QUERY_TOO_COSTLY": COSTLY_SUBSCRIPTION,
    "TOO_MANY_NODE_IDS": f"{{ nodes(ids: [{IDS}]) {{ id }} }}",
}


def officer(settings: Settings, **changes: Any) -> str:
    return issue_token(settings, "officer:reception", sub="ws-limits", agency="X", **changes)


async def answer(sub: Subscriber, op: str, query: str) -> dict[str, Any]:
    await sub.send({"id": op, "type": "subscribe", "payload": {"query": query}})
    return await sub.receive()


async def closed_with(sub: Subscriber, seconds: float) -> int | None:
    """The close code the server sends within `seconds` (pings answered)."""
    try:
        while True:
            await sub.receive(seconds)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_websocket_operations_draw_on_the_principals_http_bucket(
    settings: Settings,
) -> None:
    limited = settings.model_copy(update={"rate_limit_burst": 3, "rate_limit_per_minute": 1})
    async with serving(limited) as served:
        token = officer(limited)
        http = GraphQLClient(served.http, limited, token)
        assert "errors" not in await http.execute(TYPENAME)
        async with subscriber(served.ws_url, bearer(token)) as sub:
            for op in ("1", "2"):
                assert (await answer(sub, op, TYPENAME))["type"] == "next"
                assert (await sub.receive())["type"] == "complete"
            refused = await answer(sub, "3", TYPENAME)
            assert refused["type"] == "error"
            [error] = refused["payload"]
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert error["extensions"]["retryAfter"] >= 1
            subscription = await answer(sub, "4", COSTLY_SUBSCRIPTION)
            assert subscription["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
            # The socket stays open; the principal's HTTP requests are refused too.
            assert (await http.execute(TYPENAME))["errors"][0]["extensions"]["code"] == (
                "RATE_LIMITED"
            )


async def test_websocket_documents_pass_the_http_limits_as_error_messages(
    settings: Settings,
) -> None:
    strict = settings.model_copy(update={"max_query_cost": 200})
    async with serving(strict) as served, subscriber(served.ws_url, bearer(officer(strict))) as sub:
        for index, (code, query) in enumerate(HOSTILE.items()):
            refused = await answer(sub, str(index), query)
            assert refused["type"] == "error", (code, refused)
            assert [e["extensions"]["code"] for e in refused["payload"]] == [code]
        # The same selection in a query: refused the same way.
        refused = await answer(sub, "query", COSTLY_QUERY)
        assert [e["extensions"]["code"] for e in refused["payload"]] == ["QUERY_TOO_COSTLY"]
        # A cheaper subscription is accepted, and the socket was never closed.
        cheaper = COSTLY_SUBSCRIPTION.replace("100", "10")
        await sub.send({"id": "ok", "type": "subscribe", "payload": {"query": cheaper}})
        await served.registered(1)


async def test_websocket_closes_with_4401_when_the_token_expires(settings: Settings) -> None:
    async with serving(settings) as served:
        token = officer(settings, ttl=timedelta(seconds=2))
        started = time.monotonic()
        async with subscriber(served.ws_url, bearer(token)) as sub:
            await sub.subscribe()
            code = await closed_with(sub, 10)
        assert code == 4401
        assert 0.5 < time.monotonic() - started < 5


async def test_websocket_closes_with_4403_soon_after_its_api_key_is_revoked(
    settings: Settings,
) -> None:
    quick = settings.model_copy(update={"credential_recheck_seconds": 0.2})
    async with serving(quick) as served:
        key, secret = await create_api_key("feed", [Operation.SUBSCRIBE])
        async with subscriber(served.ws_url, {"X-Api-Key": secret}) as sub:
            await sub.subscribe()
            await served.registered(1)
            await asyncio.sleep(0.5)  # re-checked a few times: still open
            admin = served.client(quick).as_role("system_admin")
            revoked = await admin.data(REVOKE, {"id": key.key_id})
            assert revoked["revokeApiKey"]["apiKey"]["revokedAt"]
            started = time.monotonic()
            assert await closed_with(sub, 5) == 4403
            assert time.monotonic() - started < 2
