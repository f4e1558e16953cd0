"""The national public service portal adapter: the `NationalPortal` port over HTTP, at
MOTCUA_PORTAL_URL (in development, the simulator `motcua serve` starts).

The portal's own interface could not be checked here, so the names on the wire are
motcua's; they are mapped from the outbox payload in this one place (`wire`), which is
what changes when the national format is confirmed (docs/integrations.md, "Portal")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.adapters import posting
from api.settings import Settings
from documents.common.deliveries import Sent

# The outbox payload's names (documents/outbox/portal_sync.py) → the names sent.
_NAMES = {
    "dossier_code": "dossierCode",
    "procedure_code": "procedureCode",
    "handling_agency_code": "agencyCode",
    "receiving_agency_code": "receivingAgencyCode",
    "status_code": "statusCode",
    "status": "motcuaStatus",
    "channel_code": "channelCode",
    "received_at": "receivedAt",
    "appointment_at": "appointmentAt",
    "due_at": "dueAt",
    "finished_at": "finishedAt",
    "sequence": "sequence",
    "event": "event",
}


def wire(update: Mapping[str, Any]) -> dict[str, Any]:
    """The body the portal receives for an outbox payload."""
    body = {sent: update.get(name) for name, sent in _NAMES.items()}
    body["fees"] = {
        "due": update.get("fee_due", 0),
        "paid": update.get("fee_paid", 0),
        "paymentStatus": update.get("payment_status"),
    }
    body["results"] = [
        {"code": r.get("code"), "type": r.get("type"), "electronic": r.get("electronic")}
        for r in update.get("results") or []
    ]
    return body


class PortalAdapter:
    """One HTTP client per app, closed with it. Never raises for the portal's failures:
    a refused connection, a timeout, a 5xx, 408 or 429 is retried later; any other 4xx
    refuses the update itself (a dead letter at once). Logs name only what failed."""

    def __init__(self, url: str, secret: str | None, timeout_seconds: float) -> None:
        self._secret = secret
        self._timeout = timeout_seconds
        self._client = posting.client(url, timeout_seconds)

    async def publish(self, message_id: str, update: Mapping[str, Any]) -> Sent:
        body = posting.json_body(wire(update))
        sent_headers = posting.headers(message_id, body, self._secret)
        sent, _ = await posting.post(
            self._client, "status-updates", body, sent_headers, self._timeout, "portal update"
        )
        return sent

    async def aclose(self) -> None:
        await self._client.aclose()


def portal_adapter(settings: Settings) -> PortalAdapter:
    """The app's adapter, from MOTCUA_PORTAL_URL (set) and MOTCUA_PORTAL_SECRET."""
    assert settings.portal_url is not None
    return PortalAdapter(
        settings.portal_url, settings.portal_secret, settings.integration_timeout_seconds
    )
