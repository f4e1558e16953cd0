"""The Starlette application factory; the lifespan connects and closes."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from pymongo.monitoring import CommandListener
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from api.database import connect
from api.embedded import EmbeddedDatabase
from api.http.downloads import download_route
from api.http.graphql import graphql_app
from api.http.pages import page_routes
from api.http.receipt import receipt_route
from api.middleware.authentication import AuthMiddleware
from api.middleware.rate_limit import RateLimitMiddleware
from api.middleware.request_guard import RequestGuardMiddleware
from api.settings import Settings
from api.workers.hub import EventHub
from api.workers.sweeper import DeadlineSweeper
from api.workers.webhooks import WebhookWorker


def create_app(
    settings: Settings | None = None, command_listeners: Sequence[CommandListener] = ()
) -> Starlette:
    settings = settings or Settings()
    # The driver's debug logs carry whole documents, personal data included.
    logging.getLogger("pymongo").setLevel(max(logging.INFO, logging.getLogger().level))
    graphql = graphql_app(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        embedded = None
        uri = settings.mongodb_uri
        if uri is None:  # e.g. `uvicorn --factory api.app:create_app`
            embedded = EmbeddedDatabase(settings.db_path)
            uri = await asyncio.to_thread(embedded.start)
        client = await connect(uri, settings, command_listeners)
        hub = EventHub(settings.subscriber_queue_size, max_backoff=settings.hub_max_backoff_seconds)
        webhooks = WebhookWorker(settings)
        sweeper = DeadlineSweeper(settings)
        app.state.hub, app.state.webhooks, app.state.sweeper = hub, webhooks, sweeper
        if settings.background_services:
            await hub.start()
            await webhooks.start()
            await sweeper.start()
        # Long-lived objects (schema, models) leave the collector's view: a full
        # collection otherwise pauses requests for ~170 ms (docs/benchmarks.md).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if settings.background_services:
                await sweeper.stop()
                await webhooks.stop()
                await hub.stop()
            await client.close()
            if embedded is not None:
                await asyncio.to_thread(embedded.stop)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            receipt_route(),
            *page_routes(),
            download_route(),
        ],
        # Outermost first: ids and limits, then who is asking, then how often.
        middleware=[
            Middleware(RequestGuardMiddleware, settings=settings),
            Middleware(AuthMiddleware, settings=settings),
            Middleware(RateLimitMiddleware, settings=settings),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
