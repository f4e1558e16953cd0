"""Hostile requests, refused before anything runs; production's quieter errors."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)
from starlette.types import ASGIApp, Message

from api.app import create_app
from api.auth import issue_token
from api.guards import TokenBuckets
from api.limits import QueryCost
from api.settings import Settings
from tests.conftest import running_app

READS = {"find", "aggregate", "count", "distinct", "getMore"}
GRAPHQL_RESPONSE = "application/graphql-response+json"
AGENCIES = {"query": "{ agencies { code } }"}
COSTLY = "{ dossiers(first: 100) { edges { node { timeline(first: 100) { edges { node { type } } } } } } }"


class Commands(CommandListener):
    """Records the commands the app sends to the database."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None: ...

    def failed(self, event: CommandFailedEvent) -> None: ...

    def reads(self) -> int:
        return sum(name in READS for name in self.names)


@dataclass
class App:
    http: httpx.AsyncClient
    commands: Commands

    async def post(self, body: Any, **headers: str) -> httpx.Response:
        return await self.http.post("/graphql", json=body, headers=headers)

    async def refused(self, query: str, **payload: Any) -> dict[str, Any]:
        """The response to a document that must not reach the database."""
        self.commands.names.clear()
        response = await self.post({"query": query, **payload})
        assert self.commands.reads() == 0, self.commands.names
        return dict(response.json())


async def serve(settings: Settings, **changes: Any) -> AsyncIterator[App]:
    commands = Commands()
    async for _, http in running_app(settings.model_copy(update=changes), [commands]):
        yield App(http, commands)


@pytest.fixture
async def prod(settings: Settings) -> AsyncIterator[App]:
    async for app in serve(settings, dev_mode=False):
        yield app


@pytest.fixture
async def dev(settings: Settings) -> AsyncIterator[App]:
    async for app in serve(settings):
        yield app


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


def fragments(template: str, count: int) -> str:
    return " ".join(template.format(i=i, previous=i - 1, next=i + 1) for i in range(1, count + 1))


HOSTILE = {
    "deep": ("{ agencies " + "{ children " * 30 + "{ code }" + " }" * 31, "QUERY_TOO_DEEP"),
    "deep through fragments": (
        "{ agencies { ...L1 } } fragment L16 on Agency { code } "
        + fragments("fragment L{i} on Agency {{ children {{ ...L{next} }} }}", 15),
        "QUERY_TOO_DEEP",
    ),
    "aliases": (
        "{ " + " ".join(f"a{i}: __typename" for i in range(500)) + " }",
        "TOO_MANY_ALIASES",
    ),
    "tokens": ("{ agencies { " + "code " * 3100 + "} }", "TOO_MANY_TOKENS"),
    "circular fragments": (
        "{ agencies { ...A } } fragment A on Agency { children { ...B } } "
        "fragment B on Agency { children { ...A } }",
        "GRAPHQL_VALIDATION_FAILED",  # "Cannot spread fragment 'A' within itself via 'B'."
    ),
    # Each fragment spreads the previous one twice: 2**40 fields once expanded.
    "fragment bomb": (
        "{ agencies { ...F40 } } fragment F0 on Agency { code } "
        + fragments("fragment F{i} on Agency {{ ...F{previous} ...F{previous} }}", 40),
        "QUERY_TOO_LARGE",
    ),
    "50 operations": (
        " ".join(f"query Q{i} {{ agencies {{ code }} }}" for i in range(50)),
        "TOO_MANY_OPERATIONS",
    ),
    "costly": (COSTLY, "QUERY_TOO_COSTLY"),
}


@pytest.mark.parametrize(("query", "code"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_limits_refuse_hostile_documents_before_execution(
    prod: App, query: str, code: str
) -> None:
    started = time.perf_counter()
    assert codes(await prod.refused(query)) == [code]
    assert time.perf_counter() - started < 2


async def test_limits_refuse_batches_with_a_clean_400(prod: App) -> None:
    await prod.post(AGENCIES)
    assert prod.commands.reads() > 0  # the listener sees what executes
    prod.commands.names.clear()
    batch = await prod.post([AGENCIES] * 300)
    assert batch.status_code == 400
    assert batch.json()["errors"][0]["message"] == "Batching is not enabled"
    assert prod.commands.reads() == 0


async def test_cost_refuses_costly_queries_and_reports_the_cost(prod: App) -> None:
    [error] = (await prod.refused(COSTLY))["errors"]
    # dossiers: 1 + 100 × (edges 1 + node 1 + timeline (1 + 100 × (edges 1 + node 1)))
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 20301, "limit": 20000}
    variables = COSTLY.replace("100", "$n").replace("{ dossiers", "query($n: Int!) { dossiers", 1)
    by_variable = await prod.refused(variables, variables={"n": 100})
    assert codes(by_variable) == ["QUERY_TOO_COSTLY"]

    cheap = (await prod.post({"query": variables, "variables": {"n": 10}})).json()
    assert "errors" not in cheap
    assert cheap["extensions"] == {"cost": 231}
    lists = (await prod.post({"query": "{ agencies { code children { code } } }"})).json()
    assert lists["extensions"] == {"cost": 11}  # 1 + 10 (default list size) × 1


async def test_timeout_cancels_slow_operations(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancelled = asyncio.Event()

    async def slow_roots() -> list[Any]:
        try:
            await asyncio.sleep(10)
        finally:
            cancelled.set()
        return []

    monkeypatch.setattr("schema.agencies.queries.root_agencies", slow_roots)
    async for app in serve(settings, operation_timeout_seconds=0.05):
        started = time.perf_counter()
        body = (await app.post(AGENCIES)).json()
        assert time.perf_counter() - started < 2
        assert cancelled.is_set()
        assert body["data"] is None
        assert codes(body) == ["TIMEOUT"]
        strict = await app.post(AGENCIES, accept=GRAPHQL_RESPONSE)
        assert strict.status_code == 504
        assert "data" not in strict.json()


@pytest.mark.parametrize("production", [True, False])
async def test_errors_mask_introspect_and_suggest_by_mode(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    production: bool,
) -> None:
    def broken_roots(*_: object) -> list[Any]:
        raise RuntimeError("mongodb://secret@db is unreachable")

    monkeypatch.setattr("schema.agencies.queries.root_agencies", broken_roots)
    async for app in serve(settings, dev_mode=not production):
        with caplog.at_level(logging.ERROR, logger="motcua.errors"):
            response = await app.post(AGENCIES, **{"x-request-id": "req-42"})
        [error] = response.json()["errors"]
        assert "Traceback" not in response.text
        if production:
            assert error["message"] == "Unexpected error."
            assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "req-42"}
            assert "secret" not in response.text
        else:
            assert error["message"] == "mongodb://secret@db is unreachable"
        [record] = [r for r in caplog.records if r.name == "motcua.errors"]
        assert "req-42" in record.getMessage()
        assert record.exc_info is not None
        assert record.exc_info[0] is RuntimeError

        # Expected errors keep their message in both modes.
        negative = await app.post({"query": "{ dossiers(first: -1) { edges { cursor } } }"})
        assert negative.json()["errors"][0]["message"] == "first must not be negative"
        syntax = (await app.post({"query": "{ agencies {"})).json()
        assert codes(syntax) == ["GRAPHQL_PARSE_FAILED"]

        introspect = await app.refused("{ __schema { queryType { name } } }")
        assert ("errors" in introspect) is production
        typo = (await app.post({"query": "{ agencies { nam } }"})).json()["errors"][0]
        assert ("Did you mean 'name'?" in typo["message"]) is not production
        page = await app.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == (404 if production else 200)

        # A bug in an extension escapes Strawberry's extension hooks; the view catches it.
        monkeypatch.setattr(QueryCost, "of_operation", broken_roots)
        [escaped] = (await app.post({"query": "{ __typename }"})).json()["errors"]
        assert escaped["extensions"]["code"] == "INTERNAL_ERROR"
        assert ("secret" in escaped["message"]) is not production


async def test_graphql_over_http_status_codes_follow_the_accept_header(dev: App) -> None:
    cases = {
        "{ agencies { code } }": (200, True),
        "{ agencies {": (400, False),  # parse
        "{ agencies { nope } }": (400, False),  # validation
        "{ dossiers(first: -1) { edges { cursor } } }": (200, True),  # field error, data null
    }
    for query, (status, has_data) in cases.items():
        strict = await dev.post({"query": query}, accept=GRAPHQL_RESPONSE)
        assert (strict.status_code, "data" in strict.json()) == (status, has_data), query
        assert strict.headers["content-type"] == GRAPHQL_RESPONSE
        legacy = await dev.post({"query": query}, accept="application/json")
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == "application/json"
    refused = await dev.post([AGENCIES], accept=GRAPHQL_RESPONSE)
    assert (refused.status_code, refused.headers["content-type"]) == (400, GRAPHQL_RESPONSE)


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
