"""Webhooks, their deliveries and attempts, and the payloads, as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from documents.webhooks.delivery import WebhookDelivery, find_delivery
from documents.webhooks.subscriptions import Webhook
from schema.core.context import Info
from schema.core.enums import DeliveryStatus, DossierStatus, EventType
from schema.core.errors import UserError
from schema.core.global_ids import derived_id
from schema.webhooks.ownership import manageable_webhook


@strawberry.type(
    name="WebhookFilter",
    description="Which events a webhook receives: those matching every criterion set.",
)
class WebhookFilterType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its webhook's key (one filter per webhook)."
    )
    dossier_code: str | None = strawberry.field(description="One dossier's events; any when null.")
    procedure_codes: list[str] = strawberry.field(
        description="Events of dossiers of these procedures; any when empty."
    )
    agency_codes: list[str] = strawberry.field(
        description="Events of dossiers these agencies receive or handle; any when empty."
    )
    types: list[EventType] = strawberry.field(description="Events of these types; any when empty.")
    statuses: list[DossierStatus] = strawberry.field(
        description="Events that moved a dossier into one of these statuses; any when empty."
    )
    group_codes: list[str] = strawberry.field(
        default_factory=list, description="Events of these group submissions (any when empty)."
    )


@strawberry.type(
    name="Webhook",
    description="A URL that receives matching dossier events, signed (docs/webhooks.md).",
)
class WebhookType(relay.Node):
    webhook_id: str = strawberry.field(
        description="The webhook's raw key.", deprecation_reason="Use `id`, the global id."
    )
    url: str = strawberry.field(description="Where the events are POSTed.")
    filter: WebhookFilterType = strawberry.field(description="Which events it receives.")
    owner_kind: str = strawberry.field(
        description="Who registered it: INTEGRATOR (an API key) or an administrator's kind."
    )
    owner: str | None = strawberry.field(
        description="The API key id of an integrator, the user id of an administrator."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def from_document(cls, hook: Webhook) -> WebhookType:
        wanted = hook.filter
        return cls(
            webhook_id=hook.webhook_id,
            url=hook.url,
            filter=WebhookFilterType(
                id=derived_id("WebhookFilter", hook.webhook_id),
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

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.webhook_id

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookType | None]:
        wanted = list(node_ids)
        if not (await info.context.access()).can_register_webhooks():
            return [None] * len(wanted)  # hidden, as an unknown id
        hooks = [await manageable_webhook(info, i) for i in wanted]
        return [cls.from_document(h) if h else None for h in hooks]


@strawberry.type(name="WebhookDeliveryAttempt", description="One try at delivering an event.")
class DeliveryAttemptType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its delivery's id and the try's number, from 1."
    )
    at: datetime = strawberry.field(description="When it was tried.")
    duration_ms: int = strawberry.field(description="How long it took, in milliseconds.")
    http_status: int | None = strawberry.field(description="Null when no response came.")
    error: str | None = strawberry.field(
        description="What failed, when it failed; null on success."
    )


@strawberry.type(
    name="WebhookDelivery", description="One event to be delivered to one webhook, with its tries."
)
class WebhookDeliveryType(relay.Node):
    delivery_id: str = strawberry.field(
        description="The delivery's raw key.", deprecation_reason="Use `id`, the global id."
    )
    event_id: str = strawberry.field(
        description="The raw id of the event delivered: its `Motcua-Event-Id` header."
    )
    webhook_id: str = strawberry.field(
        description="The webhook's raw key.",
        deprecation_reason="Use `webhook { id }`, or the webhook's global id.",
    )
    status: DeliveryStatus = strawberry.field(description="DEAD: a dead letter.")
    attempts: list[DeliveryAttemptType] = strawberry.field(description="Its tries, oldest first.")
    created_at: datetime = strawberry.field(
        description="When the event was queued for the webhook."
    )
    next_attempt_at: datetime = strawberry.field(
        description="When it will be tried next (for PENDING)."
    )

    @classmethod
    def from_document(cls, delivery: WebhookDelivery) -> WebhookDeliveryType:
        return cls(
            delivery_id=str(delivery.id),
            event_id=str(delivery.event_id),
            webhook_id=delivery.webhook_id,
            status=delivery.status,
            attempts=[
                DeliveryAttemptType(
                    id=derived_id("WebhookDeliveryAttempt", str(delivery.id), n), **a.model_dump()
                )
                for n, a in enumerate(delivery.attempts, start=1)
            ],
            created_at=delivery.created_at,
            next_attempt_at=delivery.next_attempt_at,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.delivery_id

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookDeliveryType | None]:
        wanted = list(node_ids)
        if not (await info.context.access()).can_register_webhooks():
            return [None] * len(wanted)  # hidden, as an unknown id
        found: list[WebhookDeliveryType | None] = []
        for node_id in wanted:
            delivery = await find_delivery(node_id)
            hook = await manageable_webhook(info, delivery.webhook_id) if delivery else None
            found.append(cls.from_document(delivery) if delivery and hook else None)
        return found

    @strawberry.field(description="The webhook it was delivered for; null if gone.")
    async def webhook(self, info: Info) -> WebhookType | None:
        hook = await manageable_webhook(info, self.webhook_id)
        return WebhookType.from_document(hook) if hook else None


@strawberry.type(description="A delivery and its cursor.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read on from here.")
    node: WebhookDeliveryType = strawberry.field(description="The delivery.")


@strawberry.type(description="A page of a webhook's deliveries, newest first.")
class WebhookDeliveryConnection:
    """Newest first."""

    edges: list[WebhookDeliveryEdge] = strawberry.field(description="The deliveries of the page.")
    page_info: relay.PageInfo = strawberry.field(description="Where the page stands in the list.")


@strawberry.type(description="A webhook mutation's error; `field` is the input at fault.")
class WebhookError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class WebhookPayload:
    webhook: WebhookType | None = strawberry.field(
        default=None,
        description="The webhook as it is now; null when there are errors.",
    )
    secret: str | None = strawberry.field(
        default=None, description="The signing secret, shown only at registration."
    )
    errors: list[WebhookError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryType | None = strawberry.field(
        default=None,
        description="The webhook delivery as it is now; null when there are errors.",
    )
    errors: list[WebhookError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
