"""Apps for the hardening tests: production and development, with their commands counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.settings import Settings
from tests.conftest import running_app

READS = {"find", "aggregate", "count", "distinct", "getMore"}
AGENCIES = {"query": "{ agencies { code } }"}


class Commands(CommandListener):
    """Records the commands the app sends to the database."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None: ...

    def failed(self, event: CommandFailedEvent) -> None: ...

    def reads(self) -> int:
        return sum(name in READS for name in self.names)


@dataclass
class App:
    http: httpx.AsyncClient
    commands: Commands

    async def post(self, body: Any, **headers: str) -> httpx.Response:
        return await self.http.post("/graphql", json=body, headers=headers)

    async def refused(self, query: str, **payload: Any) -> dict[str, Any]:
        """The response to a document that must not reach the database."""
        self.commands.names.clear()
        response = await self.post({"query": query, **payload})
        assert self.commands.reads() == 0, self.commands.names
        return dict(response.json())


async def serve(settings: Settings, **changes: Any) -> AsyncIterator[App]:
    commands = Commands()
    quiet = settings.model_copy(update={"background_services": False, **changes})
    async for _, http in running_app(quiet, [commands]):
        yield App(http, commands)


@pytest.fixture
async def prod(settings: Settings) -> AsyncIterator[App]:
    async for app in serve(settings, dev_mode=False):
        yield app


@pytest.fixture
async def dev(settings: Settings) -> AsyncIterator[App]:
    async for app in serve(settings):
        yield app


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body["errors"]]
