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

strawberry.enum(Destination, name="OutboxDestination", description="An external system.")


@strawberry.type(name="OutboxDestinationStatus")
class DestinationStatusType:
    destination: Destination
    configured: bool = strawberry.field(
        description="Whether this API process has an adapter for it; if not, its messages "
        "wait in the outbox until one is configured."
    )
    pending: int = strawberry.field(description="The backlog: messages not yet delivered.")
    dead_letters: int = strawberry.field(
        description="Messages given up on (redeliverOutboxMessage sends one again)."
    )
    delivered: int
    oldest_pending_seconds: float | None = strawberry.field(
        description="How long the oldest pending message has waited; null when none does."
    )
    oldest_pending_since: datetime | None

    @classmethod
    def from_backlog(cls, backlog: Backlog, configured: bool) -> DestinationStatusType:
        return cls(
            destination=backlog.destination,
            configured=configured,
            pending=backlog.pending,
            dead_letters=backlog.dead,
            delivered=backlog.delivered,
            oldest_pending_seconds=backlog.oldest_pending_seconds,
            oldest_pending_since=backlog.oldest_pending_at,
        )


@strawberry.type(name="OutboxAttempt")
class OutboxAttemptType:
    at: datetime
    duration_ms: int
    http_status: int | None = strawberry.field(description="Null when no response came.")
    error: str | None = strawberry.field(description="The kind of failure, e.g. timeout.")


@strawberry.type(name="OutboxMessage")
class OutboxMessageType:
    """Without the payload: what was sent is the dossier's own business."""

    message_id: str
    destination: Destination
    key: str = strawberry.field(description="What orders it: a dossier code or an order reference.")
    sequence: int
    kind: str
    status: DeliveryStatus = strawberry.field(description="DEAD: a dead letter.")
    attempts: list[OutboxAttemptType]
    created_at: datetime
    next_attempt_at: datetime

    @classmethod
    def from_document(cls, message: OutboxMessage) -> OutboxMessageType:
        return cls(
            message_id=str(message.id),
            destination=message.destination,
            key=message.key,
            sequence=message.sequence,
            kind=message.kind,
            status=message.status,
            attempts=[OutboxAttemptType(**a.model_dump()) for a in message.attempts],
            created_at=message.created_at,
            next_attempt_at=message.next_attempt_at,
        )


@strawberry.type
class OutboxMessageEdge:
    cursor: str
    node: OutboxMessageType


@strawberry.type
class OutboxMessageConnection:
    """Newest first."""

    edges: list[OutboxMessageEdge]
    page_info: relay.PageInfo


@strawberry.type
class OutboxError(UserError):
    pass


@strawberry.type
class OutboxMessagePayload:
    message: OutboxMessageType | None = None
    errors: list[OutboxError] = strawberry.field(default_factory=list)
