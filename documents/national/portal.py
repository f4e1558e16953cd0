"""The port to the national public service portal: status updates go out through it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from documents.common.deliveries import Sent


class NationalPortal(Protocol):
    """Publishes one status update; `message_id` is its idempotency key. Never raises
    for the portal's own failures: they are a `Sent` that was not delivered."""

    async def publish(self, message_id: str, update: Mapping[str, Any]) -> Sent: ...
