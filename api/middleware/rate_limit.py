"""Rate limits: token buckets per principal, and the middleware that applies them."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import error_response
from api.middleware.request_guard import is_graphql
from api.settings import Settings
from documents.access.principals import Principal, PrincipalKind

WS_TOO_MANY_REQUESTS = 4429


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
