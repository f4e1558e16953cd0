"""An app on an embedded database of its own, supervised with short intervals, and the
submissions and reads a test makes through it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
from starlette.applications import Starlette

from api.settings import Settings
from api.workers.database_supervisor import DatabaseSupervisor
from tests.catalogue import load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """
mutation Submit($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code } }
}
"""
DOSSIER = "query Dossier($code: String!) { dossier(code: $code) { code status } }"


def supervised(data_dir: Path, **changes: Any) -> Settings:
    """No URI: the app starts (and supervises) an embedded database in `data_dir`."""
    values: dict[str, Any] = {
        "mongodb_uri": None,
        "data_dir": data_dir,
        "dev_mode": True,
        "background_services": False,
        "embedded_check_seconds": 0.2,
        "embedded_check_failures": 2,
        "embedded_max_backoff_seconds": 1.0,
        "embedded_min_free_bytes": 0,
        "readiness_timeout_seconds": 1.0,
        **changes,
    }
    return Settings(**values)


class Embedded:
    """The app, its HTTP client, an officer who submits, and the supervisor."""

    def __init__(self, app: Starlette, http: httpx.AsyncClient, settings: Settings) -> None:
        self.app, self.http = app, http
        self.officer = GraphQLClient(http, settings).as_role("officer:reception")
        supervisor = app.state.embedded_database
        assert isinstance(supervisor, DatabaseSupervisor)
        self.supervisor = supervisor

    async def submit(self, data: dict[str, Any] | None = None) -> str | None:
        """The code of the acknowledged dossier; None when the API did not acknowledge."""
        body = await self.officer.execute(SUBMIT, {"input": submission(data)})
        payload = (body.get("data") or {}).get("submitDossier")
        if "errors" in body or not payload or payload["errors"]:
            return None
        code: str = payload["dossier"]["code"]
        return code

    async def stored(self, code: str) -> bool:
        body = await self.officer.execute(DOSSIER, {"code": code})
        assert "errors" not in body, body["errors"]
        return body["data"]["dossier"] is not None

    async def readiness(self) -> tuple[int, dict[str, Any]]:
        response = await self.http.get("/readyz")
        body: dict[str, Any] = response.json()
        return response.status_code, body


@asynccontextmanager
async def embedded_app(settings: Settings) -> AsyncIterator[Embedded]:
    """The app for the block, stopped (its database too) even when the block fails."""
    served = cast("AsyncGenerator[tuple[Starlette, httpx.AsyncClient]]", running_app(settings))
    async with aclosing(served) as apps:
        async for app, http in apps:
            await load_tiny_catalogue()
            yield Embedded(app, http, settings)


async def until(
    supervisor: DatabaseSupervisor,
    condition: Callable[[DatabaseSupervisor], bool],
    within: float,
    what: str,
) -> None:
    """Polls the supervisor until `condition` holds."""
    deadline = time.monotonic() + within
    while not condition(supervisor):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        await asyncio.sleep(0.05)
