"""The outermost middleware: counts and times every HTTP request and WebSocket handshake
by route template, and the rate-limit refusals among them."""

from __future__ import annotations

import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability.metrics import Metrics

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
WS_RATE_LIMITED = 4429
UNMATCHED = "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    def route_of(self, scope: Scope) -> str:
        """The template of the route the path falls under (never the path itself)."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return str(getattr(route, "path", UNMATCHED))
        return UNMATCHED

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        route = self.route_of(scope)
        method = scope.get("method", "GET") if scope["type"] == "http" else "WEBSOCKET"
        method = method if method in METHODS or method == "WEBSOCKET" else "OTHER"
        started = time.perf_counter()
        status: int | None = None

        async def observed(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start":
                status = int(message["status"])
                if status == 429:
                    self.metrics.rate_limited.labels("http").inc()
            elif kind == "websocket.accept":
                status = 101
            elif kind == "websocket.close":
                code = int(message.get("code", 1000))
                status = status or code  # refused at the handshake
                if code == WS_RATE_LIMITED:
                    self.metrics.rate_limited.labels("websocket").inc()
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self.metrics.http_requests.labels(route, method, str(status or 500)).inc()
            if scope["type"] == "http":
                self.metrics.http_duration.labels(route).observe(time.perf_counter() - started)
