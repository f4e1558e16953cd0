"""Probes: /healthz answers without the database; /readyz follows the database, the event
hub's change stream and the workers, and comes back by itself when the database does."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from api.embedded import EmbeddedDatabase
from tests.api.restarts import app_on, own_database, poll_readiness, restart_on_the_same_port

__all__ = ["own_database"]  # a fixture, used by name below


async def test_healthz_answers_without_touching_the_database(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response.headers["cache-control"] == "no-store"


async def test_readyz_with_background_services_off_checks_the_database_only(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {
            "database": "ok",
            "eventHub": "off",
            "webhookWorker": "off",
            "deadlineSweeper": "off",
        },
    }


async def test_readyz_goes_not_ready_when_the_database_stops_and_ready_when_it_returns(
    own_database: EmbeddedDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async for app, http in app_on(own_database, tmp_path):
        ready = await poll_readiness(http, 200, within=10)
        assert set(ready["checks"].values()) == {"ok"}

        await asyncio.to_thread(own_database.stop)
        stopped = time.monotonic()
        down = await poll_readiness(http, 503, within=5)
        assert time.monotonic() - stopped < 5
        assert down["status"] == "not ready"
        assert down["checks"]["database"] in ("unreachable", "timeout")
        # Fixed words only: no error text, no address.
        assert "127.0.0.1" not in str(down)
        assert (await http.get("/healthz")).status_code == 200  # alive all the same

        await restart_on_the_same_port(own_database, monkeypatch)
        again = await poll_readiness(http, 200, within=30)
        assert set(again["checks"].values()) == {"ok"}
        assert app.state.hub.stream_open
        assert app.state.hub.restarts >= 1  # the hub reopened its stream by itself
