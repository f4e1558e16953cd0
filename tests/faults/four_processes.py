"""Subscribers spread over four API processes on one database, one process SIGKILLed under
writers: its subscribers reconnect to another process with `after` = the last eventId
they got, and every subscriber ends with every stored event exactly once, in order."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from websockets.exceptions import WebSocketException

from bench.processes import ApiProcess
from tests.faults.harness import Figures, Result, api, eventually, load_catalogue, officer
from tests.faults.harness import own_server as own_database
from tests.faults.live import subscription
from tests.faults.load import Bases, Load, submitters
from tests.faults.resume import event_key
from tests.realtime import bearer, subscriber

FIELDS = "eventId position type dossierCode"


class Follower:
    """A reception officer of the city (sees every event) subscribed at one process; when
    the connection is lost it resumes at another live one, after the last eventId it got."""

    def __init__(self, name: str, token: str, processes: list[ApiProcess], home: int) -> None:
        self.name, self.token, self.processes = name, token, processes
        self.at = processes[home]
        self.events: list[dict[str, Any]] = []
        self.failures: list[str] = []  # errors or complete: never expected
        self.reconnects = 0
        self.subscribed = asyncio.Event()

    async def follow(self) -> None:
        while True:
            after = self.events[-1]["eventId"] if self.events else None
            try:
                async with subscriber(self.at.ws_url, bearer(self.token)) as sub:
                    query = subscription(FIELDS, after)
                    await sub.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
                    self.subscribed.set()
                    while True:
                        message = await sub.receive(seconds=3600)
                        payload = message.get("payload") or {}
                        if message["type"] == "next" and not payload.get("errors"):
                            self.events.append(payload["data"]["dossierEvents"])
                            continue
                        self.failures.append(str(message)[:300])
                        if message["type"] != "next":
                            return
            except (OSError, WebSocketException, AssertionError, TimeoutError):
                pass  # the process went away (or refused while dying): try another
            await asyncio.sleep(0.05)
            self.reconnects += 1
            live = self.processes
            self.at = live[(live.index(self.at) + 1) % len(live) if self.at in live else 0]


@dataclass
class FourProcesses(Result):
    subscribers: int
    expected: int = 0
    moved: int = 0  # subscribers of the killed process that resumed elsewhere
    reconnects: int = 0
    missed: Counter[str] = field(default_factory=Counter)  # subscriber -> events missed
    duplicated: Counter[str] = field(default_factory=Counter)
    out_of_order: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figures(self) -> Figures:
        return {
            "subscribers": self.subscribers,
            "moved after the kill": self.moved,
            "reconnects": self.reconnects,
            "events": self.expected,
            "missed": sum(self.missed.values()),
            "duplicated": sum(self.duplicated.values()),
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = []
        if self.missed:
            found.append(f"events missed, per subscriber: {dict(self.missed)}")
        if self.duplicated:
            found.append(f"events repeated, per subscriber: {dict(self.duplicated)}")
        if self.out_of_order:
            found.append(f"not in the stored order: {self.out_of_order[:5]}")
        if self.failures:
            found.append(f"errors or complete: {self.failures[:3]}")
        if not self.moved:
            found.append("no subscriber of the killed process resumed elsewhere")
        return found


async def four_processes(
    workdir: Path,
    per_process: int = 3,
    writers: int = 4,
    before: float = 4.0,
    after: float = 4.0,
    count: int = 4,
) -> FourProcesses:
    """`count` API processes, `per_process` subscribers on each, `writers` submitting
    through all of them; the first process is SIGKILLed after `before` s of load, and the
    load goes on `after` s more."""
    result, started = FourProcesses(count * per_process), time.monotonic()
    async with own_database(workdir) as server, AsyncExitStack() as stack:
        settings = await load_catalogue(server.uri, "faults", workdir / "var")
        # One after the other: four importing at once on a busy machine outlast the
        # start limit of each (30 s).
        processes = [await stack.enter_async_context(api(settings, workdir)) for _ in range(count)]
        http = await stack.enter_async_context(httpx.AsyncClient())
        followers = [
            Follower(f"f{i}", officer(settings, f"f{i}"), list(processes), i % count)
            for i in range(count * per_process)
        ]
        tasks = [asyncio.create_task(f.follow()) for f in followers]
        stack.push_async_callback(_cancelled, tasks)
        await asyncio.gather(*(f.subscribed.wait() for f in followers))
        bases = Bases([p.base for p in processes])
        clients = submitters(settings, bases, http, writers, writers)
        # Every subscription is registered once each has the first event: the probe's.
        await clients[0].answer("probe")
        if not await eventually(lambda: all(f.events for f in followers), within=30.0):
            raise AssertionError("not every subscriber got the probe's event")
        async with Load(clients) as load:
            await load.until_acked(writers, started, 30.0)
            await asyncio.sleep(before)
            victim = processes[0]
            bases.urls.remove(victim.base)
            os.kill(victim.pid, signal.SIGKILL)
            for f in followers:
                f.processes.remove(victim)
            await asyncio.sleep(after)
            await load.stop(settle=15.0)
        expected = await _stored(server.uri, settings.database)
        ids = [e["_id"] for e in expected]
        await eventually(
            lambda: all(len(f.events) >= len(ids) for f in followers), within=20.0, step=0.05
        )
        await asyncio.sleep(0.5)  # anything repeated after the last one comes now
    result.expected = len(ids)
    result.moved = sum(f.reconnects > 0 for f in followers[::count])
    result.reconnects = sum(f.reconnects for f in followers)
    for f in followers:
        got = [event_key(e) for e in f.events]
        counts = Counter(got)
        result.missed[f.name] = len(set(ids) - set(got))
        result.duplicated[f.name] = sum(n - 1 for n in counts.values())
        if got != ids and not result.missed[f.name] and not result.duplicated[f.name]:
            result.out_of_order.append(f.name)
        positions = [int(e["position"]) for e in f.events]
        if any(b <= a for a, b in itertools.pairwise(positions)):
            result.out_of_order.append(f"{f.name} (positions)")
        result.failures += f.failures
    result.missed = +result.missed  # drop the zeros
    result.duplicated = +result.duplicated
    result.seconds = time.monotonic() - started
    return result


async def _stored(uri: str, database: str) -> list[dict[str, Any]]:
    """Every stored event, in position order, its id as the subscription names it."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    try:
        cursor = client[database].dossier_events.find({}, {"position": 1}).sort("position", 1)
        return [{"_id": str(doc["_id"]), "position": doc["position"]} async for doc in cursor]
    finally:
        await client.close()


async def _cancelled(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    with contextlib.suppress(Exception):
        await asyncio.gather(*tasks, return_exceptions=True)
