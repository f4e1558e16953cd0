"""The outbox worker against a real HTTP receiver: while the endpoint is down messages
wait and then go in order per key; one failing dossier holds up no other; dead letters
after the retry window, and redelivery; a dead worker's lease is taken over."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryAttempt, DeliveryStatus, Sent
from documents.outbox.backlog import backlog, redeliver_dead
from documents.outbox.carrying import Ports
from documents.outbox.messages import Destination, OutboxMessage
from documents.outbox.ordering import finish, lease_next
from tests.outbox_receiver import Receiver, ReceiverAdapter, portal_message, receiver

FAST = {"outbox_backoff_seconds": 0.05, "outbox_max_backoff_seconds": 0.1}


@pytest.fixture
def endpoint() -> Iterator[Receiver]:
    with receiver() as running:
        yield running


@pytest.fixture
async def adapter(endpoint: Receiver) -> AsyncIterator[ReceiverAdapter]:
    made = ReceiverAdapter(endpoint.url)
    yield made
    await made.aclose()


def worker(settings: Settings, adapter: ReceiverAdapter, **changes: float) -> OutboxWorker:
    tuned = settings.model_copy(update={**FAST, **changes})
    return OutboxWorker(tuned, Ports(portal=adapter))


async def statuses(key: str) -> list[DeliveryStatus]:
    found = await OutboxMessage.find({"key": key}).sort("+sequence").to_list()
    return [m.status for m in found]


async def until_delivered(running: OutboxWorker, keys: list[str], within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await running.run_once()
        found = [s for k in keys for s in await statuses(k)]
        if all(s is DeliveryStatus.DELIVERED for s in found):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not delivered within {within} s: {[await statuses(k) for k in keys]}")


async def test_while_the_endpoint_is_down_messages_wait_and_then_go_in_order_once(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many(
        [portal_message("A", s) for s in (1, 2, 3)] + [portal_message("B", s) for s in (1, 2)]
    )
    running = worker(settings, adapter)
    endpoint.down = True
    for _ in range(3):
        await running.run_once()
        await asyncio.sleep(0.1)
    assert endpoint.applied == []
    waiting = {m.sequence: m for m in await OutboxMessage.find({"key": "A"}).to_list()}
    assert waiting[1].attempts
    assert waiting[1].attempts[0].http_status == 503
    assert waiting[2].attempts == []
    assert waiting[3].attempts == []
    figures = await backlog(Destination.PORTAL)
    assert figures.pending == 5
    assert figures.oldest_pending_seconds is not None

    endpoint.down = False
    await until_delivered(running, ["A", "B"])
    assert endpoint.of("A") == [1, 2, 3]
    assert endpoint.of("B") == [1, 2]
    assert len(endpoint.applied) == 5
    assert running.outcomes["PORTAL", "delivered"] == 5
    assert running.outcomes["PORTAL", "failed"] >= 2


async def test_a_failing_dossier_holds_up_no_other(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many(
        [portal_message("A", s) for s in (1, 2)] + [portal_message("B", s) for s in (1, 2, 3)]
    )
    endpoint.failing_keys = {"A"}
    running = worker(settings, adapter)
    await until_delivered(running, ["B"])
    assert endpoint.of("B") == [1, 2, 3]
    assert endpoint.of("A") == []
    assert await statuses("A") == [DeliveryStatus.PENDING, DeliveryStatus.PENDING]

    endpoint.failing_keys = set()
    await until_delivered(running, ["A"])
    assert endpoint.of("A") == [1, 2]


async def test_a_dead_letter_after_the_retry_window_lets_the_next_go_and_is_redelivered(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("A", 2)])
    endpoint.failing_keys = {"A"}
    running = worker(settings, adapter, outbox_retry_hours=0.5 / 3600)  # half a second
    deadline = time.monotonic() + 10
    while await statuses("A") != [DeliveryStatus.DEAD, DeliveryStatus.DEAD]:
        assert time.monotonic() < deadline, await statuses("A")
        await running.run_once()
        await asyncio.sleep(0.05)
    assert running.outcomes["PORTAL", "dead"] == 2
    assert (await backlog(Destination.PORTAL)).dead == 2

    endpoint.failing_keys = set()
    first = await OutboxMessage.find_one({"key": "A", "sequence": 1})
    assert first is not None
    again = await redeliver_dead(str(first.id))
    assert again.status is DeliveryStatus.PENDING
    await running.run_once()
    assert endpoint.of("A") == [1]
    assert await statuses("A") == [DeliveryStatus.DELIVERED, DeliveryStatus.DEAD]


async def purge_index(collection: str) -> dict[str, Any]:
    indexes = await OutboxMessage.get_pymongo_collection().database[collection].index_information()
    return dict(indexes["purge"])


async def test_a_delivered_message_is_deleted_after_the_retention_window_and_a_dead_one_kept(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("B", 1)])
    endpoint.refused_keys = {"B"}
    running = worker(settings, adapter, delivered_retention_days=7)
    await until_delivered(running, ["A"])
    for _ in range(3):
        await running.run_once()
    delivered = await OutboxMessage.find_one({"key": "A"})
    dead = await OutboxMessage.find_one({"key": "B"})
    assert delivered is not None
    assert dead is not None
    assert dead.status is DeliveryStatus.DEAD
    assert dead.purge_at is None  # until an operator acts
    assert delivered.purge_at is not None
    kept = delivered.purge_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=7) - timedelta(minutes=1) < kept <= timedelta(days=7)
    # The server's TTL monitor deletes it then (docs/embedded-database.md).
    assert (await purge_index("outbox"))["expireAfterSeconds"] == 0


async def test_a_retention_of_zero_keeps_delivered_messages(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_one(portal_message("A", 1))
    await until_delivered(worker(settings, adapter, delivered_retention_days=0), ["A"])
    delivered = await OutboxMessage.find_one({"key": "A"})
    assert delivered is not None
    assert delivered.purge_at is None


async def test_a_refused_message_is_a_dead_letter_at_once(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("A", 2)])
    endpoint.refused_keys = {"A"}
    running = worker(settings, adapter)
    await running.run_once()
    found = await OutboxMessage.find_one({"key": "A", "sequence": 1})
    assert found is not None
    assert found.status is DeliveryStatus.DEAD
    assert len(found.attempts) == 1
    assert found.attempts[0].http_status == 400


async def test_a_dead_workers_lease_is_taken_over_once_it_runs_out(
    http: httpx.AsyncClient, settings: Settings, endpoint: Receiver, adapter: ReceiverAdapter
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("A", 2)])
    # A worker leases the first message and dies before it records anything.
    held = await lease_next("dead-worker", timedelta(seconds=0.5), [Destination.PORTAL])
    assert held is not None
    assert held.sequence == 1
    running = worker(settings, adapter)
    await running.run_once()
    assert endpoint.applied == []  # leased, and the second waits behind it
    await asyncio.sleep(0.6)
    await until_delivered(running, ["A"])
    assert endpoint.of("A") == [1, 2]
    # The dead worker's late outcome is not recorded: the lease is no longer its own.
    attempt = DeliveryAttempt(at=utcnow(), duration_ms=1, error="timeout")
    late = await finish(held, "dead-worker", attempt, Sent(delivered=False), None)
    assert late is False
    assert await statuses("A") == [DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED]


class _FinishingAfterTheLook:
    """The outbox collection, except that the first look for a message ahead is followed
    at once by that message's `finish`: the moment a worker's put-back can lose."""

    def __init__(self, real: Any, finish_ahead: Callable[[], Awaitable[object]]) -> None:
        self.real, self.finish_ahead, self.finished = real, finish_ahead, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def find_one(self, query: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        found = await self.real.find_one(query, *args, **kwargs)
        if "$or" in query and not self.finished:
            self.finished = True
            await self.finish_ahead()
        return found


async def test_a_message_whose_predecessor_finishes_as_it_is_put_back_is_due_at_once(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("A", 2)])
    lease = timedelta(seconds=30)
    first = await lease_next("first", lease, [Destination.PORTAL])
    assert first is not None
    attempt = DeliveryAttempt(at=utcnow(), duration_ms=1)
    delivered = Sent(delivered=True)
    real = OutboxMessage.get_pymongo_collection()
    racing = _FinishingAfterTheLook(real, lambda: finish(first, "first", attempt, delivered, None))
    monkeypatch.setattr(OutboxMessage, "get_pymongo_collection", classmethod(lambda _: racing))
    second = await lease_next("second", lease, [Destination.PORTAL])
    assert racing.finished
    assert second is not None  # not put off for a second
    assert second.sequence == 2
