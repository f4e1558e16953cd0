"""graphql-transport-ws with our authentication and server-sent keep-alive pings.

The principal comes from the `connection_init` payload, which carries the same
credentials as HTTP headers: `{"Authorization": "Bearer …"}` or `{"X-Api-Key": "…"}`
(names case-insensitive). A missing or bad credential closes the socket with 4401
and the reason. Once acknowledged, the server sends a `ping` every interval.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from api.authentication import AuthenticationError, Authenticator
from api.http.errors import TIMEOUT
from documents.access.principals import ANONYMOUS, Principal
from schema.core.context import Context

UNAUTHORIZED = 4401
# Close reasons must fit a control frame (123 bytes).
MAX_REASON = 120


async def principal_from_payload(authenticator: Authenticator, payload: Any) -> Principal:
    """The principal the connection_init payload's credentials name."""
    if not isinstance(payload, dict):
        raise AuthenticationError("connection_init payload must be an object")
    headers = {str(name).lower(): value for name, value in payload.items()}
    names = ("authorization", "x-api-key")
    credentials = {name: headers[name] for name in names if name in headers}
    if not all(isinstance(value, str) for value in credentials.values()):
        raise AuthenticationError("credentials in connection_init must be strings")
    principal = await authenticator.authenticate(credentials)
    if principal is ANONYMOUS:
        raise AuthenticationError(
            "connection_init payload must carry Authorization (Bearer token) or X-Api-Key"
        )
    return principal


def _is_subscription(query: str, operation_name: str | None, max_tokens: int) -> bool:
    """Whether the operation is a subscription; a document that does not parse (or is
    too long) is left to the handler, which reports it."""
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens), operation_name)
    except GraphQLSyntaxError:
        return False
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    _pinger: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if not self.connection_init_received and not self.connection_timed_out:
            authenticator: Authenticator = getattr(self.view, "authenticator")  # noqa: B009
            try:
                principal = await principal_from_payload(authenticator, message.get("payload"))
            except AuthenticationError as error:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                reason = str(error).encode()[:MAX_REASON].decode(errors="ignore")
                await self.websocket.close(code=UNAUTHORIZED, reason=reason)
                return
            self.context.principal = principal
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._pinger is None:
            interval: float = getattr(self.view, "ws_ping_interval", 15.0)
            self._pinger = asyncio.create_task(self._ping(interval))

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Queries and mutations sent over the socket get the same time limit as over
        HTTP; subscriptions run as long as the client keeps them."""
        limit: float | None = getattr(self.view, "operation_timeout", None)
        max_tokens: int = getattr(self.view, "max_tokens", 3000)
        if limit is None or _is_subscription(operation.query, operation.operation_name, max_tokens):
            await super().run_operation(operation)
            return
        try:
            async with asyncio.timeout(limit) as deadline:
                await super().run_operation(operation)
        except TimeoutError:
            if not deadline.expired():
                raise
            error = GraphQLError(
                f"The operation took longer than {limit:g} s and was cancelled.",
                extensions={"code": TIMEOUT},
            )
            self.operations.pop(operation.id, None)
            with contextlib.suppress(Exception):
                await self.send_message(
                    {"id": operation.id, "type": "next", "payload": {"errors": [error.formatted]}}
                )
                await self.send_message({"id": operation.id, "type": "complete"})

    async def _ping(self, interval: float) -> None:
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pinger
        await super().shutdown()
