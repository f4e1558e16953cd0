"""The port to the national payment platform: payment orders, cancellations, refunds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from documents.common.deliveries import Sent


class PaymentPlatform(Protocol):
    """Sends one request of `kind` ("order", "cancel", "refund"); `message_id` is its
    idempotency key. Never raises for the platform's own failures."""

    async def send(self, message_id: str, kind: str, body: Mapping[str, Any]) -> Sent: ...
