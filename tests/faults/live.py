"""Live delivery under faults: subscribers on a separate API process, and a subscriber
that must get every event while 150 others connect, subscribe and leave."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLObjectType
from pymongo import AsyncMongoClient
from websockets.exceptions import WebSocketException

from api.settings import Settings
from bench.processes import ApiProcess
from schema import build_schema
from tests.faults.harness import Figures, Result, api, eventually, load_catalogue, officer
from tests.faults.load import Bases, Load, Submitter, submitters
from tests.realtime import Subscriber, bearer, subscriber

# The payload field `after` takes (issue 13: a position in commit order).
POSITION = "position"
FIELDS = "eventId type dossierCode"


def payload_fields() -> str:
    """The fields to ask of each event: the position too, once the schema has it."""
    event = build_schema()._schema.get_type("DossierEventUpdate")
    assert isinstance(event, GraphQLObjectType)
    return f"{FIELDS} {POSITION}" if POSITION in event.fields else FIELDS


def subscription(fields: str, after: Any = None) -> str:
    """`dossierEvents`, resuming after `after` (a literal: an ID or a position)."""
    resume = f"(after: {json.dumps(after)})" if after is not None else ""
    return f"subscription {{ dossierEvents{resume} {{ {fields} }} }}"


@dataclass
class Watcher:
    """One subscription's events, and any message that broke or ended it."""

    events: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def read(self, sub: Subscriber) -> None:
        while True:
            try:
                message = await sub.receive(seconds=3600)
            except WebSocketException as error:
                self.failures.append(f"connection lost: {error}")
                return
            payload = message.get("payload") or {}
            if message["type"] == "next" and not payload.get("errors"):
                self.events.append(payload["data"]["dossierEvents"])
                continue
            self.failures.append(json.dumps(message)[:300])
            if message["type"] != "next":
                return

    def codes(self, kind: str = "RECEIVED") -> set[str]:
        return {e["dossierCode"] for e in self.events if e["type"] == kind}


@asynccontextmanager
async def watching(
    process: ApiProcess, token: str, query: str, watcher: Watcher
) -> AsyncIterator[Subscriber]:
    """A subscription read into `watcher` by a task, for the block."""
    async with subscriber(process.ws_url, bearer(token)) as sub:
        await sub.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
        reader = asyncio.create_task(watcher.read(sub))
        try:
            yield sub
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


@asynccontextmanager
async def scenario_api(
    uri: str, workdir: Path, **env: str
) -> AsyncIterator[tuple[Settings, ApiProcess]]:
    """A database of the scenario's own on `uri`, the catalogue, and one API process;
    the database is dropped after."""
    settings = await load_catalogue(uri, f"faults_{uuid.uuid4().hex[:8]}", workdir / "var")
    try:
        async with api(settings, workdir, env) as process:
            yield settings, process
    finally:
        cleanup: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
        await cleanup.drop_database(settings.database)
        await cleanup.close()


async def probe(client: Submitter, watcher: Watcher) -> str:
    """Submits one dossier and waits for the watcher to see it: it is registered."""
    await client.answer("probe")
    code = client.acks[-1].code
    if not await eventually(lambda: code in watcher.codes(), within=10.0):
        raise AssertionError(f"the subscriber never got the probe's event: {watcher.failures}")
    return code


@dataclass
class Churn(Result):
    churners: int
    acked: int = 0
    missed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    churner_events: int = 0
    churner_errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def figures(self) -> Figures:
        return {
            "churners": self.churners,
            "events they got": self.churner_events,
            "acknowledged": self.acked,
            "missed by the steady subscriber": len(self.missed),
            "errors or complete to it": len(self.failures),
            "churners that failed to connect": sum(self.churner_errors.values()),
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = []
        if self.missed:
            found.append(f"{len(self.missed)} events missed: {sorted(self.missed)[:10]}")
        if self.failures:
            found.append(f"the steady subscriber got {self.failures[:3]}")
        if sum(self.churner_errors.values()) > self.churners // 10:
            found.append(f"churners could not connect: {dict(self.churner_errors)}")
        if not self.churner_events:
            found.append("no churner got an event: they did not churn around live ones")
        return found


async def churn(
    uri: str, workdir: Path, churners: int = 150, at_once: int = 15, writers: int = 4
) -> Churn:
    """One subscriber stays while `churners` others connect, subscribe and leave (`at_once`
    at a time), some just as an event reaches them, under `writers` submitters."""
    result, started = Churn(churners), time.monotonic()
    async with scenario_api(uri, workdir) as (settings, process), httpx.AsyncClient() as http:
        token = officer(settings, "watcher")
        fields = payload_fields()
        steady = Watcher()
        async with watching(process, token, subscription(fields), steady):
            clients = submitters(settings, Bases([process.base]), http, writers, writers)
            probed = await probe(clients[0], steady)
            async with Load(clients) as load:
                await load.until_acked(writers, started, 30.0)
                limit = asyncio.Semaphore(at_once)
                query = subscription(fields)
                got = await asyncio.gather(
                    *(_churner(process, token, query, limit, result) for _ in range(churners))
                )
                await load.stop(settle=15.0)
            acked = {a.code for a in load.acks()} - {probed}
            await eventually(lambda: acked <= steady.codes(), within=10.0)
        result.acked, result.churner_events = len(acked), sum(got)
        result.missed = sorted(acked - steady.codes())
        result.failures = steady.failures
    result.seconds = time.monotonic() - started
    return result


async def _churner(
    process: ApiProcess, token: str, query: str, limit: asyncio.Semaphore, result: Churn
) -> int:
    """Connects, subscribes and leaves: half as soon as an event arrives (the server is
    then busy with the next one for it), half after a random moment."""
    events = 0
    async with limit:
        try:
            async with subscriber(process.ws_url, bearer(token)) as sub:
                await sub.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
                if random.random() < 0.5:
                    try:
                        await sub.receive(seconds=random.uniform(0.2, 1.0))
                        events += 1
                    except TimeoutError:
                        pass
                else:
                    await asyncio.sleep(random.uniform(0.0, 0.4))
        except (OSError, WebSocketException, AssertionError) as error:
            result.churner_errors[type(error).__name__] += 1
    return events
