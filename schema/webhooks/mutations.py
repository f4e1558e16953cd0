"""Registering and deleting webhooks, and redelivering a delivery."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.common.errors import ErrorCode
from documents.webhooks.delivery import find_delivery, forget_deliveries, redeliver
from documents.webhooks.subscriptions import create_webhook
from documents.webhooks.targets import target_refusal
from schema.core.context import Info
from schema.core.errors import errors_from_validation
from schema.core.global_ids import raw_key
from schema.webhooks.inputs import RegisterWebhookInput
from schema.webhooks.ownership import manageable_webhook, require_webhooks
from schema.webhooks.types import (
    WebhookDeliveryPayload,
    WebhookDeliveryType,
    WebhookError,
    WebhookPayload,
    WebhookType,
)


def _not_found(field: str, what: str) -> WebhookError:
    return WebhookError(field=field, message=f"no such {what}", code=ErrorCode.NOT_FOUND)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="POST matching dossier events to a URL, signed.")
    async def register_webhook(
        self,
        info: Info,
        input: Annotated[
            RegisterWebhookInput,
            strawberry.argument(description="The URL and which events to send."),
        ],
    ) -> WebhookPayload:
        await require_webhooks(info)
        settings = info.context.request.app.state.settings
        refusal = await target_refusal(input.url, settings.allow_private_webhook_targets)
        if refusal is not None:
            error = WebhookError(field="url", message=refusal, code=ErrorCode.VALIDATION_FAILED)
            return WebhookPayload(errors=[error])
        try:
            hook = await create_webhook(
                input.url, input.stored_filter(), info.context.principal, input.secret
            )
        except ValidationError as error:
            return WebhookPayload(errors=errors_from_validation(WebhookError, error))
        info.context.audit.change("webhook", hook.webhook_id, None, hook, exclude={"secret"})
        return WebhookPayload(webhook=WebhookType.from_document(hook), secret=hook.secret)

    @strawberry.mutation(description="Stop deliveries; pending ones are dropped.")
    async def delete_webhook(self, info: Info, webhook_id: str) -> WebhookPayload:
        hook = await manageable_webhook(info, raw_key(webhook_id, "Webhook"))
        if hook is None:
            return WebhookPayload(errors=[_not_found("webhookId", "webhook")])
        await hook.delete()
        await forget_deliveries(hook.webhook_id)
        info.context.audit.change("webhook", hook.webhook_id, hook, None, exclude={"secret"})
        return WebhookPayload(webhook=WebhookType.from_document(hook))

    @strawberry.mutation(description="Attempt a delivery again (e.g. a dead letter), now.")
    async def redeliver_webhook_delivery(self, info: Info, id: str) -> WebhookDeliveryPayload:
        delivery = await find_delivery(raw_key(id, "WebhookDelivery"))
        hook = await manageable_webhook(info, delivery.webhook_id) if delivery else None
        if delivery is None or hook is None:
            return WebhookDeliveryPayload(errors=[_not_found("id", "delivery")])
        again = await redeliver(delivery)
        info.context.audit.targets.append(f"webhookDelivery:{again.id}")
        return WebhookDeliveryPayload(delivery=WebhookDeliveryType.from_document(again))
