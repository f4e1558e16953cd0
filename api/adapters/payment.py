"""The national payment platform adapter: the `PaymentPlatform` port over HTTP, at
MOTCUA_PAYMENT_URL (in development, the simulator `motcua serve` starts).

The platform's own interface could not be checked here, so the paths and names on the
wire are motcua's; they are mapped from the outbox payload in this one place (`_PATHS`,
`wire`), which is what changes when the national format is confirmed
(docs/integrations.md, "Payment")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from api.adapters import posting
from api.settings import Settings
from documents.common.deliveries import Sent

# Each kind of message (documents/outbox/payment_messages.py) → its path; {ref} is the
# order's reference, quoted.
_PATHS = {"order": "orders", "cancel": "orders/{ref}/cancel", "refund": "orders/{ref}/refunds"}
# What is kept of the platform's answer to an order.
_KEPT = ("paymentUrl", "platformOrderId")


def wire(kind: str, body: Mapping[str, Any], public_url: str) -> dict[str, Any]:
    """The body the platform receives: the payload, with the way back to this
    deployment's `/tra-cuu` page as a full address."""
    sent = {name: value for name, value in body.items() if name != "returnPath"}
    if kind == "order":
        sent["returnUrl"] = public_url.rstrip("/") + str(body.get("returnPath", "/tra-cuu"))
    return sent


class PaymentAdapter:
    """One HTTP client per app, closed with it. Never raises for the platform's failures:
    a refused connection, a timeout, a 5xx, 408 or 429 is retried later; any other 4xx
    refuses the request itself (a dead letter at once). Logs name only the kind of
    message and what failed, never a body."""

    def __init__(
        self, url: str, secret: str | None, timeout_seconds: float, public_url: str
    ) -> None:
        self._secret = secret
        self._timeout = timeout_seconds
        self._public_url = public_url
        self._client = posting.client(url, timeout_seconds)

    async def send(self, message_id: str, kind: str, body: Mapping[str, Any]) -> Sent:
        if kind not in _PATHS:
            return Sent(delivered=False, error="unknown kind", permanent=True)
        path = _PATHS[kind].format(ref=quote(str(body.get("reference", "")), safe=""))
        content = posting.json_body(wire(kind, body, self._public_url))
        sent_headers = posting.headers(message_id, content, self._secret)
        sent, response = await posting.post(
            self._client, path, content, sent_headers, self._timeout, f"payment {kind}"
        )
        if not sent.delivered:
            return sent
        return replace(sent, answer=posting.answer_fields(response, _KEPT))

    async def aclose(self) -> None:
        await self._client.aclose()


def payment_adapter(settings: Settings) -> PaymentAdapter:
    """The app's adapter, from MOTCUA_PAYMENT_URL (set) and MOTCUA_PAYMENT_SECRET."""
    assert settings.payment_url is not None
    return PaymentAdapter(
        settings.payment_url,
        settings.payment_secret,
        settings.integration_timeout_seconds,
        settings.public_url,
    )
