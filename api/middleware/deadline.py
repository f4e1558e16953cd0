"""Each request's database time, and the answer when the database is unavailable.

The database operations of one request (its API key, its rate limit, the operation
itself) share one budget, a little shorter than the operation limit
(`api.database.database_seconds`), enforced by PyMongo's client-side timeout: when the
database hangs or is gone, the driver gives up in time and the request is answered
UNAVAILABLE. The time a client takes to send its body (an upload) is not counted.

Routes without a request body run entirely within the budget; the GraphQL endpoint
spends it from its phases (`database_time`), and downloads spend it on their look-ups,
then give each chunk of the file a limit of its own (api/http/downloads.py). A database
failure that escapes before an answer has started is answered here: 503 with
Retry-After, as a GraphQL error (code UNAVAILABLE) on /graphql, as plain text elsewhere;
so is a request that the server cancels because it is stopping.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pymongo
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.database import database_seconds
from api.http.errors import (
    STOPPING_MESSAGE,
    UNAVAILABLE_MESSAGE,
    unavailable_page,
    unavailable_response,
)
from api.middleware.request_guard import is_graphql
from api.settings import Settings
from schema.core.errors_processing import database_unavailable, log_unavailable

BUDGET = "database_budget"
# api/http/downloads.py's route: the file streams for as long as the client reads.
_DOWNLOAD = re.compile(r"/dossiers/[^/]+/attachments/[^/]+")
# pymongo.timeout(0) would mean no limit at all.
_SPENT = 0.001


class DatabaseBudget:
    """What is left of one request's database time."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    @contextmanager
    def spend(self) -> Iterator[None]:
        """The block's database operations end by the time the budget runs out; the time
        the block takes is taken from it."""
        started = time.monotonic()
        try:
            with pymongo.timeout(max(self.left, _SPENT)):
                yield
        finally:
            self.left -= time.monotonic() - started


@contextmanager
def database_time(scope: Scope) -> Iterator[None]:
    """The block spends the request's database budget (no limit outside a request)."""
    budget = scope.get("state", {}).get(BUDGET)
    if not isinstance(budget, DatabaseBudget):
        yield
        return
    with budget.spend():
        yield


class DatabaseDeadlineMiddleware:
    """Gives each HTTP request its database budget, and answers 503 when the database
    fails it before an answer has started."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.seconds = database_seconds(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state[BUDGET] = DatabaseBudget(self.seconds)  # a WebSocket's: its handshake's
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        answering = False

        async def send_tracked(message: Message) -> None:
            nonlocal answering
            answering = answering or message["type"] == "http.response.start"
            await send(message)

        path = str(scope["path"])
        try:
            if is_graphql(scope) or _DOWNLOAD.fullmatch(path):
                await self.app(scope, receive, send_tracked)  # they spend it phase by phase
            else:
                with database_time(scope):
                    await self.app(scope, receive, send_tracked)
        except asyncio.CancelledError:
            # The server is stopping and its grace period is over (api/stopping.py): the
            # client is told to retry, elsewhere or later, before the task ends.
            if not answering:
                await self._unavailable(scope, receive, send, STOPPING_MESSAGE)
            raise
        except Exception as error:
            if answering or not database_unavailable(error):
                raise
            log_unavailable(error, str(state.get("request_id", "")), path)
            await self._unavailable(scope, receive, send, UNAVAILABLE_MESSAGE)

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        request_id = str(scope["state"].get("request_id", ""))
        if is_graphql(scope):
            await unavailable_response(request_id, message)(scope, receive, send)
        else:
            await unavailable_page()(scope, receive, send)
