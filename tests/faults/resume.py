"""A subscriber that disconnects and resumes with `after` under eight concurrent writers
gets every event exactly once, in commit order."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient
from strawberry.relay import GlobalID, GlobalIDValueError

from bench.processes import ApiProcess
from tests.faults.harness import Figures, Result, eventually, officer
from tests.faults.live import (
    POSITION,
    Watcher,
    payload_fields,
    probe,
    scenario_api,
    subscription,
    watching,
)
from tests.faults.load import Bases, Load, submitters


@dataclass
class Resume(Result):
    reconnects: int
    writers: int
    resumed_by: str = POSITION
    expected: int = 0
    received: int = 0
    missed: list[str] = field(default_factory=list)
    duplicated: dict[str, int] = field(default_factory=dict)
    inversions: int = 0  # positions that did not grow from one event to the next
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figures(self) -> Figures:
        return {
            "writers": self.writers,
            "reconnects": self.reconnects,
            "events": self.expected,
            "received": self.received,
            "missed": len(self.missed),
            "duplicated": sum(n - 1 for n in self.duplicated.values()),
            "position inversions": self.inversions,
            "resumed by": self.resumed_by,
            "seconds": self.seconds,
        }

    def problems(self) -> list[str]:
        found = []
        if self.resumed_by != POSITION:
            found.append(f"the payload has no `{POSITION}`: resumed by {self.resumed_by}")
        if self.missed:
            found.append(f"{len(self.missed)} of {self.expected} missed: {self.missed[:5]}")
        if self.duplicated:
            shown = sorted(self.duplicated.items())[:5]
            found.append(f"{len(self.duplicated)} events delivered more than once: {shown}")
        if self.inversions:
            found.append(f"{self.inversions} events came after one with a higher position")
        if self.failures:
            found.append(f"errors or complete: {self.failures[:3]}")
        return found


async def resume(
    uri: str, workdir: Path, writers: int = 8, reconnects: int = 10, window: float = 0.6
) -> Resume:
    """A subscriber that leaves and resumes with `after` (the last event's position),
    `reconnects` times, up to `window` s connected each time, under `writers`."""
    fields = payload_fields()
    result, started = Resume(reconnects, writers), time.monotonic()
    result.resumed_by = POSITION if POSITION in fields.split() else "eventId"
    events: list[dict[str, Any]] = []
    async with scenario_api(uri, workdir) as (settings, process), httpx.AsyncClient() as http:
        token = officer(settings, "watcher")
        clients = submitters(settings, Bases([process.base]), http, writers, writers)
        first = Watcher()
        async with watching(process, token, subscription(fields), first):
            probed = await probe(clients[0], first)
        after = first.events[-1][result.resumed_by]
        async with Load(clients) as load:
            await load.until_acked(writers, started, 30.0)
            for _ in range(reconnects):
                after = await _connected(process, token, fields, after, events, result, window)
            await load.stop(settle=15.0)
        database: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
        try:
            stored = database[settings.database].dossier_events.find(
                {"dossier_code": {"$ne": probed}}
            )
            expected = {str(doc["_id"]) async for doc in stored}
        finally:
            await database.close()
        await _connected(process, token, fields, after, events, result, 15.0, expected)
    ids = Counter(event_key(e) for e in events)
    result.expected, result.received = len(expected), len(events)
    result.missed = sorted(expected - set(ids))
    result.duplicated = {i: n for i, n in ids.items() if n > 1}
    if result.resumed_by == POSITION:
        positions = [int(e[POSITION] or 0) for e in events]  # a number, sent as a string
        result.inversions = sum(b <= a for a, b in itertools.pairwise(positions))
    result.seconds = time.monotonic() - started
    return result


def event_key(event: dict[str, Any]) -> str:
    """The stored event's ObjectId, from the subscription's `eventId` (the DossierEvent
    global id; a raw ObjectId from a version before it, docs/relay.md)."""
    value = str(event["eventId"])
    try:
        return GlobalID.from_id(value).node_id
    except GlobalIDValueError:
        return value


async def _connected(
    process: ApiProcess,
    token: str,
    fields: str,
    after: Any,
    events: list[dict[str, Any]],
    result: Resume,
    seconds: float,
    until: set[str] | None = None,
) -> Any:
    """One connection resuming after `after`, for up to `seconds` (or until every id
    in `until` has come); what it got is added to `events`. The new resume point."""
    watcher = Watcher()
    async with watching(process, token, subscription(fields, after), watcher):
        if until is None:
            await asyncio.sleep(random.uniform(0.1, seconds))
        else:
            seen = {event_key(e) for e in events}
            await eventually(
                lambda: until <= seen | {event_key(e) for e in watcher.events}, seconds
            )
            await asyncio.sleep(0.5)  # anything repeated after the last one comes now
    events += watcher.events
    result.failures += watcher.failures
    return watcher.events[-1][result.resumed_by] if watcher.events else after
