"""graphql-transport-ws with our authentication, limits and server-sent keep-alive pings.

The principal comes from the `connection_init` payload, which carries the same
credentials as HTTP headers: `{"Authorization": "Bearer …"}` or `{"X-Api-Key": "…"}`
(names case-insensitive). A missing or bad credential closes the socket with 4401
and the reason. Once acknowledged, the server sends a `ping` every interval.

Every `subscribe` message is a request like an HTTP one: it takes a token from the
principal's rate-limit bucket (the buckets HTTP uses) and its document passes the same
limits (api/http/limits.py, api/http/cost.py); a refusal is an `error` message with the same
`extensions.code`, and the socket stays open.

A credential ends the connection when it ends: a token at its `exp` (close code 4401),
an API key once revoked (4403), which each connection re-checks every
`credential_recheck_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from graphql import GraphQLError, GraphQLSyntaxError, OperationType, get_operation_ast, parse
from pymongo.errors import PyMongoError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from api.authentication import AuthenticationError, Authenticator
from api.http.errors import INTERNAL_ERROR, TIMEOUT, UNEXPECTED_MESSAGE, error_code
from api.http.fanout import FanoutGroups, SharedOperation, groupable
from api.middleware.deadline import DatabaseBudget
from api.middleware.rate_limit import RATE_LIMITED, SharedBuckets, principal_key
from documents.access.api_keys import principal_for_key
from documents.access.principals import ANONYMOUS, Principal
from schema.core.context import Context

UNAUTHORIZED = 4401
FORBIDDEN = 4403
# Close reasons must fit a control frame (123 bytes).
MAX_REASON = 120
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"


@dataclass(frozen=True)
class Credential:
    """Who the connection is, and what to watch to end it when the credential ends."""

    principal: Principal
    expires_at: datetime | None = None
    api_key: str | None = None


async def credential_from_payload(authenticator: Authenticator, payload: Any) -> Credential:
    """The credential the connection_init payload carries, authenticated."""
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
    if "authorization" in credentials:
        return Credential(principal, expires_at=token_expiry(credentials["authorization"]))
    return Credential(principal, api_key=credentials["x-api-key"].strip())


def token_expiry(authorization: str) -> datetime | None:
    """The `exp` of a bearer token that authentication has just verified."""
    token = authorization.strip().partition(" ")[2].strip()
    try:
        expiry = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    if not isinstance(expiry, int | float) or isinstance(expiry, bool):
        return None
    return datetime.fromtimestamp(expiry, UTC)


def parsed_kind(
    query: object, operation_name: str | None, max_tokens: int
) -> OperationType | GraphQLError | None:
    """The operation's type, a GraphQLError for a document over the token limit, or None
    for anything else that does not parse (the handler reports those)."""
    if not isinstance(query, str):
        return None
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        if error_code(error) == TOO_MANY_TOKENS:
            return GraphQLError(error.message, extensions={"code": TOO_MANY_TOKENS})
        return None
    operation = get_operation_ast(document, operation_name)
    return operation.operation if operation is not None else None


def fanout_groups(hub: object) -> FanoutGroups:
    """The fan-out groups of the process's hub, made with the first grouped subscription."""
    groups = getattr(hub, "fanout", None)
    if not isinstance(groups, FanoutGroups):
        groups = FanoutGroups(getattr(hub, "queue_size", 1000))
        setattr(hub, "fanout", groups)  # noqa: B010
    return groups


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    _pinger: asyncio.Task[None] | None = None
    _watcher: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        credential = None
        if not self.connection_init_received and not self.connection_timed_out:
            authenticator: Authenticator = getattr(self.view, "authenticator")  # noqa: B009
            try:
                credential = await credential_from_payload(authenticator, message.get("payload"))
            except AuthenticationError as error:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.close(UNAUTHORIZED, str(error))
                return
            self.context.principal = credential.principal
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._pinger is None:
            interval: float = getattr(self.view, "ws_ping_interval", 15.0)
            self._pinger = asyncio.create_task(self._ping(interval))
        if self.connection_acknowledged and credential is not None and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(credential))

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Charges the rate limit, then runs the operation. Queries and mutations get the
        same time limit as over HTTP; subscriptions run as long as the client keeps them."""
        max_tokens: int = getattr(self.view, "max_tokens", 3000)
        kind = parsed_kind(operation.query, operation.operation_name, max_tokens)
        # As over HTTP, the database gives up before the time limit (api/middleware/deadline.py).
        budget = DatabaseBudget(getattr(self.view, "database_seconds", 14.0))
        with budget.spend():
            refusal = await self._rate_limited()
        if refusal is None and isinstance(kind, GraphQLError):
            refusal = kind
        if refusal is not None:
            with contextlib.suppress(Exception):
                await operation.send_initial_errors([refusal])
            return
        if kind is OperationType.SUBSCRIPTION and self._shares(operation):
            # One execution per group of identical viewers; this task ends here, and the
            # group writes to this socket until the operation completes.
            shared = SharedOperation(
                self.schema,
                operation.query,
                operation.variables,
                operation.operation_name,
                self.view.encode_json,
            )
            await fanout_groups(self.context.events).join(self, operation.id, shared, self.context)
            return
        limit: float | None = getattr(self.view, "operation_timeout", None)
        if limit is None or kind is OperationType.SUBSCRIPTION:
            try:
                await super().run_operation(operation)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is None or task.cancelling():
                    raise  # the client completed the operation or went away
                await self._failed(operation)  # something it awaited was cancelled
            return
        try:
            with budget.spend():
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

    def _shares(self, operation: Operation[Context, None]) -> bool:
        return self.context.events is not None and groupable(
            operation.query, operation.variables, operation.operation_name
        )

    async def send_text(self, text: str) -> None:
        """Writes a frame a fan-out group serialised once for all its members."""
        await self.websocket.ws.send_text(text)  # type: ignore[attr-defined]

    def finished(self, operation_id: str) -> None:
        """Forgets a grouped operation whose last message the group is writing."""
        self.operations.pop(operation_id, None)

    async def cleanup_operation(self, operation_id: str) -> None:
        if self.context.events is not None:
            fanout_groups(self.context.events).leave(self, operation_id)
        await super().cleanup_operation(operation_id)

    async def handle_task_exception(self, error: Exception) -> None:
        """Logged as Strawberry does; the operation's client is told before Strawberry
        sends `complete`, so a failed operation never ends in silence."""
        await super().handle_task_exception(error)
        task = asyncio.current_task()
        for operation in list(self.operations.values()):
            if operation.task is task:
                await self._failed(operation, complete=False)

    async def _failed(self, operation: Operation[Context, None], complete: bool = True) -> None:
        error = GraphQLError(UNEXPECTED_MESSAGE, extensions={"code": INTERNAL_ERROR})
        with contextlib.suppress(Exception):  # the client may be gone already
            await operation.send_operation_message(
                {"id": operation.id, "type": "next", "payload": {"errors": [error.formatted]}}
            )
            if complete:
                await operation.send_operation_message({"id": operation.id, "type": "complete"})

    async def _rate_limited(self) -> GraphQLError | None:
        buckets: SharedBuckets | None = getattr(self.view, "request_buckets", None)
        if buckets is None:
            return None
        key = principal_key(self.context.principal, self.context.client_address)
        # Run to its end even if the client leaves meanwhile: a PyMongo call cancelled
        # while it opens a connection leaks that socket (PYTHON-5867).
        decision = await asyncio.shield(buckets.take(key))
        if decision.allowed:
            return None
        return GraphQLError(
            f"Too many requests; retry in {decision.retry_after} s.",
            extensions={"code": RATE_LIMITED, "retryAfter": decision.retry_after},
        )

    async def _watch(self, credential: Credential) -> None:
        """Closes the connection when its credential ends."""
        if credential.expires_at is not None:
            remaining = credential.expires_at - datetime.now(UTC)
            await asyncio.sleep(max(0.0, remaining.total_seconds()))
            with contextlib.suppress(Exception):
                await self.close(UNAUTHORIZED, "token expired")
        elif credential.api_key is not None:
            interval: float = getattr(self.view, "credential_recheck", 5.0)
            while True:
                await asyncio.sleep(interval)
                try:
                    current = await principal_for_key(credential.api_key)
                except PyMongoError:
                    continue  # the database is away: ask again next time
                if current != credential.principal:
                    with contextlib.suppress(Exception):
                        await self.close(FORBIDDEN, "API key revoked or changed")
                    return

    async def close(self, code: int, reason: str) -> None:
        reason = reason.encode()[:MAX_REASON].decode(errors="ignore")
        await self.websocket.close(code=code, reason=reason)

    async def _ping(self, interval: float) -> None:
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        for task in (self._pinger, self._watcher):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await super().shutdown()
