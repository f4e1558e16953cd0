"""Probes for orchestrators and load balancers: `/healthz` (the process answers) and
`/readyz` (it can do its work: the database, the embedded database's supervisor, the
event hub's stream, the workers)."""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo.errors import PyMongoError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

OK = "ok"
OFF = "off"  # background services turned off by configuration: not a fault
NO_STORE = {"cache-control": "no-store"}


async def liveness(request: Request) -> JSONResponse:
    """Alive: the event loop answers. No database call, so a database outage never gets
    the process restarted."""
    return JSONResponse({"status": "alive"}, headers=NO_STORE)


async def database_check(client: Any, seconds: float) -> str:
    if client is None:
        return "not connected"
    try:
        with pymongo.timeout(seconds):
            await client.admin.command("ping")
    except PyMongoError as error:
        return "timeout" if error.timeout else "unreachable"
    return OK


def worker_check(worker: Any) -> str:
    if worker is None:
        return "not started"
    return OK if worker.running else "stopped"


async def readiness(request: Request) -> JSONResponse:
    """Ready: 200 when every check is ok, else 503; the body names each check's state
    (fixed words only, never an error's text)."""
    state = request.app.state
    settings = state.settings
    checks = {
        "database": await database_check(
            getattr(state, "client", None), settings.readiness_timeout_seconds
        )
    }
    supervisor = getattr(state, "embedded_database", None)
    if supervisor is not None:
        embedded = supervisor.state
        checks["embeddedDatabase"] = OK if embedded == "up" else str(embedded)
    background = {
        "eventHub": getattr(state, "hub", None),
        "webhookWorker": getattr(getattr(state, "webhooks", None), "rounds", None),
        "deadlineSweeper": getattr(getattr(state, "sweeper", None), "rounds", None),
    }
    for name, worker in background.items():
        if not settings.background_services:
            checks[name] = OFF
        elif name == "eventHub" and worker is not None and worker.running:
            checks[name] = OK if worker.stream_open else "change stream closed"
        else:
            checks[name] = worker_check(worker)
    ready = all(value in (OK, OFF) for value in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    watcher = getattr(state, "schema_watcher", None)
    if watcher is not None and settings.background_services:
        # The live schema (docs/codegen.md): a failed rebuild keeps the previous schema,
        # so it is reported here without making the process unready.
        body["schema"] = {
            "formVersions": watcher.forms,
            "rebuilds": watcher.rebuilds,
            "failedRebuilds": watcher.failures,
            "failingNow": watcher.failing > 0,
            "changeStream": OK if watcher.stream_open else "closed",
        }
    if supervisor is not None:
        # Our own sentences, never an error's text: no paths, no addresses.
        body["embeddedDatabase"] = {
            "state": str(supervisor.state),
            "restartAttempt": supervisor.attempt,
            "restarts": supervisor.restarts,
            "reason": supervisor.reason,
        }
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


def health_routes() -> list[Route]:
    return [
        Route("/healthz", liveness, methods=["GET"]),
        Route("/readyz", readiness, methods=["GET"]),
    ]
