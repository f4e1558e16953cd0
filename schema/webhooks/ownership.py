"""Who may manage webhooks: administrators and subscribing integrators, each its own."""

from __future__ import annotations

from documents.access.principals import PrincipalKind
from documents.webhooks.subscriptions import Webhook, find_webhook
from schema.core.context import Info
from schema.core.permissions import PermissionDeniedError


async def require_webhooks(info: Info) -> None:
    if not (await info.context.access()).can_register_webhooks():
        raise PermissionDeniedError("webhooks are for administrators and subscribing integrators")


async def manageable_webhook(info: Info, webhook_id: str) -> Webhook | None:
    """The webhook if it exists and is the caller's (or the caller is a system admin)."""
    await require_webhooks(info)
    hook = await find_webhook(webhook_id)
    principal = info.context.principal
    if hook is None or (
        principal.kind is not PrincipalKind.SYSTEM_ADMIN and not hook.owned_by(principal)
    ):
        return None
    return hook
