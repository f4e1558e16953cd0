"""The Starlette application factory; the lifespan connects and closes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route, WebSocketRoute

from api.adapters.population import population_service
from api.adapters.ports import adapters
from api.collector import freeze_long_lived
from api.database import connect
from api.embedded import EXIT_STOP_SECONDS, EmbeddedDatabase
from api.http.downloads import download_route
from api.http.forms import form_routes
from api.http.graphql import graphql_app
from api.http.group_receipt import group_receipt_route
from api.http.health import health_routes
from api.http.pages import page_routes
from api.http.payment_callback import payment_callback_routes
from api.http.portal_submissions import portal_submission_routes
from api.http.receipt import receipt_route
from api.middleware.authentication import AuthMiddleware
from api.middleware.deadline import DatabaseDeadlineMiddleware
from api.middleware.proxies import ProxyHeadersMiddleware
from api.middleware.rate_limit import RateLimitMiddleware
from api.middleware.request_guard import RequestGuardMiddleware
from api.middleware.security_headers import SecurityHeadersMiddleware
from api.observability.kit import OperationsKit
from api.settings import Settings
from api.stopping import Stopping
from api.workers.background import BackgroundServices
from api.workers.database_supervisor import DatabaseSupervisor
from api.workers.session_reaper import lease_sessions, release_sessions

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


def create_app(
    settings: Settings | None = None,
    command_listeners: Sequence[CommandListener] = (),
    tracer_provider: TracerProvider | None = None,
    embedded: EmbeddedDatabase | None = None,
) -> Starlette:
    """The app; `tracer_provider` replaces the one tracing settings would configure;
    `embedded` is the database `motcua serve` started, for the app to supervise."""
    settings = settings or Settings()
    # The driver's debug logs carry whole documents, personal data included.
    logging.getLogger("pymongo").setLevel(max(logging.INFO, logging.getLogger().level))
    graphql = graphql_app(settings)
    # Metrics, tracing, CORS (api/observability/kit.py).
    kit = OperationsKit(settings, tracer_provider)
    kit.instrument(graphql.schema)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = None
        uri = settings.mongodb_uri
        if uri is None:  # e.g. `uvicorn --factory api.app:create_app`
            owned = EmbeddedDatabase(
                settings.db_path, sync_on_commit=settings.embedded_sync_on_commit
            )
            uri = await asyncio.to_thread(owned.start)
        try:
            client = await connect(uri, settings, [*command_listeners, *kit.listeners])
        except BaseException:  # e.g. a refused deployment: leave no database child behind
            if owned is not None:
                await asyncio.to_thread(owned.stop, EXIT_STOP_SECONDS)
            raise
        # The national systems' adapters (the outbox's ports) and the population lookup.
        app.state.adapters = adapters(settings)
        app.state.population = population_service(settings)
        background = BackgroundServices(settings, app.state.adapters, graphql.serve)
        app.state.client, app.state.hub = client, background.hub
        app.state.webhooks, app.state.sweeper = background.webhooks, background.sweeper
        app.state.merge_scheduler, app.state.outbox = background.merges, background.outbox
        app.state.schema_watcher = background.schema
        # Time-limited transactions on leased sessions (api/workers/session_reaper.py).
        app.state.sessions = await lease_sessions(client, settings)
        # Restarts a dead or panicked embedded database (api/workers/database_supervisor.py).
        supervised = owned or embedded
        supervisor = None if supervised is None else DatabaseSupervisor(supervised, settings)
        app.state.embedded_database = supervisor
        if supervisor is not None:
            supervisor.start()
        await background.start()
        kit.start(lambda: app.state)
        # Long-lived objects (schema, models) leave the collector's view: a full
        # collection otherwise pauses requests for ~170 ms (api/collector.py).
        freeze_long_lived()
        try:
            yield
        finally:
            # Side by side and within one time limit, whatever the database is doing:
            # SIGTERM ends the process in time (api/stopping.py).
            stopping = Stopping()
            await stopping.run(
                {
                    "operations kit": kit.stop(),
                    "database supervisor": supervisor.stop() if supervisor else None,
                    **background.stops(),
                    "population adapter": app.state.population.aclose(),
                    "outbox adapters": app.state.adapters.aclose(),
                }
            )
            await stopping.run({"session lease": release_sessions(client, app.state.sessions)})
            await stopping.close(client)
            if owned is not None:
                await asyncio.to_thread(owned.stop, EXIT_STOP_SECONDS)

    routes: list[BaseRoute] = [
        *health_routes(),
        *kit.routes(),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        # Misses on dossier pages spend the public look-up budget (api/http/dossier_access.py).
        receipt_route(graphql.public_lookups),
        group_receipt_route(graphql.public_lookups),  # a group's (docs/groups.md)
        *form_routes(graphql.public_lookups, settings),  # and the tracking book
        *page_routes(),
        download_route(graphql.public_lookups),
        *portal_submission_routes(settings),  # signed by the national portal
        *payment_callback_routes(settings),  # signed by the payment platform
    ]
    app = Starlette(
        routes=routes,
        # Outermost first: metrics and CORS (on every answer), ids and limits, then who
        # is asking, then how often.
        middleware=[
            *kit.middleware(routes),
            Middleware(SecurityHeadersMiddleware),  # on every response, refusals included
            # Who the client is, behind trusted reverse proxies, before anyone asks.
            Middleware(ProxyHeadersMiddleware, settings=settings),
            Middleware(RequestGuardMiddleware, settings=settings),
            # Each request's database time, and 503 when the database is unavailable.
            Middleware(DatabaseDeadlineMiddleware, settings=settings),
            Middleware(AuthMiddleware, settings=settings),
            Middleware(RateLimitMiddleware, settings=settings),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    kit.observe(lambda: app.state)
    return app
