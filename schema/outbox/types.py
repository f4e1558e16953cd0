"""The outbox as operators see it, as GraphQL types: figures per destination, messages
without their payload, and the payloads of the operator's mutation."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from documents.outbox.backlog import Backlog
from documents.outbox.messages import Destination, OutboxMessage
from schema.core.enums import DeliveryStatus
from schema.core.errors import UserError
from schema.core.global_ids import derived_id

strawberry.enum(Destination, name="OutboxDestination", description="An external system.")


@strawberry.type(
    name="OutboxDestinationStatus", description="The outbox's figures for one external system."
)
class DestinationStatusType:
    id: strawberry.ID = strawberry.field(description="Stable id: the destination.")
    destination: Destination = strawberry.field(description="The external system.")
    configured: bool = strawberry.field(
        description="Whether this API process has an adapter for it; if not, its messages "
        "wait in the outbox until one is configured."
    )
    pending: int = strawberry.field(description="The backlog: messages not yet delivered.")
    dead_letters: int = strawberry.field(
        description="Messages given up on (redeliverOutboxMessage sends one again)."
    )
    delivered: int = strawberry.field(
        description="Messages delivered and still kept (MOTCUA_DELIVERED_RETENTION_DAYS)."
    )
    oldest_pending_seconds: float | None = strawberry.field(
        description="How long the oldest pending message has waited; null when none does."
    )
    oldest_pending_since: datetime | None = strawberry.field(
        description="When the oldest pending message was written; null when none waits."
    )

    @classmethod
    def from_backlog(cls, backlog: Backlog, configured: bool) -> DestinationStatusType:
        return cls(
            id=derived_id("OutboxDestinationStatus", backlog.destination.value),
            destination=backlog.destination,
            configured=configured,
            pending=backlog.pending,
            dead_letters=backlog.dead,
            delivered=backlog.delivered,
            oldest_pending_seconds=backlog.oldest_pending_seconds,
            oldest_pending_since=backlog.oldest_pending_at,
        )


@strawberry.type(name="OutboxAttempt", description="One try at delivering an outbox message.")
class OutboxAttemptType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its message's id and the try's number, from 1."
    )
    at: datetime = strawberry.field(description="When it was tried.")
    duration_ms: int = strawberry.field(description="How long it took, in milliseconds.")
    http_status: int | None = strawberry.field(description="Null when no response came.")
    error: str | None = strawberry.field(description="The kind of failure, e.g. timeout.")


@strawberry.type(
    name="OutboxMessage",
    description="A message to an external system, without its payload (docs/integrations.md).",
)
class OutboxMessageType:
    """Without the payload: what was sent is the dossier's own business."""

    id: strawberry.ID = strawberry.field(
        description="Stable id of the message, from `messageId` (not a `Node`)."
    )
    message_id: str = strawberry.field(
        description="The message's id: the idempotency key its adapter sends."
    )
    destination: Destination = strawberry.field(description="The system it goes to.")
    key: str = strawberry.field(description="What orders it: a dossier code or an order reference.")
    sequence: int = strawberry.field(
        description="Its place among the messages with the same `destination` and `key`."
    )
    kind: str = strawberry.field(description="What it says, e.g. status, order, notification.")
    status: DeliveryStatus = strawberry.field(description="DEAD: a dead letter.")
    attempts: list[OutboxAttemptType] = strawberry.field(description="Its tries, oldest first.")
    created_at: datetime = strawberry.field(
        description="When it was written, with the change it reports."
    )
    next_attempt_at: datetime = strawberry.field(
        description="When it will be tried next (for PENDING)."
    )

    @classmethod
    def from_document(cls, message: OutboxMessage) -> OutboxMessageType:
        message_id = str(message.id)
        return cls(
            id=derived_id("OutboxMessage", message_id),
            message_id=message_id,
            destination=message.destination,
            key=message.key,
            sequence=message.sequence,
            kind=message.kind,
            status=message.status,
            attempts=[
                OutboxAttemptType(id=derived_id("OutboxAttempt", message_id, n), **a.model_dump())
                for n, a in enumerate(message.attempts, start=1)
            ],
            created_at=message.created_at,
            next_attempt_at=message.next_attempt_at,
        )


@strawberry.type(description="An outbox message and its cursor.")
class OutboxMessageEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read on from here.")
    node: OutboxMessageType = strawberry.field(description="The message.")


@strawberry.type(description="A page of outbox messages, newest first.")
class OutboxMessageConnection:
    """Newest first."""

    edges: list[OutboxMessageEdge] = strawberry.field(description="The messages of the page.")
    page_info: relay.PageInfo = strawberry.field(description="Where the page stands in the list.")


@strawberry.type(description="An outbox mutation's error; `field` is the input at fault.")
class OutboxError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class OutboxMessagePayload:
    message: OutboxMessageType | None = strawberry.field(
        default=None,
        description="The outbox message as it is now; null when there are errors.",
    )
    errors: list[OutboxError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
