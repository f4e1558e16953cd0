"""The adapters of the external systems, built from the settings: one per system whose
endpoint is configured (in development, `motcua serve` points them at the simulators)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

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
    return made
