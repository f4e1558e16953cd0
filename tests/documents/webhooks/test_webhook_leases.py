"""A delivery is attempted by one worker at a time; a dead worker's lease runs out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from beanie import PydanticObjectId

from documents.common.clock import fixed_time
from documents.common.deliveries import DeliveryStatus, due
from documents.webhooks.delivery import (
    DeliveryAttempt,
    WebhookDelivery,
    finish_attempt,
    lease_due,
)

T = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.mark.usefixtures("http")  # Beanie documents need an initialised database
async def test_a_leased_delivery_is_not_due_until_its_lease_runs_out() -> None:
    await WebhookDelivery(
        event_id=PydanticObjectId(),
        webhook_id="hook",
        created_at=T,
        retry_since=T,
        next_attempt_at=T,
    ).insert()
    with fixed_time(T):
        first = await lease_due("worker-a", LEASE)
        assert first is not None
        assert await lease_due("worker-b", LEASE) is None  # held by worker-a
    with fixed_time(T + LEASE + timedelta(seconds=1)):  # worker-a died mid-attempt
        second = await lease_due("worker-b", LEASE)
        assert second is not None
        assert second.id == first.id
        ok = DeliveryAttempt(at=T + LEASE, duration_ms=5, http_status=200)
        assert not await finish_attempt(first, "worker-a", ok, None)  # lost its lease
        assert await finish_attempt(second, "worker-b", ok, None)
    stored = await WebhookDelivery.get(first.id)
    assert stored is not None
    assert stored.status is DeliveryStatus.DELIVERED
    assert stored.lease_owner is None
    assert [a.http_status for a in stored.attempts] == [200]


@pytest.mark.usefixtures("http")
async def test_the_next_due_delivery_is_found_through_an_index() -> None:
    cursor = WebhookDelivery.get_pymongo_collection().find(due(T)).sort("next_attempt_at", 1)
    plan = json.dumps((await cursor.explain())["queryPlanner"]["winningPlan"], default=str)
    assert "IXSCAN" in plan
    assert "COLLSCAN" not in plan
