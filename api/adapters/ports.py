"""The adapters of the external systems, built from the settings: one per system whose
endpoint is configured (in development, `motcua serve` points them at the simulators)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from api.adapters.mail import smtp_mailer
from api.adapters.payment import payment_adapter
from api.adapters.portal import portal_adapter
from api.adapters.texts import text_gateway
from api.settings import Settings
from documents.outbox.carrying import Ports


class Adapters:
    """The outbox's ports, and what closes their clients with the app."""

    def __init__(self) -> None:
        self.ports = Ports()
        self._closers: list[Callable[[], Awaitable[None]]] = []

    def use(self, close: Callable[[], Awaitable[None]] | None = None, **ports: Any) -> None:
        """Plug adapters into `Ports` fields by name; `close` is called with the app."""
        self.ports = dataclasses.replace(self.ports, **ports)
        if close is not None:
            self._closers.append(close)

    async def aclose(self) -> None:
        for close in reversed(self._closers):
            with contextlib.suppress(Exception):
                await close()
        self._closers.clear()


def adapters(settings: Settings) -> Adapters:
    """One adapter per system whose endpoint `settings` configures."""
    made = Adapters()
    made.use(public_url=settings.public_url)  # the `/tra-cuu` links in notifications
    if settings.portal_url:
        made.use(close=(portal := portal_adapter(settings)).aclose, portal=portal)
    if settings.payment_url:
        made.use(close=(payment := payment_adapter(settings)).aclose, payment=payment)
    if (mailer := smtp_mailer(settings)) is not None:
        made.use(close=mailer.aclose, mail=mailer)
    if settings.sms_gateway_url:
        made.use(close=(texts := text_gateway(settings)).aclose, texts=texts)
    return made
