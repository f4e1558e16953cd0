"""Runs a simulator as a real HTTP server on a free loopback port, in a thread of its
own, for the tests and for `motcua serve` in development mode."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

_START_SECONDS = 10.0


class SimulatorStartError(RuntimeError):
    """The simulator's server did not start listening in time."""


class Running:
    """`with Running(app) as url:` serves `app` at `url` (http://127.0.0.1:<port>) until
    the block ends. The socket is bound before the thread starts, so the port is known
    and never raced for. Nothing is logged: no access log, no configuration of logging."""

    def __init__(self, app: Starlette, name: str = "simulator") -> None:
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=name, daemon=True
        )

    def start(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + _START_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SimulatorStartError(f"the simulator at {self.url} did not start")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=_START_SECONDS)
        self._socket.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
