"""Webhook subscriptions: where to POST which dossier events, and who asked for them."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field

from documents.access.api_keys import find_api_key
from documents.access.policy import Access, access_for
from documents.access.principals import Principal, PrincipalKind
from documents.common.clock import utcnow
from documents.common.tolerant import readable
from documents.dossiers.feed import EventFilter


class Webhook(Document):
    """The secret signs every delivery, so it is kept; it is shown only at creation."""

    webhook_id: Annotated[str, Indexed(unique=True)]
    url: str = Field(min_length=1, max_length=2000)
    filter: EventFilter = Field(default_factory=EventFilter)
    secret: str = Field(min_length=16, max_length=200)
    owner_kind: PrincipalKind
    # The API key id of an integrator, the user id of an administrator.
    owner: str | None = None
    owner_agency: str | None = None
    created_at: datetime

    class Settings:
        name = "webhooks"

    def owned_by(self, principal: Principal) -> bool:
        return self.owner_kind is principal.kind and self.owner == principal.subject

    async def owner_access(self) -> Access | None:
        """The owner's access now: a revoked key follows nothing."""
        if self.owner_kind is PrincipalKind.INTEGRATOR:
            key = await find_api_key(self.owner or "")
            if key is None or key.revoked_at is not None:
                return None
            return await access_for(key.principal())
        owner = Principal(kind=self.owner_kind, subject=self.owner, agency_code=self.owner_agency)
        return await access_for(owner)


def generate_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


async def create_webhook(
    url: str, event_filter: EventFilter, owner: Principal, secret: str | None = None
) -> Webhook:
    webhook = Webhook(
        webhook_id=secrets.token_hex(8),
        url=url,
        filter=event_filter,
        secret=secret or generate_secret(),
        owner_kind=owner.kind,
        owner=owner.subject,
        owner_agency=owner.agency_code,
        created_at=utcnow(),
    )
    await webhook.insert()
    return webhook


async def find_webhook(webhook_id: str) -> Webhook | None:
    return await Webhook.find_one(Webhook.webhook_id == webhook_id)


async def webhooks_of(principal: Principal | None) -> list[Webhook]:
    """Every webhook (None: a system admin asking) or those the principal registered."""
    if principal is None:
        return await readable(Webhook.find_all().sort("+created_at"))
    query = {"owner_kind": principal.kind.value, "owner": principal.subject}
    return await readable(Webhook.find(query).sort("+created_at"))
