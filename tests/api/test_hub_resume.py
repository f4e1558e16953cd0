"""Resuming `dossierEvents` with `after` while eight writers change dossiers at once: the
subscriber leaves and comes back about twenty times, and what it received, put
together, is every event exactly once, in commit (position) order."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from strawberry.relay import GlobalID

from api.authentication import issue_token
from api.settings import Settings
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.dossiers.events import DossierEvent
from tests.catalogue import CITY, WARD, load_tiny_catalogue, submission
from tests.realtime import Served, bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import ACCEPT, SUBMIT

WRITERS = 8
# Dossiers per writer, each received at the writer's ward, transferred to WARD (which
# handles the procedure: docs/routing.md) and accepted: three events.
EACH = 20
EVENTS_EACH = 3
SESSIONS = 24  # about how many times the subscriber connects


def roomy(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"rate_limit_per_minute": 1_000_000, "rate_limit_burst": 1_000_000}
    )


async def add_wards() -> list[str]:
    """A ward per writer, so writers bump different code counters and commit at once
    (handled by WARD, whose officers see them all)."""
    codes = [f"000.22.{10 + n}.H26" for n in range(WRITERS)]
    wards = [
        Agency(code=code, name=f"UBND Phường {code}", level=AgencyLevel.WARD, parent_code=CITY)
        for code in codes
    ]
    await Agency.insert_many(wards)
    return codes


async def write(served: Served, settings: Settings, ward: str) -> None:
    desk = served.client(settings).as_role("officer:reception", agency=ward)
    for _ in range(EACH):
        data = await desk.data(SUBMIT, {"input": submission(receivingAgencyCode=ward)})
        await desk.data(ACCEPT, {"code": data["submitDossier"]["dossier"]["code"]})


async def session(
    served: Served, credentials: dict[str, Any], after: str | None, wanted: int
) -> list[dict[str, Any]]:
    """One connection: resumes after `after`, takes up to `wanted` events, then leaves
    without a word (events already on the wire are lost to it, as in real life)."""
    received: list[dict[str, Any]] = []
    async with subscriber(served.ws_url, credentials) as sub:
        await sub.subscribe({"after": after} if after else {})
        await served.registered(1)
        while len(received) < wanted:
            try:
                received.append(await sub.next_event(seconds=1.0))
            except TimeoutError:
                break  # the writers have paused or finished: come back later
    return received


async def test_a_resuming_subscriber_gets_every_event_once_in_commit_order(
    settings: Settings,
) -> None:
    settings = roomy(settings)
    total = EVENTS_EACH * WRITERS * EACH
    chance = random.Random(13)
    credentials = bearer(issue_token(settings, "officer:reception", sub="follower", agency=WARD))
    received: list[dict[str, Any]] = []
    async with serving(settings) as served:
        await load_tiny_catalogue()
        wards = await add_wards()
        async with asyncio.timeout(90):
            writers: asyncio.Future[Any] | None = None
            sessions = 0
            while len(received) < total and sessions < 4 * SESSIONS:
                after = received[-1]["position"] if received else None
                wanted = chance.randint(1, 2 * total // SESSIONS)
                if writers is None:  # the first connection is registered before any write
                    first = asyncio.create_task(session(served, credentials, after, wanted))
                    await served.registered(1)
                    writers = asyncio.gather(*(write(served, settings, ward) for ward in wards))
                    received += await first
                else:
                    received += await session(served, credentials, after, wanted)
                sessions += 1
            assert writers is not None
            await writers
            stored = await DossierEvent.find_all().to_list()
    positions = [int(event["position"]) for event in received]
    assert len(stored) == total
    assert positions == list(range(1, total + 1))  # each once, in order, no gap
    assert [e["eventId"] for e in received] == [
        str(GlobalID("DossierEvent", str(e.id)))
        for e in sorted(stored, key=lambda e: e.position or 0)
    ]
    assert sessions >= SESSIONS // 2
