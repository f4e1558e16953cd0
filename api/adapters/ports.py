"""The adapters of the external systems, built from the settings: one per system whose
endpoint is configured (in development, `motcua serve` points them at the simulators)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from api.settings import Settings
from documents.outbox.carrying import Ports


class Adapters:
    """The outbox's ports, and what closes their clients with the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self.ports = Ports()

    async def aclose(self) -> None:
        for close in reversed(self._closers):
            with contextlib.suppress(Exception):
                await close()
        self._closers.clear()


def adapters(settings: Settings) -> Adapters:
    return Adapters(settings)
