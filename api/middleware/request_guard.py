"""The request guard: request ids, body limits, the CSRF preflight rule, WebSocket Origin."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.websocket_origin import (
    is_same_origin,
    normalize_allowed_origins,
    normalize_origin,
)

from api.http.errors import error_response
from api.observability.logs import request_scope
from api.settings import Settings

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Content types a cross-site form or fetch() may POST without a CORS preflight.
SIMPLE_CONTENT_TYPES = frozenset(
    {"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
PREFLIGHT_HEADERS = ("x-motcua-csrf", "apollo-require-preflight", "graphql-preflight")
WS_FORBIDDEN = 4403


def is_graphql(scope: Scope) -> bool:
    return str(scope["path"]).rstrip("/").endswith("/graphql")


class BodyTooLargeError(Exception):
    pass


class RequestGuardMiddleware:
    """Request ids, body limits, CSRF preflight rule, WebSocket Origin check."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.allowed_origins = normalize_allowed_origins(settings.allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        with request_scope(request_id):  # every log line of the request carries it
            await self.guard(scope, receive, send, headers, request_id)

    async def guard(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, request_id: str
    ) -> None:
        if scope["type"] == "websocket":
            if is_graphql(scope) and not self.origin_allowed(headers):
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": WS_FORBIDDEN})
                return
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        refusal = self.refusal(scope, headers, request_id)
        if refusal is not None:
            await refusal(scope, receive, send_with_id)
            return
        started = False
        received = 0
        limit = self.body_limit(headers)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLargeError
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLargeError:
            if started:
                raise
            await self.too_large(request_id, limit)(scope, receive, send_with_id)

    def refusal(self, scope: Scope, headers: Headers, request_id: str) -> ASGIApp | None:
        length = headers.get("content-length", "")
        limit = self.body_limit(headers)
        if length.isdigit() and int(length) > limit:
            return self.too_large(request_id, limit)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if (
            scope["method"] == "POST"
            and is_graphql(scope)
            and content_type in SIMPLE_CONTENT_TYPES
            and not any(name in headers for name in PREFLIGHT_HEADERS)
        ):
            return error_response(
                400,
                "This POST could come from another site without a CORS preflight. "
                'Send the body as JSON with "Content-Type: application/json", '
                'or add the header "X-Motcua-Csrf: 1".',
                "CSRF_PREFLIGHT_REQUIRED",
                request_id,
            )
        return None

    def body_limit(self, headers: Headers) -> int:
        """Multipart bodies carry an attachment (docs/papers.md): room for one file."""
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            return self.settings.max_upload_body_bytes
        return self.settings.max_body_bytes

    def too_large(self, request_id: str, limit: int) -> ASGIApp:
        return error_response(
            413, f"The request body exceeds {limit} bytes.", "PAYLOAD_TOO_LARGE", request_id
        )

    def origin_allowed(self, headers: Headers) -> bool:
        """Browsers always send Origin on WebSocket handshakes; other clients may not.

        Sec-Fetch-Site is set by browsers only, and covers proxies that rewrite Host.
        """
        origin = headers.get("origin")
        if origin is None or headers.get("sec-fetch-site") == "same-origin":
            return True
        if is_same_origin(origin, headers.get("host")):
            return True
        return "*" in self.allowed_origins or normalize_origin(origin) in self.allowed_origins
