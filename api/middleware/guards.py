"""HTTP hardening around the GraphQL endpoint, as pure ASGI middleware."""

from __future__ import annotations

import math
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.websocket_origin import (
    is_same_origin,
    normalize_allowed_origins,
    normalize_origin,
)

from api.http.errors import error_response
from api.settings import Settings
from documents.access.principals import Principal, PrincipalKind

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Content types a cross-site form or fetch() may POST without a CORS preflight.
SIMPLE_CONTENT_TYPES = frozenset(
    {"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
PREFLIGHT_HEADERS = ("x-motcua-csrf", "apollo-require-preflight", "graphql-preflight")
WS_FORBIDDEN = 4403
WS_TOO_MANY_REQUESTS = 4429


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


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    # Seconds until the bucket is full again, and until the next token.
    reset: int
    retry_after: int


class TokenBuckets:
    """Token buckets by key, kept in this process only.

    A bucket left idle until full is the same as a new one, so those are dropped;
    `max_buckets` bounds memory when very many clients are active at once.
    """

    def __init__(
        self,
        capacity: int,
        per_second: float,
        max_buckets: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self.max_buckets = max_buckets
        self.clock = clock
        self.buckets: OrderedDict[str, Bucket] = OrderedDict()

    def take(self, key: str) -> Decision:
        now = self.clock()
        self.evict(now)
        bucket = self.buckets.pop(key, None) or Bucket(float(self.capacity), now)
        bucket.tokens = self.level(bucket, now)
        bucket.updated = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        self.buckets[key] = bucket  # most recently used last
        return Decision(
            allowed=allowed,
            remaining=math.floor(bucket.tokens),
            reset=math.ceil((self.capacity - bucket.tokens) / self.per_second),
            retry_after=max(1, math.ceil((1 - bucket.tokens) / self.per_second)),
        )

    def allow(self, key: str) -> bool:
        return self.take(key).allowed

    def level(self, bucket: Bucket, now: float) -> float:
        refilled = bucket.tokens + (now - bucket.updated) * self.per_second
        return min(float(self.capacity), refilled)

    def evict(self, now: float) -> None:
        while self.buckets:
            key, oldest = next(iter(self.buckets.items()))
            full = self.level(oldest, now) >= self.capacity
            if not full and len(self.buckets) < self.max_buckets:
                return
            del self.buckets[key]


def rate_limit_key(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    if isinstance(principal, Principal) and principal.kind is not PrincipalKind.ANONYMOUS:
        return f"{principal.kind.value}:{principal.subject}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class RateLimitMiddleware:
    """Token bucket per principal, with RateLimit headers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.buckets = TokenBuckets(
            capacity=settings.rate_limit_burst, per_second=settings.rate_limit_per_minute / 60
        )
        # draft-ietf-httpapi-ratelimit-headers: quota per 60 s window, burst as a parameter.
        self.policy = f"{settings.rate_limit_per_minute};w=60;burst={settings.rate_limit_burst}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not is_graphql(scope):
            await self.app(scope, receive, send)
            return
        decision = self.buckets.take(rate_limit_key(scope))
        if scope["type"] == "websocket":
            if not decision.allowed:
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": WS_TOO_MANY_REQUESTS})
                return
            await self.app(scope, receive, send)
            return
        headers = {
            "RateLimit-Limit": str(self.settings.rate_limit_burst),
            "RateLimit-Remaining": str(decision.remaining),
            "RateLimit-Reset": str(decision.reset),
            "RateLimit-Policy": self.policy,
        }
        if not decision.allowed:
            headers["Retry-After"] = str(decision.retry_after)
            refusal = error_response(
                429,
                f"Too many requests; retry in {decision.retry_after} s.",
                "RATE_LIMITED",
                scope.get("state", {}).get("request_id", ""),
                headers,
            )
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
