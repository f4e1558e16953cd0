"""A database server of a test's own, stopped and started again on the same port and data,
and an app on it with background services and short backoffs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

import api.embedded
from api.embedded import EmbeddedDatabase
from api.settings import Settings
from tests.conftest import running_app


async def poll_readiness(http: httpx.AsyncClient, want: int, within: float) -> dict[str, Any]:
    """The body of the first /readyz answer with status `want`, within `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        response = await http.get("/readyz")
        if response.status_code == want:
            body: dict[str, Any] = response.json()
            return body
        assert time.monotonic() < deadline, f"/readyz still {response.status_code}"
        await asyncio.sleep(0.1)


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[EmbeddedDatabase]:
    """A database server of the test's own, which it may stop and start again."""
    embedded = EmbeddedDatabase(tmp_path / "db")
    embedded.start()
    try:
        yield embedded
    finally:
        embedded.stop()


async def restart_on_the_same_port(
    embedded: EmbeddedDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = embedded.port
    monkeypatch.setattr(api.embedded, "_free_port", lambda: port)
    await asyncio.to_thread(embedded.start)
    assert embedded.port == port


Served = tuple[Starlette, httpx.AsyncClient]


async def app_on(embedded: EmbeddedDatabase, tmp_path: Path) -> AsyncIterator[Served]:
    settings = Settings(
        # Short server selection, as the workers' rounds and the hub then fail fast.
        mongodb_uri=embedded.uri + "&serverSelectionTimeoutMS=500",
        database="readiness",
        data_dir=tmp_path / "var",
        dev_mode=True,
        webhook_poll_seconds=0.1,
        deadline_sweep_seconds=0.1,
        worker_max_backoff_seconds=1.6,
        hub_max_backoff_seconds=0.5,
        readiness_timeout_seconds=1.0,
    )
    async for served in running_app(settings):
        yield served
