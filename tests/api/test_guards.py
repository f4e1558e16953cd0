"""HTTP guards around /graphql: body size, CSRF preflight, WebSocket Origin, rate limits, ids."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from starlette.types import ASGIApp, Message

from api.app import create_app
from api.authentication import issue_token
from api.settings import Settings
from documents.access.rate_limits import BucketPolicy, bucket_id, take
from tests.api.conftest import AGENCIES, App, codes, serve
from tests.conftest import running_app


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


async def test_guard_charges_websocket_handshakes_to_the_rate_limit(settings: Settings) -> None:
    one = settings.model_copy(update={"rate_limit_burst": 1, "background_services": False})
    async for app, _ in running_app(one):
        assert (await websocket_handshake(app, None))["type"] == "websocket.accept"
        assert await websocket_handshake(app, None) == {"type": "websocket.close", "code": 4429}


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


async def test_rate_limit_buckets_expire_once_full_and_refill_without_expiry(
    settings: Settings, janitor: AsyncMongoClient[dict[str, Any]]
) -> None:
    policy = BucketPolicy(capacity=2, per_second=20)
    async for _ in serve(settings):
        assert [(await take("k", policy)).allowed for _ in range(3)] == [True, True, False]
        collection = janitor[settings.database]["rate_limits"]
        indexes = await collection.index_information()
        assert indexes["expire_at_1"]["expireAfterSeconds"] == 0
        [stored] = await collection.find().to_list()
        assert stored["_id"] == bucket_id("k") != "k"  # keys are stored as digests
        # Deleted by the TTL monitor once full again (0.1 s here); until then it is
        # still there, and the refill alone lets requests through.
        assert stored["expire_at"] - datetime.now(UTC).replace(tzinfo=None) < timedelta(seconds=1)
        await asyncio.sleep(0.1)
        assert (await take("k", policy)).allowed


async def test_request_id_is_echoed_or_generated(dev: App) -> None:
    query = AGENCIES
    given = await dev.post(query, **{"x-request-id": "abc-123_X.y"})
    assert given.headers["x-request-id"] == "abc-123_X.y"
    for unusable in ("bad id!", "x" * 65):
        generated = await dev.post(query, **{"x-request-id": unusable})
        assert generated.headers["x-request-id"] != unusable
        assert len(generated.headers["x-request-id"]) == 32
