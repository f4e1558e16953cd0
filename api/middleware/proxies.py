"""The client's address behind trusted reverse proxies (X-Forwarded-For, RFC 7239 Forwarded).

Headers naming the client are believed only when the connection's peer is one of
`MOTCUA_TRUSTED_PROXIES`; otherwise the peer is the client, whatever the request says.
Each proxy appends the address it received the request from, so the chain is read
from the right: the client is the right-most address that is not itself a trusted
proxy. Everything left of it was written by the client and is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.settings import Settings

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


def parse_node(text: str) -> Address | None:
    """An address from a header entry: `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`,
    `[2001:db8::1]:80`, quoted or not; None for `unknown`, obfuscated ids and garbage."""
    node = text.strip()
    if len(node) >= 2 and node[0] == node[-1] == '"':
        node = node[1:-1].replace("\\", "")
    if node.startswith("["):
        node = node[1:].partition("]")[0]
    elif node.count(":") == 1:
        node = node.partition(":")[0]
    try:
        address = ip_address(node)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def split_outside_quotes(value: str, separator: str) -> Iterator[str]:
    """`value` cut at each `separator` that is not inside a quoted string."""
    start, quoted, escaped = 0, False, False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            yield value[start:index]
            start = index + 1
    yield value[start:]


def forwarded_for(values: Iterable[str]) -> list[Address | None]:
    """The `for=` node of each element of the Forwarded header lines, in order."""
    nodes: list[Address | None] = []
    for element in split_outside_quotes(",".join(values), ","):
        pairs = (pair.partition("=") for pair in split_outside_quotes(element, ";"))
        found = [value for name, _, value in pairs if name.strip().lower() == "for"]
        nodes.append(parse_node(found[0]) if found else None)
    return nodes


def x_forwarded_for(values: Iterable[str]) -> list[Address | None]:
    return [parse_node(entry) for entry in ",".join(values).split(",")]


class TrustedProxies:
    def __init__(self, networks: Iterable[Network | str]) -> None:
        self.networks = tuple(ip_network(network) for network in networks)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trust(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: Address, chain: list[Address | None]) -> Address:
        """The right-most address of `chain` that is not a trusted proxy. An entry that
        is not an address stops the walk at the trusted hop that wrote it: nothing to
        its left can be believed."""
        nearest = peer
        for hop in reversed(chain):
            if hop is None:
                return nearest
            if not self.trust(hop):
                return hop
            nearest = hop
        return nearest

    def resolve(self, peer_host: str, headers: Headers) -> str:
        """The client's address for a request from `peer_host` with `headers`."""
        peer = parse_node(peer_host)
        if peer is None or not self.trust(peer):
            return peer_host
        candidates = {
            self.client(peer, parse(headers.getlist(name)))
            for name, parse in (("x-forwarded-for", x_forwarded_for), ("forwarded", forwarded_for))
            if name in headers
        }
        # Each proxy writes one of the two headers and passes the other through from
        # the client: when they disagree, neither can be believed.
        return str(candidates.pop()) if len(candidates) == 1 else str(peer)


class ProxyHeadersMiddleware:
    """Sets `scope["client"]` to the client's address when the peer is a trusted proxy."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.proxies = TrustedProxies(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if self.proxies and scope["type"] in ("http", "websocket") and client:
            host = self.proxies.resolve(client[0], Headers(scope=scope))
            if host != client[0]:
                scope["client"] = (host, 0)
        await self.app(scope, receive, send)
