"""A message sent again is kept again: redelivery takes away the purge date a delivery
set, so the TTL index cannot delete a message that is pending once more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from beanie import PydanticObjectId

from documents.common import deliveries
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus
from documents.outbox.messages import OutboxMessage
from documents.webhooks.delivery import WebhookDelivery, redeliver
from tests.outbox_receiver import portal_message

SOON = datetime.now(UTC) + timedelta(days=1)


async def test_redelivering_an_outbox_message_takes_away_its_purge_date(
    http: httpx.AsyncClient,
) -> None:
    sent = portal_message("A", 1)
    sent.status, sent.purge_at = DeliveryStatus.DELIVERED, SOON
    await sent.insert()
    assert await deliveries.redeliver(OutboxMessage, sent.id)
    again = await OutboxMessage.get(sent.id)
    assert again is not None
    assert again.status is DeliveryStatus.PENDING
    assert again.purge_at is None


async def test_redelivering_a_webhook_delivery_takes_away_its_purge_date(
    http: httpx.AsyncClient,
) -> None:
    now = utcnow()
    sent = WebhookDelivery(
        event_id=PydanticObjectId(),
        webhook_id="hook",
        status=DeliveryStatus.DELIVERED,
        created_at=now,
        retry_since=now,
        next_attempt_at=now,
        purge_at=SOON,
    )
    await sent.insert()
    await redeliver(sent)
    again = await WebhookDelivery.get(sent.id)
    assert again is not None
    assert again.status is DeliveryStatus.PENDING
    assert again.purge_at is None
    indexes = await WebhookDelivery.get_pymongo_collection().index_information()
    assert indexes["purge"]["expireAfterSeconds"] == 0
