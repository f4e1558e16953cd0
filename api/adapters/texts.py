"""The SMS and Zalo adapter: the `TextGateway` port over HTTP, at MOTCUA_SMS_GATEWAY_URL
(in development, the simulator `simulators/sms_gateway.py`).

No national gateway format could be checked here: the protocol is motcua's own
(docs/integrations.md, "Notifications"), `POST {url}/messages` with `{channel, to, text}`,
the message's id as `Idempotency-Key` and `Authorization: Bearer MOTCUA_SMS_GATEWAY_TOKEN`;
a real gateway (an SMS brandname provider, Zalo's notification service) sits behind it,
or this adapter's `wire` is what changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from api.adapters import posting
from api.settings import Settings
from documents.common.deliveries import Sent

# Worth trying again: timed out, throttled, or our token refused (an operator fixes the
# setting; the message itself is fine); 5xx are too. Any other 4xx refuses the message.
_RETRY = posting.RETRIED | {401, 403}


def wire(channel: str, to: str, body: str) -> dict[str, Any]:
    """The body the gateway receives."""
    return {"channel": channel, "to": to, "text": body}


class TextGatewayAdapter:
    """One HTTP client per app, closed with it. Never raises for the gateway's failures;
    logs name only what failed, never the number or the text."""

    def __init__(self, url: str, token: str | None, timeout_seconds: float) -> None:
        self._timeout = timeout_seconds
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        self._client = posting.client(url, timeout_seconds, headers)

    async def send_text(self, message_id: str, channel: str, to: str, body: str) -> Sent:
        content = posting.json_body(wire(channel, to, body))
        sent, response = await posting.post(
            self._client,
            "messages",
            content,
            posting.headers(message_id, content, None),
            self._timeout,
            f"{channel} text",
            retried=_RETRY,
        )
        if not sent.delivered:
            return sent
        return replace(sent, answer=_receipt(response))

    async def aclose(self) -> None:
        await self._client.aclose()


def _receipt(response: httpx.Response | None) -> dict[str, str]:
    """The gateway's id for the text, kept on the outbox message (nothing personal)."""
    found = posting.answer_fields(response, ("id",)).get("id")
    return {"gatewayId": found} if found is not None and len(found) <= 100 else {}


def text_gateway(settings: Settings) -> TextGatewayAdapter:
    """The app's adapter, from MOTCUA_SMS_GATEWAY_URL (set) and its token."""
    assert settings.sms_gateway_url is not None
    return TextGatewayAdapter(
        settings.sms_gateway_url, settings.sms_gateway_token, settings.integration_timeout_seconds
    )
