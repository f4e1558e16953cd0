"""Rate limits: token buckets per principal or client address, shared by every process
through MongoDB (documents/access/rate_limits.py), and the middleware that applies them."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
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
# A process takes up to 10 of a principal's tokens at a time and spends them within 1 s.
# Every token admitted was taken from the bucket at most 1 s before, so in any window
# the processes together admit at most rate × 1 s more than the bucket allows (10 with
# the defaults), and no more than 9 per limiter. A client may be refused at one process
# while another holds its tokens. Public look-ups take no leases: they stay exact.
LEASE_TOKENS = 10
LEASE_SECONDS = 1.0
MAX_LEASES = 10_000


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


@dataclass
class Lease:
    """Tokens this process took from a bucket ahead of the requests that spend them."""

    tokens: int
    remaining: int  # whole tokens the database bucket had left after the lease
    reset: int
    until: float  # monotonic; unspent tokens are dropped after it


class SharedBuckets:
    """Token buckets of one kind (`namespace`), kept in the database for all processes.

    With `lease` above 1, a request that finds no tokens of its key here takes up to
    `lease` from the database (at most an eighth of what is left) and the next requests
    of that key spend them without a round trip, for up to LEASE_SECONDS
    (docs/hardening.md, "Leases").

    When the database cannot be reached the request is let through (and logged): it
    needs the database anyway, and will fail there with its own error.
    """

    def __init__(self, namespace: str, capacity: int, per_minute: float, lease: int = 1) -> None:
        self.namespace = namespace
        self.policy = BucketPolicy(capacity=capacity, per_second=per_minute / 60)
        self.lease = lease
        self.leases: dict[str, Lease] = {}
        self.taking: dict[str, asyncio.Future[None]] = {}  # keys whose lease is on its way
        self.failing = False  # one log line per outage, not one per request

    def _spend_leased(self, key: str) -> Decision | None:
        lease = self.leases.get(key)
        if lease is None or lease.tokens < 1 or lease.until < time.monotonic():
            return None
        lease.tokens -= 1
        return Decision(True, lease.remaining + lease.tokens, lease.reset, retry_after=1)

    def _keep(self, key: str, decision: Decision) -> None:
        if decision.granted <= 1:
            return
        if len(self.leases) >= MAX_LEASES:
            now = time.monotonic()
            self.leases = {k: v for k, v in self.leases.items() if v.until >= now}
            if len(self.leases) >= MAX_LEASES:
                self.leases.clear()  # dropping leases only ever admits fewer requests
        until = time.monotonic() + LEASE_SECONDS
        self.leases[key] = Lease(decision.granted - 1, decision.remaining, decision.reset, until)

    async def take(self, key: str) -> Decision:
        # Concurrent requests of one key wait for the lease one of them is taking: each
        # taking a lease of its own would drain the bucket for tokens nobody spends.
        while (leased := self._spend_leased(key)) is None and self.lease > 1:
            taking = self.taking.get(key)
            if taking is None:
                break
            await asyncio.shield(taking)
        if leased is not None:
            return leased
        if self.lease <= 1:
            return await self._take_from_database(key)
        taken = self.taking[key] = asyncio.get_running_loop().create_future()
        try:
            return await self._take_from_database(key)
        finally:
            del self.taking[key]
            taken.set_result(None)

    async def _take_from_database(self, key: str) -> Decision:
        try:
            decision = await take(f"{self.namespace}|{key}", self.policy, self.lease)
        except PyMongoError as error:
            if not self.failing:
                logger.warning("rate limit not applied: %s", type(error).__name__)
            self.failing = True
            capacity = self.policy.capacity
            return Decision(allowed=True, remaining=capacity, reset=0, retry_after=1)
        if self.failing:
            logger.warning("rate limit applied again")
            self.failing = False
        self._keep(key, decision)
        return replace(decision, remaining=decision.remaining + max(0, decision.granted - 1))


def request_buckets(settings: Settings) -> SharedBuckets:
    """The per-principal buckets every GraphQL request and WebSocket operation draws on."""
    return SharedBuckets(
        "graphql", settings.rate_limit_burst, settings.rate_limit_per_minute, LEASE_TOKENS
    )


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
