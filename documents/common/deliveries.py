"""Leased, retried delivery of stored messages: the machinery the webhook deliveries and
the outbox share (docs/integrations.md, "The outbox").

A message is a document with a `status`, its `attempts`, a `retry_since`, a
`next_attempt_at` and a `lease_owner`. A worker leases a due one with
`find_one_and_update`, which moves `next_attempt_at` to when the lease runs out: a leased
message is not due, and one whose worker died is due again then. The outcome is recorded
only while the worker still holds the lease. Failures back off exponentially with full
jitter until the retry window closes; then the message is a dead letter until an
operator redelivers it. A delivered message is kept for an operational window
(`keep_for`), then a TTL index on `purge_at` deletes it; dead letters stay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel, ReturnDocument

from documents.common.clock import utcnow
from documents.common.tolerant import Unreadable, read

D = TypeVar("D", bound=Document)
# Deletes a delivered message once its `purge_at` has passed (about a minute late, by
# the server's TTL monitor, on MongoDB and SecantusDB alike).
PURGE_INDEX = IndexModel([("purge_at", ASCENDING)], name="purge", expireAfterSeconds=0)


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    # Dead letter: retried for the whole retry window without success, or refused for
    # good by the receiver.
    DEAD = "DEAD"


class DeliveryAttempt(BaseModel):
    at: datetime
    duration_ms: int
    http_status: int | None = None
    # The kind of failure (never an exception's text, an address or personal data).
    error: str | None = None


@dataclass(frozen=True)
class Sent:
    """What one attempt came to, as an adapter reports it."""

    delivered: bool
    http_status: int | None = None
    error: str | None = None
    # Retrying cannot help (the receiver refused the content itself): a dead letter now.
    permanent: bool = False
    # What the receiver answered that the sender keeps (a payment link, say); no
    # personal data.
    answer: dict[str, Any] = field(default_factory=dict)


def due(now: datetime) -> dict[str, Any]:
    """Messages to attempt now: pending, and not held by a lease."""
    return {"status": DeliveryStatus.PENDING.value, "next_attempt_at": {"$lte": now}}


async def lease_due(
    model: type[D], owner: str, lease_for: timedelta, also: dict[str, Any] | None = None
) -> D | None:
    """Take the most overdue message of `model` nobody holds (or whose lease has run
    out), among those `also` selects."""
    while True:
        now = utcnow()
        found = await model.get_pymongo_collection().find_one_and_update(
            {**due(now), **(also or {})},
            {"$set": {"lease_owner": owner, "next_attempt_at": now + lease_for}},
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        if found is None:
            return None
        message = read(model, found)
        if not isinstance(message, Unreadable):
            return message
        # A newer version wrote it: counted; its lease keeps it aside until then, and
        # the next due one is taken.


def retry_at(
    attempts: int, retry_since: datetime, base: float, cap: float, window: timedelta
) -> datetime | None:
    """When to retry after the `attempts`-th failed attempt: exponential backoff with
    full jitter; None (dead letter) once that would fall outside the retry window."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    moment = utcnow() + timedelta(seconds=random.uniform(0, ceiling))
    return None if moment > retry_since + window else moment


async def finish_attempt(
    model: type[Document],
    message_id: Any,
    owner: str,
    attempt: DeliveryAttempt,
    *,
    delivered: bool,
    next_at: datetime | None,
    extra: dict[str, Any] | None = None,
    keep_for: timedelta | None = None,
) -> bool:
    """Record an attempt: delivered, else retried at `next_at`, or dead when `next_at`
    is None. `extra` fields are set with it. A delivered message is deleted `keep_for`
    from now (never when None). False when the lease was lost meanwhile."""
    if delivered:
        status = DeliveryStatus.DELIVERED
    else:
        status = DeliveryStatus.PENDING if next_at is not None else DeliveryStatus.DEAD
    changes: dict[str, Any] = {**(extra or {}), "status": status.value, "lease_owner": None}
    if next_at is not None and status is DeliveryStatus.PENDING:
        changes["next_attempt_at"] = next_at
    if delivered and keep_for is not None:
        # Real time, as the TTL monitor counts it, not the business clock.
        changes["purge_at"] = datetime.now(UTC) + keep_for
    result = await model.get_pymongo_collection().update_one(
        {"_id": message_id, "lease_owner": owner, "status": DeliveryStatus.PENDING.value},
        {"$set": changes, "$push": {"attempts": attempt.model_dump()}},
    )
    return result.modified_count == 1


async def redeliver(model: type[Document], message_id: Any) -> bool:
    """Back to PENDING, due now, with a fresh retry window; False when there is no such
    message."""
    now = utcnow()
    result = await model.get_pymongo_collection().update_one(
        {"_id": message_id},
        {
            "$set": {
                "status": DeliveryStatus.PENDING.value,
                "retry_since": now,
                "next_attempt_at": now,
                "lease_owner": None,
                "purge_at": None,
            }
        },
    )
    return result.matched_count == 1
