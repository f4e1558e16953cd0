"""The webhook worker: every API process runs one. It dispatches new dossier events
into deliveries and attempts the due ones it manages to lease (docs/webhooks.md)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import time
from datetime import timedelta

import httpx

from api.settings import Settings
from api.workers.periodic import Periodic
from api.workers.pinning import PinnedTransport
from documents.common.clock import utcnow
from documents.common.signing import signature
from documents.common.tolerant import Unreadable, read_one
from documents.dossiers.events import DossierEvent, EventType
from documents.webhooks.addresses import is_public
from documents.webhooks.delivery import (
    DeliveryAttempt,
    DeliveryError,
    WebhookDelivery,
    dispatch_events,
    finish_attempt,
    lease_due,
    retry_at,
)
from documents.webhooks.subscriptions import Webhook
from documents.webhooks.targets import (
    AddressPolicy,
    Resolver,
    TargetRefusedError,
    TargetUnresolvedError,
    allow_any,
    system_resolver,
    url_refusal,
)

log = logging.getLogger(__name__)

# Deliveries one process attempts at the same time.
LANES = 4


def event_body(event: DossierEvent) -> bytes:
    """What a receiver gets: the event, without the payload (it may hold personal data)."""
    document = {
        "id": str(event.id),
        "type": event.type.value,
        "dossierCode": event.dossier_code,
        "fromStatus": event.from_status.value if event.from_status else None,
        "toStatus": event.to_status.value if event.to_status else None,
        "at": event.at.isoformat(),
        "actor": event.actor,
        # The group submission (docs/groups.md); a group event's own code.
        "groupCode": event.group_code,
    }
    member = event.payload.get("member") if event.type is EventType.GROUP_MEMBER_DONE else None
    if isinstance(member, str):  # a member's code, no personal data
        document["memberDossierCode"] = member
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookWorker:
    def __init__(
        self,
        settings: Settings,
        owner: str | None = None,
        resolver: Resolver = system_resolver,
        permitted: AddressPolicy | None = None,
    ) -> None:
        self.settings = settings
        # Every connection resolves its host once, through `resolver`, and goes only to
        # addresses `permitted` accepts (api/workers/pinning.py).
        self.resolver = resolver
        self.permitted = permitted or (
            allow_any if settings.allow_private_webhook_targets else is_public
        )
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        connect = settings.webhook_connect_timeout_seconds
        read = settings.webhook_read_timeout_seconds
        self.timeout = httpx.Timeout(read, connect=connect)
        # Longer than any one attempt can take, so no other worker starts it meanwhile.
        self.lease = timedelta(seconds=2 * (connect + read) + 30)
        self.client: httpx.AsyncClient | None = None
        # A round waits for attempts in flight; past one attempt's time it is cancelled.
        self.rounds = Periodic(
            f"webhook worker {self.owner}",
            settings.webhook_poll_seconds,
            self.run_once,
            grace=connect + read + 5,
            max_backoff=settings.worker_max_backoff_seconds,
        )

    async def start(self) -> None:
        transport = PinnedTransport(self.resolver, self.permitted)
        self.client = httpx.AsyncClient(
            transport=transport, timeout=self.timeout, follow_redirects=False, trust_env=False
        )
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.stop()
        if self.client is not None:
            await self.client.aclose()

    async def run_once(self) -> int:
        """Dispatch new events, then attempt every due delivery we can lease."""
        await dispatch_events(timedelta(seconds=self.settings.webhook_dispatch_lag_seconds))
        return sum(await asyncio.gather(*(self._drain() for _ in range(LANES))))

    async def _drain(self) -> int:
        done = 0
        while (delivery := await lease_due(self.owner, self.lease)) is not None:
            await self.attempt(delivery)
            done += 1
        return done

    async def attempt(self, delivery: WebhookDelivery) -> bool:
        """One POST; True when the receiver accepted it."""
        started, moment = time.perf_counter(), utcnow()
        status, error = None, None
        hook = await read_one(Webhook, {"webhook_id": delivery.webhook_id})
        event = await read_one(DossierEvent, {"_id": delivery.event_id})
        if isinstance(hook, Unreadable) or isinstance(event, Unreadable):
            # A newer version wrote it: left leased, so it is tried again (perhaps by a
            # process that can read it) when the lease ends; counted, never dead-lettered.
            return False
        if hook is None or event is None:
            error = DeliveryError.WEBHOOK_DELETED if hook is None else DeliveryError.EVENT_GONE
        elif url_refusal(hook.url) is not None:
            error = DeliveryError.REFUSED_TARGET
        else:
            status, error = await self._post(hook.url, hook.secret, event)
        attempt = DeliveryAttempt(
            at=moment,
            duration_ms=round((time.perf_counter() - started) * 1000),
            http_status=status,
            error=error,
        )
        settings = self.settings
        window = timedelta(hours=settings.webhook_retry_hours)
        next_at = None
        if hook is not None and event is not None:
            base, cap = settings.webhook_backoff_seconds, settings.webhook_max_backoff_seconds
            next_at = retry_at(delivery, base, cap, window)
        await finish_attempt(delivery, self.owner, attempt, next_at, settings.keep_delivered)
        return status is not None and 200 <= status < 300

    async def _post(
        self, url: str, secret: str, event: DossierEvent
    ) -> tuple[int | None, DeliveryError | None]:
        assert self.client is not None
        body = event_body(event)
        timestamp = int(utcnow().timestamp())
        headers = {
            "content-type": "application/json",
            "user-agent": "motcua-webhooks/1",
            "motcua-event-id": str(event.id),
            "motcua-timestamp": str(timestamp),
            "motcua-signature": signature(secret, timestamp, body),
        }
        # The owner reads only the kind of failure (documents/webhooks/delivery.py).
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except TargetRefusedError:
            return None, DeliveryError.REFUSED_TARGET
        except httpx.TimeoutException:
            return None, DeliveryError.TIMEOUT
        except (httpx.HTTPError, httpx.InvalidURL, TargetUnresolvedError, OSError):
            return None, DeliveryError.UNREACHABLE
        if response.is_success:
            return response.status_code, None
        return response.status_code, DeliveryError.for_status(response.status_code)
