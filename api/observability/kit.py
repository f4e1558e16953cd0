"""The operations kit of one app: its metrics, tracing, metrics port and CORS, wired in
by the app factory (docs/production.md)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pymongo.monitoring import CommandListener
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute
from strawberry.extensions import SchemaExtension
from strawberry.schema import Schema
from strawberry.schema.base import BaseSchema

from api.observability.database import DatabaseFailures
from api.observability.exposition import MetricsServer, metrics_route
from api.observability.metrics import Metrics
from api.observability.operations import OperationMetrics
from api.observability.requests import RequestMetricsMiddleware
from api.observability.tracing import configured_provider, tracing_hooks
from api.settings import Settings
from api.workers.periodic import Periodic

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

# What a browser on an allowed origin may send, and read of the answer.
CORS_HEADERS = ("authorization", "content-type", "x-api-key", "x-motcua-csrf", "x-request-id")
CORS_EXPOSED = ("x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining",
                "ratelimit-reset", "ratelimit-policy")  # fmt: skip


class OperationsKit:
    def __init__(self, settings: Settings, tracer_provider: TracerProvider | None = None) -> None:
        """`tracer_provider` replaces (and is not shut down like) the one the settings
        would configure."""
        self.settings = settings
        self.metrics = Metrics()
        self.provider = tracer_provider or configured_provider(settings)
        self._owns_provider = tracer_provider is None
        self.listeners: list[CommandListener] = [DatabaseFailures(self.metrics)]
        self.extensions: list[Callable[[], SchemaExtension]] = [
            lambda: OperationMetrics(self.metrics)
        ]
        if self.provider is not None:
            span_extension, command_spans = tracing_hooks(self.provider)
            self.extensions.append(span_extension)
            self.listeners.append(command_spans)
        self.refresh: Periodic | None = None
        self.server: MetricsServer | None = None

    def instrument(self, schema: BaseSchema) -> None:
        """Ours go outermost, so they see errors as the client will. `schema` must be
        the app's own (api/http/graphql.py copies it per app)."""
        assert isinstance(schema, Schema)
        schema.extensions = (*self.extensions, *schema.extensions)

    def routes(self) -> list[BaseRoute]:
        return [] if self.settings.metrics_port is not None else [metrics_route(self.metrics)]

    def middleware(self, routes: Sequence[BaseRoute]) -> list[Middleware]:
        """Outermost: the metrics see every answer; CORS headers go on refusals too.
        No CORS origins configured: no CORS middleware, no CORS headers."""
        stack = [Middleware(RequestMetricsMiddleware, metrics=self.metrics, routes=routes)]
        if self.settings.cors_origins:
            stack.append(
                Middleware(
                    CORSMiddleware,
                    allow_origins=self.settings.cors_origins,
                    allow_methods=["GET", "POST"],
                    allow_headers=list(CORS_HEADERS),
                    expose_headers=list(CORS_EXPOSED),
                    max_age=600,
                )
            )
        return stack

    def observe(self, state: Callable[[], Any]) -> None:
        self.metrics.observe(state)

    def start(self, state: Callable[[], Any]) -> None:
        settings = self.settings
        if settings.background_services:
            self.refresh = self.metrics.refresher(
                state, settings.metrics_refresh_seconds, settings.worker_max_backoff_seconds
            )
            self.refresh.start()
        if settings.metrics_port is not None:
            host = settings.metrics_host or settings.host
            self.server = MetricsServer(self.metrics, host, settings.metrics_port)
            self.server.start()

    async def stop(self) -> None:
        if self.server is not None:
            await asyncio.to_thread(self.server.stop)
            self.server = None
        if self.refresh is not None:
            await self.refresh.stop()
            self.refresh = None
        if self.provider is not None and self._owns_provider:
            await asyncio.to_thread(self.provider.shutdown)  # exports the spans left
