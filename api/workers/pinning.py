"""An httpx transport that connects only to the addresses it has just checked.

The network backend resolves the host once (through the injected resolver), refuses the
name when any answer is outside the policy, and opens the TCP connection to a checked
address itself, so no second look-up can point the connection elsewhere. Everything
above TCP is httpx's and httpcore's: the Host header and TLS (SNI and certificate
verification) use the URL's host name, not the address.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable

import httpcore
import httpx

from documents.webhooks.addresses import is_public
from documents.webhooks.targets import AddressPolicy, Resolver, checked_addresses

# httpcore's SOCKET_OPTION, spelled out: httpcore does not export it.
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with resolution and the address check moved in."""

    def __init__(self, resolver: Resolver, permitted: AddressPolicy = is_public) -> None:
        self.resolver = resolver
        self.permitted = permitted
        self._tcp = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            addresses = await asyncio.wait_for(
                checked_addresses(host, port, self.resolver, self.permitted), timeout
            )
        except TimeoutError:
            raise httpcore.ConnectTimeout("name resolution timed out") from None
        failure: Exception | None = None
        for address in addresses:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await self._tcp.connect_tcp(
                    str(address), port, left, local_address, socket_options
                )
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as error:  # the next checked address, if any
                failure = error
        assert failure is not None  # checked_addresses never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks are delivered over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._tcp.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a PinnedBackend. No proxy from the environment: a
    proxy would resolve the name again, out of our sight."""

    def __init__(
        self,
        resolver: Resolver,
        permitted: AddressPolicy = is_public,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = httpx.Limits(),
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        context = verify
        if not isinstance(context, ssl.SSLContext):
            context = httpx.create_ssl_context(verify=verify)
        # httpx 0.28 takes no network backend of its own (encode/httpx#3749 would add
        # one), so the pool it built is replaced by the same pool over ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(resolver, permitted),
        )
