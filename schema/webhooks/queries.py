"""Listing webhooks and inspecting their deliveries."""

from __future__ import annotations

from typing import Annotated

import strawberry
from beanie import PydanticObjectId

from documents.access.principals import PrincipalKind
from documents.common.paging import page_size
from documents.webhooks.delivery import WebhookDelivery, deliveries_page
from documents.webhooks.subscriptions import webhooks_of
from schema.core.context import Info
from schema.core.enums import DeliveryStatus
from schema.core.global_ids import raw_key
from schema.core.pagination import InvalidCursorError, page_info
from schema.webhooks.ownership import manageable_webhook, require_webhooks
from schema.webhooks.types import (
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    WebhookDeliveryType,
    WebhookType,
)


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Your webhooks; every webhook for a system administrator.")
    async def webhooks(self, info: Info) -> list[WebhookType]:
        await require_webhooks(info)
        principal = info.context.principal
        everyone = principal.kind is PrincipalKind.SYSTEM_ADMIN
        return [
            WebhookType.from_document(h) for h in await webhooks_of(None if everyone else principal)
        ]

    @strawberry.field(description="A webhook's deliveries with their attempts, newest first.")
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: str,
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only these; all when null.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="At most this many (up to 100).")
        ] = 20,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        if after is not None and not PydanticObjectId.is_valid(after):
            raise InvalidCursorError
        hook = await manageable_webhook(info, raw_key(webhook_id, "Webhook"))
        found: list[WebhookDelivery] = []
        more = False
        if hook is not None:
            start = PydanticObjectId(after) if after else None
            found, more = await deliveries_page(hook.webhook_id, status, page_size(first), start)
        edges = [
            WebhookDeliveryEdge(cursor=str(d.id), node=WebhookDeliveryType.from_document(d))
            for d in found
        ]
        return WebhookDeliveryConnection(
            edges=edges,
            page_info=page_info(edges, more, after),
        )
