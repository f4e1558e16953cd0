"""Webhooks, their deliveries and attempts, and the payloads, as GraphQL types."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from documents.webhooks.delivery import WebhookDelivery
from documents.webhooks.subscriptions import Webhook
from schema.core.enums import DeliveryStatus, DossierStatus, EventType
from schema.core.errors import UserError


@strawberry.type(name="WebhookFilter")
class WebhookFilterType:
    dossier_code: str | None
    procedure_codes: list[str]
    agency_codes: list[str]
    types: list[EventType]
    statuses: list[DossierStatus]
    group_codes: list[str] = strawberry.field(
        default_factory=list, description="Events of these group submissions (any when empty)."
    )


@strawberry.type(name="Webhook")
class WebhookType:
    webhook_id: str
    url: str
    filter: WebhookFilterType
    owner_kind: str
    owner: str | None
    created_at: datetime

    @classmethod
    def from_document(cls, hook: Webhook) -> WebhookType:
        wanted = hook.filter
        return cls(
            webhook_id=hook.webhook_id,
            url=hook.url,
            filter=WebhookFilterType(
                dossier_code=wanted.dossier_code,
                procedure_codes=wanted.procedure_codes,
                agency_codes=wanted.agency_codes,
                types=wanted.types,
                statuses=wanted.statuses,
                group_codes=wanted.group_codes,
            ),
            owner_kind=hook.owner_kind.value,
            owner=hook.owner,
            created_at=hook.created_at,
        )


@strawberry.type(name="WebhookDeliveryAttempt")
class DeliveryAttemptType:
    at: datetime
    duration_ms: int
    http_status: int | None = strawberry.field(description="Null when no response came.")
    error: str | None


@strawberry.type(name="WebhookDelivery")
class WebhookDeliveryType:
    delivery_id: str
    event_id: str
    webhook_id: str
    status: DeliveryStatus = strawberry.field(description="DEAD: a dead letter.")
    attempts: list[DeliveryAttemptType]
    created_at: datetime
    next_attempt_at: datetime

    @classmethod
    def from_document(cls, delivery: WebhookDelivery) -> WebhookDeliveryType:
        return cls(
            delivery_id=str(delivery.id),
            event_id=str(delivery.event_id),
            webhook_id=delivery.webhook_id,
            status=delivery.status,
            attempts=[DeliveryAttemptType(**a.model_dump()) for a in delivery.attempts],
            created_at=delivery.created_at,
            next_attempt_at=delivery.next_attempt_at,
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDeliveryType


@strawberry.type
class WebhookDeliveryConnection:
    """Newest first."""

    edges: list[WebhookDeliveryEdge]
    page_info: relay.PageInfo


@strawberry.type
class WebhookError(UserError):
    pass


@strawberry.type
class WebhookPayload:
    webhook: WebhookType | None = None
    secret: str | None = strawberry.field(
        default=None, description="The signing secret, shown only at registration."
    )
    errors: list[WebhookError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryType | None = None
    errors: list[WebhookError] = strawberry.field(default_factory=list)
