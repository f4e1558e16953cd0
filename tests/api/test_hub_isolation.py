"""One subscriber's cancellation never stops another's: a connected subscriber gets every
event while 150 others connect, subscribe and disconnect around live events, and a
subscription whose execution fails ends with an error and `complete`, never in silence."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from typing import Any

import pytest
from strawberry.dataloader import DataLoader
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import Operation

from api.authentication import issue_token
from api.http.fanout import Group
from api.settings import Settings
from loaders import Loaders
from loaders.shielding import shielded
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.realtime import Served, bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import SUBMIT

CHURNERS = 150
DOSSIERS = 24
WRITERS = 3


def roomy(settings: Settings) -> Settings:
    """Rate limits that 150 subscriptions of one officer do not reach."""
    return settings.model_copy(
        update={"rate_limit_per_minute": 1_000_000, "rate_limit_burst": 1_000_000}
    )


def credentials(settings: Settings) -> dict[str, Any]:
    return bearer(issue_token(settings, "officer:reception", sub="reception", agency=WARD))


async def write(served: Served, settings: Settings, count: int) -> list[str]:
    officer = served.client(settings).as_role("officer:reception", agency=WARD)
    codes = []
    for _ in range(count):
        data = await officer.data(SUBMIT, {"input": submission(receivingAgencyCode=WARD)})
        codes.append(data["submitDossier"]["dossier"]["code"])
    return codes


async def churn(served: Served, settings: Settings, seed: int, window: float) -> None:
    """Comes at a random moment of the `window`, subscribes, and leaves a moment later,
    as often as not while an event is being prepared for it."""
    chance = random.Random(seed)
    await asyncio.sleep(chance.uniform(0, window))
    async with subscriber(served.ws_url, credentials(settings)) as sub:
        await sub.subscribe()
        await asyncio.sleep(chance.uniform(0, 0.3))


async def test_a_subscriber_gets_every_event_while_150_others_churn(settings: Settings) -> None:
    settings = roomy(settings)
    async with serving(settings) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, credentials(settings)) as steady:
            await steady.subscribe()
            await served.registered(1)
            async with asyncio.timeout(25):
                churners = [churn(served, settings, seed, window=2.0) for seed in range(CHURNERS)]
                writing = asyncio.gather(
                    *(write(served, settings, DOSSIERS // WRITERS) for _ in range(WRITERS))
                )
                await asyncio.gather(*churners, writing)
                codes = {code for batch in writing.result() for code in batch}
                received = [await steady.next_event(seconds=10) for _ in codes]
    assert {event["dossierCode"] for event in received} == codes
    positions = [int(event["position"]) for event in received]
    assert positions == sorted(positions)


async def test_a_shielded_loader_outlives_a_cancelled_caller() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_lookup(keys: list[str]) -> list[str]:
        started.set()
        await release.wait()
        return [key.upper() for key in keys]

    loader = shielded(DataLoader(slow_lookup))

    async def lookup() -> str:
        return await loader.load("a")

    leaving = asyncio.create_task(lookup())
    staying = asyncio.create_task(lookup())
    await started.wait()
    leaving.cancel()
    await asyncio.sleep(0)
    release.set()
    assert await staying == "A"
    assert leaving.cancelled()
    assert await loader.load("a") == "A"  # the cached lookup survived too


class CancelledLoader(DataLoader[Any, Any]):
    """A lookup that was cancelled under its caller: awaiting it raises CancelledError."""

    def __init__(self) -> None:
        super().__init__(self._never)

    async def _never(self, keys: list[Any]) -> list[Any]:
        raise AssertionError("not reached")

    def load(self, key: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.cancel()
        return future


def cancel_lookups(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The hub's loaders for each event, with the `name` lookup cancelled."""
    shared = Loaders.shared

    def broken() -> Loaders:
        return dataclasses.replace(shared(), **{name: CancelledLoader()})

    monkeypatch.setattr(Loaders, "shared", broken)


WITH_EVENTS = """
subscription { dossierEvents { position dossier { code events { type } } } }
"""


async def ends_with_an_error(settings: Settings, query: str) -> tuple[dict[str, Any], Any]:
    """Subscribes, submits a dossier, and returns the error that ends the subscription
    and the message after it."""
    async with serving(settings) as served:
        await load_tiny_catalogue()
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe(query=query)
            await served.registered(1)
            await write(served, settings, 1)
            failed = await sub.receive()
            end = await sub.receive()
    assert failed["type"] == "next", failed
    [error] = failed["payload"]["errors"]
    return error, end


async def test_a_subscription_whose_lookup_is_cancelled_ends_with_an_error_and_complete(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel_lookups(monkeypatch, "dossier_by_code")
    error, end = await ends_with_an_error(settings, WITH_EVENTS)
    assert error["extensions"]["code"] == "SUBSCRIPTION_INTERRUPTED"
    assert error["extensions"]["after"] == "0"  # nothing passed yet: resume from the start
    assert end == {"id": "1", "type": "complete"}


async def test_a_subscription_whose_field_is_cancelled_ends_with_an_error_and_complete(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel_lookups(monkeypatch, "events_by_dossier")  # read by a field, after the event
    error, end = await ends_with_an_error(settings, WITH_EVENTS)
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert end == {"id": "1", "type": "complete"}


async def test_a_subscription_whose_lookup_fails_ends_with_an_error_and_complete(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(codes: list[str]) -> list[Any]:
        raise ConnectionResetError("the database went away")

    shared = Loaders.shared
    monkeypatch.setattr(
        Loaders,
        "shared",
        lambda: dataclasses.replace(shared(), dossier_by_code=shielded(DataLoader(failing))),
    )
    production = settings.model_copy(update={"dev_mode": False})
    error, end = await ends_with_an_error(roomy(production), WITH_EVENTS)
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert "database" not in error["message"]  # masked: nothing of the cause leaks
    assert end == {"id": "1", "type": "complete"}


async def test_a_subscription_that_fails_in_the_transport_ends_with_an_error_and_complete(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(self: Operation[Any, Any], result: Any) -> None:
        raise RuntimeError("the result could not be sent")

    def unserialisable(self: Group, payload: Any) -> str:
        raise RuntimeError("the result could not be serialised")

    monkeypatch.setattr(Operation, "send_next", failing)
    monkeypatch.setattr(Group, "_serialised", unserialisable)  # shared executions
    error, end = await ends_with_an_error(settings, WITH_EVENTS)
    assert error == {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_ERROR"}}
    assert end == {"id": "1", "type": "complete"}
