"""What operators see of the outbox: per destination its backlog, dead letters, deliveries
and the age of its oldest pending message; a listing; redelivering a dead letter
(docs/integrations.md, "Operations")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beanie import PydanticObjectId, SortDirection
from pymongo import ASCENDING

from documents.common import deliveries
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus
from documents.common.errors import DomainError, ErrorCode
from documents.outbox.messages import Destination, OutboxMessage


@dataclass(frozen=True)
class Backlog:
    """One destination's figures, read at `at`."""

    destination: Destination
    pending: int
    dead: int
    delivered: int
    # Since when the oldest pending message waits; None when none does.
    oldest_pending_at: datetime | None
    at: datetime

    @property
    def oldest_pending_seconds(self) -> float | None:
        if self.oldest_pending_at is None:
            return None
        return max(0.0, (self.at - self.oldest_pending_at).total_seconds())


def _of(destination: Destination, status: DeliveryStatus) -> dict[str, Any]:
    # Equalities on the leading fields of the `by_status` index: one index range each.
    return {"destination": destination.value, "status": status.value}


async def backlog(destination: Destination, delivered: bool = True) -> Backlog:
    """Indexed counts and one indexed find; without `delivered`, the ever-growing count
    of delivered messages is left out (0), as the polled metrics do."""
    collection = OutboxMessage.get_pymongo_collection()
    now = utcnow()
    pending = _of(destination, DeliveryStatus.PENDING)
    oldest = await collection.find_one(pending, {"created_at": 1}, sort=[("created_at", ASCENDING)])
    return Backlog(
        destination=destination,
        pending=await collection.count_documents(pending),
        dead=await collection.count_documents(_of(destination, DeliveryStatus.DEAD)),
        delivered=await collection.count_documents(_of(destination, DeliveryStatus.DELIVERED))
        if delivered
        else 0,
        oldest_pending_at=oldest["created_at"] if oldest else None,
        at=now,
    )


async def backlogs(delivered: bool = True) -> list[Backlog]:
    """Every destination's figures, in the order of `Destination`."""
    return [await backlog(destination, delivered) for destination in Destination]


async def messages_page(
    destination: Destination | None,
    status: DeliveryStatus | None,
    first: int,
    after: PydanticObjectId | None,
) -> tuple[list[OutboxMessage], bool]:
    """Messages newest first, `first` at a time after `after`. An on-demand operator
    screen, not polled: on SecantusDB its `_id` range may scan (docs/embedded-database.md)."""
    query: dict[str, Any] = {}
    if destination is not None:
        query["destination"] = destination.value
    if status is not None:
        query["status"] = status.value
    if after is not None:
        query["_id"] = {"$lt": after}
    found = (
        await OutboxMessage.find(query)
        .sort([("_id", SortDirection.DESCENDING)])
        .limit(first + 1)
        .to_list()
    )
    return found[:first], len(found) > first


async def find_message(message_id: str) -> OutboxMessage | None:
    if not PydanticObjectId.is_valid(message_id):
        return None
    return await OutboxMessage.get(PydanticObjectId(message_id))


async def redeliver_dead(message_id: str) -> OutboxMessage:
    """A dead letter back to PENDING, due now, with a fresh retry window. Only a dead
    letter: a pending one is already on its way (possibly leased by a worker right now),
    and sending a delivered one again would put an old message after newer ones."""
    found = await find_message(message_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such outbox message", "id")
    if found.status is not DeliveryStatus.DEAD:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"only a dead letter is redelivered; this one is {found.status}",
            "id",
        )
    # Workers change only PENDING messages, so a DEAD one stays so until this update.
    await deliveries.redeliver(OutboxMessage, found.id)
    again = await OutboxMessage.get(found.id)
    assert again is not None
    return again
