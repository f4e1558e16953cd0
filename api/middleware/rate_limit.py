"""Rate limits: token buckets per principal or client address, shared by every process
through MongoDB (documents/access/rate_limits.py), and the middleware that applies them."""

from __future__ import annotations

import logging
from ipaddress import IPv6Address, IPv6Network, ip_address

from pymongo.errors import PyMongoError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import error_response
from api.middleware.deadline import database_time
from api.middleware.request_guard import is_graphql
from api.settings import Settings
from documents.access.principals import Principal, PrincipalKind
from documents.access.rate_limits import BucketPolicy, Decision, take

logger = logging.getLogger("motcua.rate_limit")

WS_TOO_MANY_REQUESTS = 4429
RATE_LIMITED = "RATE_LIMITED"


def client_key(host: str) -> str:
    """The bucket of a client address: IPv4 per address, IPv6 per /64 (the prefix one
    subscriber usually gets, which it may fill with any number of addresses). Keys that
    are not addresses (a principal's) are kept as they are."""
    try:
        address = ip_address(host)
    except ValueError:
        return host
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(IPv6Network((address, 64), strict=False))
    return str(address)


def principal_key(principal: Principal | None, host: str) -> str:
    """Signed-in principals have a bucket each; anonymous requests one per address."""
    if isinstance(principal, Principal) and principal.kind is not PrincipalKind.ANONYMOUS:
        return f"{principal.kind.value}:{principal.subject}"
    return f"address:{client_key(host)}"


def rate_limit_key(scope: Scope) -> str:
    client = scope.get("client")
    return principal_key(scope.get("state", {}).get("principal"), client[0] if client else "")


class SharedBuckets:
    """Token buckets of one kind (`namespace`), kept in the database for all processes.

    When the database cannot be reached the request is let through (and logged): it
    needs the database anyway, and will fail there with its own error.
    """

    def __init__(self, namespace: str, capacity: int, per_minute: float) -> None:
        self.namespace = namespace
        self.policy = BucketPolicy(capacity=capacity, per_second=per_minute / 60)
        self.failing = False  # one log line per outage, not one per request

    async def take(self, key: str) -> Decision:
        try:
            decision = await take(f"{self.namespace}|{key}", self.policy)
        except PyMongoError as error:
            if not self.failing:
                logger.warning("rate limit not applied: %s", type(error).__name__)
            self.failing = True
            capacity = self.policy.capacity
            return Decision(allowed=True, remaining=capacity, reset=0, retry_after=1)
        if self.failing:
            logger.warning("rate limit applied again")
            self.failing = False
        return decision


def request_buckets(settings: Settings) -> SharedBuckets:
    """The per-principal buckets every GraphQL request and WebSocket operation draws on."""
    return SharedBuckets("graphql", settings.rate_limit_burst, settings.rate_limit_per_minute)


class PublicLookups:
    """The look-up limit (`publicDossierStatus`, the dossier pages): a client address's
    bucket is its IPv4 address or IPv6 /64; other keys (principals) are kept as given."""

    def __init__(self, per_minute: int) -> None:
        self.buckets = SharedBuckets("lookup", per_minute, per_minute)

    async def allow(self, key: str) -> bool:
        return (await self.buckets.take(client_key(key))).allowed


class RateLimitMiddleware:
    """Token bucket per principal, with RateLimit headers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.buckets = request_buckets(settings)
        # draft-ietf-httpapi-ratelimit-headers: quota per 60 s window, burst as a parameter.
        self.policy = f"{settings.rate_limit_per_minute};w=60;burst={settings.rate_limit_burst}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not is_graphql(scope):
            await self.app(scope, receive, send)
            return
        with database_time(scope):
            decision = await self.buckets.take(rate_limit_key(scope))
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
                RATE_LIMITED,
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
