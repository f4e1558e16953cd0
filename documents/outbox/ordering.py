"""Delivering the outbox in order: a message is attempted only when every earlier message
with its destination and key has been delivered or is dead (docs/integrations.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from documents.common import deliveries
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryAttempt, DeliveryStatus, Sent
from documents.outbox.messages import Destination, OutboxMessage

# A message found behind an earlier pending one waits at least this long before it is
# looked at again, and at most until the earlier one's next attempt.
_BEHIND_SECONDS = 1.0
# How many messages one lease may find waiting behind others before it gives up the round.
_LOOKS = 50


def _earlier(message: OutboxMessage) -> dict[str, Any]:
    return {
        "destination": message.destination.value,
        "key": message.key,
        "status": DeliveryStatus.PENDING.value,
        "$or": [
            {"sequence": {"$lt": message.sequence}},
            {"sequence": message.sequence, "_id": {"$lt": message.id}},
        ],
    }


async def lease_next(
    owner: str, lease_for: timedelta, destinations: Iterable[Destination]
) -> OutboxMessage | None:
    """Lease the most overdue message to one of `destinations` that is first in its
    line; one found behind an earlier pending message is put back to wait for it."""
    names = [d.value for d in destinations]
    if not names:
        return None
    also = {"destination": names[0]} if len(names) == 1 else {"destination": {"$in": names}}
    collection = OutboxMessage.get_pymongo_collection()
    for _ in range(_LOOKS):
        leased = await deliveries.lease_due(OutboxMessage, owner, lease_for, also)
        if leased is None:
            return None
        ahead = await collection.find_one(
            _earlier(leased), {"next_attempt_at": 1, "lease_owner": 1}
        )
        if ahead is None:
            return leased
        wait = utcnow() + timedelta(seconds=_BEHIND_SECONDS)
        # One in flight has its lease's end as its next attempt; its outcome may come (and
        # release those behind it) before this put-back lands: look again soon instead.
        if ahead.get("lease_owner") is None:
            wait = max(ahead["next_attempt_at"], wait)
        await collection.update_one(
            {"_id": leased.id, "lease_owner": owner},
            {"$set": {"lease_owner": None, "next_attempt_at": wait}},
        )
        # The one ahead may have finished between the look and the put-back, its `finish`
        # making this one due before the put-back postponed it: look once more.
        if ahead.get("lease_owner") is not None and not await collection.find_one(
            _earlier(leased), {"_id": 1}
        ):
            await collection.update_one(
                {"_id": leased.id, "lease_owner": None},
                {"$min": {"next_attempt_at": utcnow()}},
            )
    return None


async def finish(
    message: OutboxMessage,
    owner: str,
    attempt: DeliveryAttempt,
    sent: Sent,
    next_at: datetime | None,
    keep_for: timedelta | None = None,
) -> bool:
    """Record the attempt (documents/common/deliveries.py; a delivered message is deleted
    `keep_for` later); once the message is done with, delivered or dead, the messages
    waiting behind it are due now. False when the lease was lost meanwhile."""
    extra = {"answer": sent.answer} if sent.delivered and sent.answer else None
    recorded = await deliveries.finish_attempt(
        OutboxMessage,
        message.id,
        owner,
        attempt,
        delivered=sent.delivered,
        next_at=next_at,
        extra=extra,
        keep_for=keep_for,
    )
    if recorded and (sent.delivered or next_at is None):
        await OutboxMessage.get_pymongo_collection().update_many(
            {
                "destination": message.destination.value,
                "key": message.key,
                "status": DeliveryStatus.PENDING.value,
                "lease_owner": None,
                "sequence": {"$gte": message.sequence},
                "_id": {"$ne": message.id},
            },
            {"$min": {"next_attempt_at": utcnow()}},
        )
    return recorded
