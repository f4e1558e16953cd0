"""The ports that reach the applicant: e-mail, and a gateway for SMS and Zalo."""

from __future__ import annotations

from typing import Protocol

from documents.common.deliveries import Sent


class Mailer(Protocol):
    """Sends one e-mail; never raises for the mail server's own failures."""

    async def send_mail(self, message_id: str, to: str, subject: str, body: str) -> Sent: ...


class TextGateway(Protocol):
    """Sends one text by `channel` ("SMS" or "ZALO"); never raises for the gateway's
    own failures."""

    async def send_text(self, message_id: str, channel: str, to: str, body: str) -> Sent: ...
