"""Real servers and real WebSockets for the subscription tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from api.app import create_app
from api.settings import Settings
from tests.conftest import GraphQLClient

PROTOCOL = "graphql-transport-ws"

DOSSIER_EVENTS = """
subscription($filter: DossierEventFilter, $after: ID) {
  dossierEvents(filter: $filter, after: $after) {
    eventId position type dossierCode fromStatus toStatus at actor
    dossier { code status applicant { fullName idNumber } }
  }
}
"""


class Served:
    def __init__(self, app: Starlette, base: str, http: httpx.AsyncClient) -> None:
        self.app = app
        self.base = base
        self.http = http

    @property
    def ws_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"

    def client(self, settings: Settings) -> GraphQLClient:
        return GraphQLClient(self.http, settings)

    async def registered(self, count: int) -> None:
        """Waits until `count` subscriptions are registered with the hub."""
        for _ in range(1000):
            if self.app.state.hub.subscribers >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"fewer than {count} subscriptions registered within 10 s")


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Served]:
    """The app behind uvicorn on a free loopback port, in this event loop. Its database
    is the module's (tests/conftest.py), emptied before each test and dropped after."""
    app = create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=None))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            yield Served(app, base, http)
    finally:
        server.should_exit = True
        await task


class Subscriber:
    """One graphql-transport-ws connection; answers the server's pings."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pings = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, seconds: float = 10.0) -> dict[str, Any]:
        """The next message other than a ping."""
        async with asyncio.timeout(seconds):
            while True:
                message: dict[str, Any] = json.loads(await self.ws.recv())
                if message["type"] != "ping":
                    return message
                self.pings += 1
                await self.send({"type": "pong"})

    async def subscribe(
        self, variables: dict[str, Any] | None = None, op: str = "1", query: str = DOSSIER_EVENTS
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": op, "type": "subscribe", "payload": payload})

    async def next_event(self, seconds: float = 10.0) -> dict[str, Any]:
        message = await self.receive(seconds)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        event: dict[str, Any] = message["payload"]["data"]["dossierEvents"]
        return event

    async def pinged(self, times: int, seconds: float = 10.0) -> None:
        """Answers pings until `times` have come; any other message fails."""
        async with asyncio.timeout(seconds):
            while self.pings < times:
                message = json.loads(await self.ws.recv())
                assert message["type"] == "ping", message
                self.pings += 1
                await self.send({"type": "pong"})


@asynccontextmanager
async def subscriber(url: str, payload: dict[str, Any] | None) -> AsyncIterator[Subscriber]:
    """An acknowledged connection whose connection_init carries `payload`."""
    async with connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        client = Subscriber(ws)
        await client.send({"type": "connection_init", "payload": payload or {}})
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        yield client


def bearer(token: str | None) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
