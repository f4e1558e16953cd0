"""HTTP guards around /graphql: body size, CSRF preflight, WebSocket Origin, rate limits, ids."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.types import ASGIApp, Message

from api.app import create_app
from api.authentication import issue_token
from api.middleware.rate_limit import TokenBuckets
from api.settings import Settings
from tests.api.conftest import AGENCIES, App, codes, serve


async def test_guard_limits_body_size_declared_or_streamed(settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 100

    async for app in serve(settings, max_body_bytes=500):
        declared = await app.post({"query": "{ agencies { code } }" + " " * 600})
        assert declared.status_code == 413
        assert codes(declared.json()) == ["PAYLOAD_TOO_LARGE"]
        streamed = await app.http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in streamed.request.headers
        assert streamed.status_code == 413
        assert (await app.post(AGENCIES)).status_code == 200


async def test_guard_refuses_simple_posts_without_a_preflight_header(dev: App) -> None:
    query = json.dumps(AGENCIES)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": content_type} if content_type else {}
        refused = await dev.http.post("/graphql", content=query, headers=headers)
        assert refused.status_code == 400
        assert codes(refused.json()) == ["CSRF_PREFLIGHT_REQUIRED"]
        assert "X-Motcua-Csrf" in refused.json()["errors"][0]["message"]
        allowed = await dev.http.post(
            "/graphql", content=query, headers={**headers, "x-motcua-csrf": "1"}
        )
        # Past the guard; Strawberry itself only reads JSON bodies.
        assert codes(allowed.json()) == ["BAD_REQUEST"]
    read = await dev.http.get("/graphql", params=AGENCIES)
    assert read.json() == {"data": {"agencies": []}, "extensions": {"cost": 1}}
    write = await dev.http.get(
        "/graphql", params={"query": 'mutation { removeCalendarDay(day: "2025-01-01") }'}
    )
    assert write.status_code == 400
    assert "mutations are not allowed when using GET" in write.text


async def websocket_handshake(app: ASGIApp, origin: str | None) -> Message:
    """The app's answer to a WebSocket handshake, driven as an ASGI server drives it."""
    headers = [(b"host", b"motcua.test")] + ([(b"origin", origin.encode())] if origin else [])
    scope = {"type": "websocket", "path": "/graphql", "query_string": b"", "headers": headers}
    scope |= {"client": ("127.0.0.1", 50000), "subprotocols": ["graphql-transport-ws"]}
    incoming: list[Message] = [{"type": "websocket.connect"}, {"type": "websocket.disconnect"}]
    answers: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        answers.append(message)

    await asyncio.wait_for(app(scope, receive, send), 5)
    return answers[0]


async def test_guard_checks_websocket_origins(settings: Settings) -> None:
    allowed = settings.model_copy(update={"allowed_origins": ["https://portal.example"]})
    app = create_app(allowed)  # no lifespan: Origin is checked before anything else
    refused = await websocket_handshake(app, "https://evil.example")
    assert refused == {"type": "websocket.close", "code": 4403}
    for origin in ("http://motcua.test", "https://portal.example", None):
        accepted = await websocket_handshake(app, origin)
        assert accepted["type"] == "websocket.accept", origin
        assert accepted["subprotocol"] == "graphql-transport-ws"
    # Handshakes draw on the rate limit too.
    one = create_app(settings.model_copy(update={"rate_limit_burst": 1}))
    assert (await websocket_handshake(one, None))["type"] == "websocket.accept"
    assert await websocket_handshake(one, None) == {"type": "websocket.close", "code": 4429}


async def test_rate_limit_answers_429_with_ratelimit_headers(
    settings: Settings, tmp_path: Path
) -> None:
    limited = settings.model_copy(
        update={"rate_limit_burst": 3, "rate_limit_per_minute": 60, "data_dir": tmp_path}
    )
    async for app in serve(limited):
        query = AGENCIES
        for remaining in ("2", "1", "0"):
            response = await app.post(query)
            assert response.status_code == 200
            assert response.headers["ratelimit-remaining"] == remaining
        assert response.headers["ratelimit-limit"] == "3"
        assert response.headers["ratelimit-policy"] == "60;w=60;burst=3"
        assert response.headers["ratelimit-reset"] == "3"
        refused = await app.post(query)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["ratelimit-remaining"] == "0"
        assert codes(refused.json()) == ["RATE_LIMITED"]
        # Another principal from the same address has its own bucket.
        token = issue_token(limited, "system_admin", sub="root")
        signed_in = await app.post(query, authorization=f"Bearer {token}")
        assert signed_in.headers["ratelimit-remaining"] == "2"


def test_rate_limit_buckets_forget_idle_clients() -> None:
    now = [0.0]
    buckets = TokenBuckets(capacity=2, per_second=1, max_buckets=3, clock=lambda: now[0])
    for client in ("a", "b"):
        buckets.take(client)
    now[0] = 1.0  # both full again: forgotten
    buckets.take("c")
    assert list(buckets.buckets) == ["c"]
    for client in ("d", "e", "f"):
        buckets.take(client)
    assert len(buckets.buckets) == 3  # the cap evicts the least recently seen


async def test_request_id_is_echoed_or_generated(dev: App) -> None:
    query = AGENCIES
    given = await dev.post(query, **{"x-request-id": "abc-123_X.y"})
    assert given.headers["x-request-id"] == "abc-123_X.y"
    for unusable in ("bad id!", "x" * 65):
        generated = await dev.post(query, **{"x-request-id": unusable})
        assert generated.headers["x-request-id"] != unusable
        assert len(generated.headers["x-request-id"]) == 32
