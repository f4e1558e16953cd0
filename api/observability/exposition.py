"""Where Prometheus scrapes: `/metrics` on the app, or a port of its own
(`MOTCUA_METRICS_PORT`), served by prometheus-client's own small HTTP server."""

from __future__ import annotations

import logging
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest, start_http_server
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.observability.metrics import Metrics

log = logging.getLogger(__name__)


def metrics_route(metrics: Metrics) -> Route:
    async def exposition(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", exposition, methods=["GET"])


class MetricsServer:
    """The metrics port, in a thread of its own, for the length of the app's lifespan."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.metrics, self.host, self.port = metrics, host, port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            self._server, self._thread = start_http_server(
                self.port, addr=self.host, registry=self.metrics.registry
            )
        except OSError as error:  # e.g. several workers of one uvicorn on one port
            log.error("metrics: cannot listen on %s:%d (%s)", self.host, self.port, error)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
