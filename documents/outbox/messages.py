"""An outgoing message: to which external system, in which order, and how its delivery
went (docs/integrations.md, "The outbox")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import Field, model_validator
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.deliveries import PURGE_INDEX, DeliveryAttempt, DeliveryStatus


class Destination(StrEnum):
    """The external system a message goes to; each has one adapter."""

    PORTAL = "PORTAL"  # the national public service portal: status sync
    PAYMENT = "PAYMENT"  # the national payment platform: orders, cancellations, refunds
    EMAIL = "EMAIL"  # notifications over SMTP
    SMS = "SMS"  # notifications through the SMS gateway
    ZALO = "ZALO"  # notifications through the gateway's Zalo channel


class OutboxMessage(Document):
    """Written in the transaction of the change it reports (`documents/outbox/following.py`),
    so a crash loses none; delivered at least once, and the receiver makes a repeat change
    nothing, by the message's id (the idempotency key every adapter sends).

    Messages with the same `destination` and `key` (a dossier's code, an order's reference)
    are delivered in `sequence` order (then `_id`): the next waits until the one before is
    delivered or dead (`documents/outbox/ordering.py`)."""

    destination: Destination
    key: str
    sequence: int
    # What the message says, e.g. "status", "order", "notification"; `payload` holds it,
    # without personal data: an addressee is read from the dossier when it is sent.
    kind: str
    payload: dict[str, Any] = Field(default_factory=dict)
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    created_at: datetime
    retry_since: datetime
    next_attempt_at: datetime
    lease_owner: str | None = None
    # When a delivered message is deleted (documents/common/deliveries.py).
    purge_at: datetime | None = None
    # What the receiver answered that is kept (no personal data), once delivered.
    answer: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _identified(self) -> OutboxMessage:
        """The id is chosen when the message is made, so a retried transaction reuses it."""
        if self.id is None:
            self.id = PydanticObjectId()
        return self

    class Settings:
        name = "outbox"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="due"),
            IndexModel(
                [("destination", ASCENDING), ("key", ASCENDING), ("sequence", ASCENDING)],
                name="by_key",
            ),
            IndexModel([("destination", ASCENDING), ("_id", DESCENDING)], name="by_destination"),
            # The operators' figures: counts per destination and status, oldest pending
            # first (documents/outbox/backlog.py); equalities then one range, as
            # SecantusDB's planner serves them.
            IndexModel(
                [("destination", ASCENDING), ("status", ASCENDING), ("created_at", ASCENDING)],
                name="by_status",
            ),
            PURGE_INDEX,
        ]


def message(
    destination: Destination,
    key: str,
    sequence: int,
    kind: str,
    payload: dict[str, Any],
    at: datetime,
) -> OutboxMessage:
    """A message due at `at`."""
    return OutboxMessage(
        destination=destination,
        key=key,
        sequence=sequence,
        kind=kind,
        payload=payload,
        created_at=at,
        retry_since=at,
        next_attempt_at=at,
    )


async def enqueue(session: AsyncClientSession, messages: Sequence[OutboxMessage]) -> None:
    """Write `messages` in the transaction `session` runs."""
    if messages:
        await OutboxMessage.insert_many(list(messages), session=session)
