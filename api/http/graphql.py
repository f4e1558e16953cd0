"""The GraphQL endpoint: Strawberry's ASGI app with our context, limits and errors."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from api.authentication import Authenticator
from api.collector import refreeze_long_lived
from api.database import database_seconds
from api.http.bodies import StrictBodyGraphQL
from api.http.encoding import encode_response
from api.http.errors import (
    INTERNAL_ERROR,
    RETRY_AFTER_SECONDS,
    TIMEOUT,
    UNAVAILABLE,
    UNEXPECTED_MESSAGE,
    ErrorPolicy,
    error_response,
    presented,
)
from api.http.limits import limit_extensions
from api.http.pages import graphiql_page
from api.http.websocket import TransportWSHandler
from api.middleware.deadline import database_time
from api.middleware.rate_limit import PublicLookups, request_buckets
from api.middleware.request_guard import BodyTooLargeError
from api.settings import Settings
from api.trust_roots import load_trust_roots
from documents.access.principals import ANONYMOUS
from schema import build_schema
from schema.core.context import Context
from schema.core.errors_processing import database_unavailable, log_unexpected

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


def preferred_media_type(accept: str) -> str:
    """GraphQL over HTTP: the new media type only when the client asks for it."""
    weights: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media.lower()] = weight
    wanted = weights.get(GRAPHQL_RESPONSE_JSON, 0.0)
    return GRAPHQL_RESPONSE_JSON if wanted > 0 and wanted >= weights.get(JSON, 0.0) else JSON


def request_error_status(result: ExecutionResult) -> int | None:
    """The status of a result without data (a request error), None for execution results."""
    if result.data is not None or not result.errors:
        return None
    if any(error.path is not None for error in result.errors):
        return None  # a field error that nulled the whole result: still executed
    codes = {(error.extensions or {}).get("code") for error in result.errors}
    if INTERNAL_ERROR in codes:
        return 500
    if UNAVAILABLE in codes:
        return 503
    return 504 if TIMEOUT in codes else 400


def app_schema(settings: Settings) -> strawberry.Schema:
    """The process's schema with this app's extensions.

    A shallow copy shares the built GraphQL types (and relay's resolvers, bound when
    `build_schema` ran once) while the extension list is per app, so apps built
    with different settings, as in tests, each get their own limits.
    """
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ErrorPolicy(production=not settings.development),
        *limit_extensions(settings),
    ]
    if not settings.development:
        extensions.append(DisableIntrospection)
    base = build_schema()
    schema = copy.copy(base)
    # The schema's own extensions (the audit log) come first, so they see errors
    # after ErrorPolicy has masked them.
    schema.extensions = (*base.extensions, *extensions)
    return schema


class MotcuaGraphQL(StrictBodyGraphQL):
    # Authenticates connection_init and pings clients (Strawberry pings only on the
    # legacy protocol, which stays off).
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, schema: strawberry.Schema, settings: Settings, **options: Any) -> None:
        # The live schema (api/workers/schema_watcher.py): what new requests get, and
        # the one each running request (or WebSocket connection) began with.
        self._pinned: ContextVar[strawberry.Schema | None] = ContextVar("schema", default=None)
        self._base = build_schema()
        # How many extensions this app puts after the base's (app_schema).
        self.app_extensions = len(schema.extensions) - len(self._base.extensions)
        super().__init__(schema, **options)
        self.operation_timeout = settings.operation_timeout_seconds
        self.database_seconds = database_seconds(settings)
        self.max_tokens = settings.max_tokens
        self.production = not settings.development
        self.public_lookups = PublicLookups(settings.public_lookups_per_minute)
        # WebSocket operations draw on the same buckets as HTTP requests.
        self.request_buckets = request_buckets(settings)
        self.credential_recheck = settings.credential_recheck_seconds
        self.authenticator = Authenticator(settings)
        self.ws_ping_interval = settings.ws_ping_interval_seconds
        self.office_hours = settings.office_hours
        self.attachment_limits = replace(
            settings.attachment_limits, trust_roots=load_trust_roots(settings.trust_roots_dir)
        )
        self.idempotency = settings.idempotency_timing

    @property  # type: ignore[override]
    def schema(self) -> strawberry.Schema:
        pinned = self._pinned.get()
        return self._serving if pinned is None else pinned

    @schema.setter
    def schema(self, schema: strawberry.Schema) -> None:
        self._serving = schema

    def serve(self, base: strawberry.Schema) -> None:
        """Serves `base` to the requests that begin from now on, wrapped in the same
        extensions as the schema served until now (this app's, the operations kit's)."""
        current, old = self._serving, tuple(self._base.extensions)
        around = tuple(current.extensions)
        # Ours come after the base's (app_schema); the kit's before (kit.instrument).
        start = len(around) - len(old) - self.app_extensions
        assert around[start : start + len(old)] == old, "the served schema's extensions moved"
        schema = copy.copy(base)
        schema.extensions = (*around[:start], *base.extensions, *around[start + len(old) :])
        self._serving, self._base = schema, base  # one assignment each: no await between
        refreeze_long_lived()  # the new schema's types, as at start-up

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = self._pinned.set(self._serving)
        try:
            await self.handle(scope, receive, send)
        finally:
            self._pinned.reset(token)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            # Strawberry answers these in plain text; clients expect GraphQL errors.
            response = error_response(
                error.status_code,
                error.reason,
                request_id=scope.get("state", {}).get("request_id", ""),
                media_type=preferred_media_type(request.headers.get("accept", "")),
            )
        except BodyTooLargeError:
            raise  # the request guard answers 413
        except Exception as error:  # a bug: still a JSON error, logged without its message
            if database_unavailable(error):
                raise  # api/middleware/deadline.py answers 503
            request_id = scope.get("state", {}).get("request_id", "")
            log_unexpected(GraphQLError("", original_error=error), request_id)
            response = error_response(
                500,
                UNEXPECTED_MESSAGE,
                INTERNAL_ERROR,
                request_id,
                media_type=preferred_media_type(request.headers.get("accept", "")),
            )
        finally:
            # Uploaded parts spool to temporary files; an operation that fails before
            # its resolver reads them would otherwise leave them to the collector.
            await request.close()
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        state = request.scope.get("state", {})
        client = request.client.host if request.client else ""
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=state.get("principal", ANONYMOUS),
            request_id=state.get("request_id", ""),
            client_address=client,
            public_lookups=self.public_lookups,
            events=getattr(request.app.state, "hub", None),
            population=getattr(request.app.state, "population", None),
            office_hours=self.office_hours,
            attachment_limits=self.attachment_limits,
            idempotency=self.idempotency,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()  # vendored: Strawberry's own page loads from a CDN

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = preferred_media_type(request.headers.get("accept", ""))
        return sub_response

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            # The database gives up first (api/middleware/deadline.py): UNAVAILABLE.
            with database_time(request.scope):
                async with asyncio.timeout(self.operation_timeout) as deadline:
                    result = await super().execute_single(
                        request, request_adapter, sub_response, context, root_value, request_data
                    )
        except TimeoutError:
            if not deadline.expired():
                raise
            error = GraphQLError(
                f"The operation took longer than {self.operation_timeout:g} s and was cancelled.",
                extensions={"code": TIMEOUT, "requestId": context.request_id},
            )
            result = ExecutionResult(data=None, errors=[error])
        if result.errors:
            # An exception raised by an extension skips ErrorPolicy (which codes every
            # error it sees): present it here.
            rid = context.request_id
            result.errors = [
                e if "code" in (e.extensions or {}) else presented(e, self.production, rid)
                for e in result.errors
            ]
        status = request_error_status(result)
        if status is not None and sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = status
            if status == 503:
                sub_response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        media_type = preferred_media_type(request.headers.get("accept", ""))
        if media_type == GRAPHQL_RESPONSE_JSON and request_error_status(result) is not None:
            # The spec tells request errors from execution results by `data` being absent.
            body.pop("data", None)
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # Strawberry's own, with orjson (api/http/encoding.py); `encode_json` itself
        # stays the standard library's: WebSocket frames must remain text.
        response = Response(encode_response(response_data), media_type=JSON)
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
        return response


def graphql_app(settings: Settings) -> MotcuaGraphQL:
    return MotcuaGraphQL(
        app_schema(settings),
        settings,
        graphql_ide="graphiql" if settings.development else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=settings.allowed_origins,
        # Attachments (docs/papers.md); api/middleware/request_guard.py still demands the CSRF
        # preflight header.
        multipart_uploads_enabled=True,
    )
