"""A receiver of the tests' own for the generic outbox tests: a real HTTP server (served
with `simulators.serving.Running`) that records what it applied, can be down or refuse
one key, and a real adapter to it implementing the portal port over httpx."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from documents.common.clock import utcnow
from documents.common.deliveries import Sent
from documents.outbox.messages import Destination, OutboxMessage, message
from simulators.serving import Running


@dataclass
class Receiver:
    url: str = ""
    down: bool = False  # every request answered 503
    failing_keys: set[str] = field(default_factory=set)  # these keys answered 503
    refused_keys: set[str] = field(default_factory=set)  # these keys answered 400
    applied: list[tuple[str, int]] = field(default_factory=list)  # (key, sequence)
    seen_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, key: str) -> list[int]:
        with self.lock:
            return [sequence for k, sequence in self.applied if k == key]


def _app(state: Receiver) -> Starlette:
    async def receive(request: Request) -> JSONResponse:
        body = await request.json()
        key, sequence = body["key"], body["sequence"]
        with state.lock:
            if state.down or key in state.failing_keys:
                return JSONResponse({"error": "down"}, status_code=503)
            if key in state.refused_keys:
                return JSONResponse({"error": "refused"}, status_code=400)
            identifier = request.headers["idempotency-key"]
            if identifier not in state.seen_ids:  # a repeat changes nothing
                state.seen_ids.add(identifier)
                state.applied.append((key, sequence))
        return JSONResponse({"applied": True})

    return Starlette(routes=[Route("/messages", receive, methods=["POST"])])


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    with Running(_app(state), "outbox test receiver") as url:
        state.url = url
        yield state


class ReceiverAdapter:
    """The `NationalPortal` port to the receiver: the message id as idempotency key,
    failures returned, never raised."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=5.0)

    async def publish(self, message_id: str, update: Mapping[str, Any]) -> Sent:
        try:
            answer = await self.http.post(
                "/messages", json=dict(update), headers={"idempotency-key": message_id}
            )
        except httpx.TransportError:
            return Sent(delivered=False, error="unreachable")
        if answer.status_code == 200:
            return Sent(delivered=True, http_status=200)
        return Sent(
            delivered=False,
            http_status=answer.status_code,
            error=f"HTTP {answer.status_code}",
            permanent=400 <= answer.status_code < 500,
        )

    async def aclose(self) -> None:
        await self.http.aclose()


def portal_message(key: str, sequence: int, at: datetime | None = None) -> OutboxMessage:
    """A status message as the portal sync writes one, carrying its key and sequence."""
    return message(
        Destination.PORTAL,
        key,
        sequence,
        "status",
        {"key": key, "sequence": sequence},
        at or utcnow(),
    )
