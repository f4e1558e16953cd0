"""Webhook subscriptions over GraphQL: register, list, delete, inspect and redeliver.

Integrators (whose key may subscribe) and administrators register webhooks; each sees
and manages its own, system administrators every one. Secrets are shown only once.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from pydantic import ValidationError
from strawberry import relay

from documents.access.principals import PrincipalKind
from documents.common.errors import ErrorCode
from documents.dossiers.dossier import DossierStatus
from documents.dossiers.events import EventType
from documents.dossiers.feed import EventFilter
from documents.dossiers.search import MAX_PAGE
from documents.webhooks.delivery import (
    DeliveryStatus,
    WebhookDelivery,
    deliveries_page,
    find_delivery,
    forget_deliveries,
    redeliver,
)
from documents.webhooks.subscriptions import Webhook, create_webhook, find_webhook, webhooks_of
from documents.webhooks.targets import target_refusal
from schema.core.context import Info
from schema.core.errors import UserError, errors_from_validation
from schema.core.pagination import InvalidCursorError, page_info
from schema.core.permissions import PermissionDeniedError
from schema.dossiers.subscriptions import DossierEventFilter

strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type(name="WebhookFilter")
class WebhookFilterType:
    dossier_code: str | None
    procedure_codes: list[str]
    agency_codes: list[str]
    types: list[EventType]
    statuses: list[DossierStatus]


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


@strawberry.input
class RegisterWebhookInput:
    url: str
    filter: DossierEventFilter | None = None
    secret: str | None = strawberry.field(
        default=None, description="At least 16 characters; generated when left out."
    )


def _stored(wanted: DossierEventFilter | None) -> EventFilter:
    if wanted is None:
        return EventFilter()
    return EventFilter(
        dossier_code=wanted.dossier_code,
        procedure_codes=wanted.procedure_codes or [],
        agency_codes=wanted.agency_codes or [],
        types=wanted.types or [],
        statuses=wanted.statuses or [],
    )


async def _require_webhooks(info: Info) -> None:
    if not (await info.context.access()).can_register_webhooks():
        raise PermissionDeniedError("webhooks are for administrators and subscribing integrators")


async def _manageable(info: Info, webhook_id: str) -> Webhook | None:
    """The webhook if it exists and is the caller's (or the caller is a system admin)."""
    await _require_webhooks(info)
    hook = await find_webhook(webhook_id)
    principal = info.context.principal
    if hook is None or (
        principal.kind is not PrincipalKind.SYSTEM_ADMIN and not hook.owned_by(principal)
    ):
        return None
    return hook


def _not_found(field: str, what: str) -> WebhookError:
    return WebhookError(field=field, message=f"no such {what}", code=ErrorCode.NOT_FOUND)


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Your webhooks; every webhook for a system administrator.")
    async def webhooks(self, info: Info) -> list[WebhookType]:
        await _require_webhooks(info)
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
        status: DeliveryStatus | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        if after is not None and not PydanticObjectId.is_valid(after):
            raise InvalidCursorError
        hook = await _manageable(info, webhook_id)
        found: list[WebhookDelivery] = []
        more = False
        if hook is not None:
            start = PydanticObjectId(after) if after else None
            found, more = await deliveries_page(
                webhook_id, status, max(0, min(first, MAX_PAGE)), start
            )
        edges = [
            WebhookDeliveryEdge(cursor=str(d.id), node=WebhookDeliveryType.from_document(d))
            for d in found
        ]
        return WebhookDeliveryConnection(
            edges=edges,
            page_info=page_info(edges, more, after),
        )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="POST matching dossier events to a URL, signed.")
    async def register_webhook(self, info: Info, input: RegisterWebhookInput) -> WebhookPayload:
        await _require_webhooks(info)
        settings = info.context.request.app.state.settings
        refusal = await target_refusal(input.url, settings.allow_private_webhook_targets)
        if refusal is not None:
            error = WebhookError(field="url", message=refusal, code=ErrorCode.VALIDATION_FAILED)
            return WebhookPayload(errors=[error])
        try:
            hook = await create_webhook(
                input.url, _stored(input.filter), info.context.principal, input.secret
            )
        except ValidationError as error:
            return WebhookPayload(errors=errors_from_validation(WebhookError, error))
        info.context.audit.change("webhook", hook.webhook_id, None, hook, exclude={"secret"})
        return WebhookPayload(webhook=WebhookType.from_document(hook), secret=hook.secret)

    @strawberry.mutation(description="Stop deliveries; pending ones are dropped.")
    async def delete_webhook(self, info: Info, webhook_id: str) -> WebhookPayload:
        hook = await _manageable(info, webhook_id)
        if hook is None:
            return WebhookPayload(errors=[_not_found("webhookId", "webhook")])
        await hook.delete()
        await forget_deliveries(hook.webhook_id)
        info.context.audit.change("webhook", hook.webhook_id, hook, None, exclude={"secret"})
        return WebhookPayload(webhook=WebhookType.from_document(hook))

    @strawberry.mutation(description="Attempt a delivery again (e.g. a dead letter), now.")
    async def redeliver_webhook_delivery(self, info: Info, id: str) -> WebhookDeliveryPayload:
        delivery = await find_delivery(id)
        hook = await _manageable(info, delivery.webhook_id) if delivery else None
        if delivery is None or hook is None:
            return WebhookDeliveryPayload(errors=[_not_found("id", "delivery")])
        await redeliver(delivery)
        info.context.audit.targets.append(f"webhookDelivery:{delivery.id}")
        return WebhookDeliveryPayload(delivery=WebhookDeliveryType.from_document(delivery))
