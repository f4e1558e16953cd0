"""Who the client is: X-Forwarded-For and Forwarded only from trusted proxies, and the
per-address limits keyed on IPv4 addresses and IPv6 /64 prefixes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Headers

from api.app import create_app
from api.middleware.proxies import TrustedProxies
from api.middleware.rate_limit import client_key
from api.settings import Settings
from bench.processes import api_process
from tests.conftest import BASE_URL

LOOKUP = {
    "query": 'query($c: String!) { publicDossierStatus(code: $c, applicantIdLast4: "0000") '
    "{ code } }",
    "variables": {"c": "000.00.00.H26-260101-0001"},
}
PROXIES = TrustedProxies([ip_network("10.0.0.0/8"), ip_network("2001:db8:ffff::/48")])


def resolve(peer: str, *headers: tuple[str, str], proxies: TrustedProxies = PROXIES) -> str:
    raw = [(name.encode(), value.encode()) for name, value in headers]
    return proxies.resolve(peer, Headers(raw=raw))


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        # Not from a trusted proxy: the peer, whatever the headers say.
        ("198.51.100.7", [("x-forwarded-for", "203.0.113.1")], "198.51.100.7"),
        ("127.0.0.1", [("forwarded", "for=203.0.113.1")], "127.0.0.1"),
        # The right-most address that is not a trusted proxy.
        ("10.0.0.1", [("x-forwarded-for", "203.0.113.1")], "203.0.113.1"),
        ("10.0.0.1", [("x-forwarded-for", "1.1.1.1, 203.0.113.1, 10.0.0.9")], "203.0.113.1"),
        ("10.0.0.1", [("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "203.0.113.1")], "203.0.113.1"),
        ("10.0.0.1", [("x-forwarded-for", "203.0.113.1:4711")], "203.0.113.1"),
        ("10.0.0.1", [("x-forwarded-for", "2001:db8::17")], "2001:db8::17"),
        ("10.0.0.1", [("x-forwarded-for", "[2001:db8::17]:80")], "2001:db8::17"),
        ("::ffff:10.0.0.1", [("x-forwarded-for", "::ffff:203.0.113.1")], "203.0.113.1"),
        # RFC 7239: quoted nodes, ports, other parameters, several elements and lines.
        ("10.0.0.1", [("forwarded", 'for=192.0.2.60;proto=http;by=203.0.113.43')], "192.0.2.60"),
        ("10.0.0.1", [("forwarded", 'For="[2001:db8:cafe::17]:4711"')], "2001:db8:cafe::17"),
        ("10.0.0.1", [("forwarded", 'for=1.1.1.1, for="192.0.2.60:80";by=x, for=10.0.0.5')], "192.0.2.60"),
        ("10.0.0.1", [("forwarded", "for=1.1.1.1"), ("forwarded", "for=192.0.2.60")], "192.0.2.60"),
        ("2001:db8:ffff::1", [("forwarded", 'for=1.1.1.1;x="a,b", for=192.0.2.60')], "192.0.2.60"),
        # What the trusted proxy could not name stops the walk at that proxy.
        ("10.0.0.1", [("forwarded", "for=1.1.1.1, for=unknown")], "10.0.0.1"),
        ("10.0.0.1", [("forwarded", "for=1.1.1.1, for=_hidden, for=10.0.0.3")], "10.0.0.3"),
        ("10.0.0.1", [("x-forwarded-for", "1.1.1.1, garbage")], "10.0.0.1"),
        ("10.0.0.1", [("forwarded", "proto=https")], "10.0.0.1"),
        # Only trusted proxies: the left-most of them.
        ("10.0.0.1", [("x-forwarded-for", "10.0.0.3, 10.0.0.2")], "10.0.0.3"),
        # Both headers: believed only when they agree.
        ("10.0.0.1", [("x-forwarded-for", "192.0.2.60"), ("forwarded", "for=192.0.2.60")], "192.0.2.60"),
        ("10.0.0.1", [("x-forwarded-for", "192.0.2.60"), ("forwarded", "for=1.1.1.1")], "10.0.0.1"),
    ],
)  # fmt: skip
def test_client_is_the_rightmost_untrusted_address_from_trusted_proxies(
    peer: str, headers: list[tuple[str, str]], client: str
) -> None:
    assert resolve(peer, *headers) == client


def test_no_trusted_proxies_means_no_forwarded_headers() -> None:
    nobody = TrustedProxies([])
    assert resolve("127.0.0.1", ("x-forwarded-for", "1.1.1.1"), proxies=nobody) == "127.0.0.1"


def test_client_keys_are_ipv4_addresses_and_ipv6_64_prefixes() -> None:
    assert client_key("203.0.113.9") == "203.0.113.9"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_key("OFFICER:u-1") == "OFFICER:u-1"


@asynccontextmanager
async def app_at(settings: Settings) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The app started once; `clients[host]` reaches it from that peer address."""
    app = create_app(settings.model_copy(update={"background_services": False}))
    opened: dict[str, httpx.AsyncClient] = {}

    class Clients(dict[str, httpx.AsyncClient]):
        def __missing__(self, host: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(host, 50000))
            opened[host] = self[host] = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
            return self[host]

    async with app.router.lifespan_context(app):
        try:
            yield Clients()
        finally:
            for client in opened.values():
                await client.aclose()


async def lookups_allowed(http: httpx.AsyncClient, tries: int, **headers: str) -> int:
    allowed = 0
    for _ in range(tries):
        body = (await http.post("/graphql", json=LOOKUP, headers=headers)).json()
        allowed += "errors" not in body
    return allowed


async def test_lookup_limit_keys_on_the_client_behind_a_trusted_proxy(settings: Settings) -> None:
    behind = settings.model_copy(
        update={"public_lookups_per_minute": 2, "trusted_proxies": ["10.0.0.0/8"]}
    )
    async with app_at(behind) as clients:
        proxy = clients["10.1.2.3"]
        # Two citizens behind the same proxy have a bucket each.
        assert await lookups_allowed(proxy, 3, **{"x-forwarded-for": "203.0.113.1"}) == 2
        assert await lookups_allowed(proxy, 3, **{"x-forwarded-for": "203.0.113.2"}) == 2
        assert await lookups_allowed(proxy, 1, forwarded="for=203.0.113.3") == 1
        # A forged entry left of the proxy's own changes nothing.
        forged = {"x-forwarded-for": "198.51.100.1, 203.0.113.1"}
        assert await lookups_allowed(proxy, 1, **forged) == 0
        # A client that is not a proxy cannot pick its bucket with a header.
        direct = clients["198.51.100.50"]
        assert await lookups_allowed(direct, 2, **{"x-forwarded-for": "192.0.2.1"}) == 2
        assert await lookups_allowed(direct, 1, **{"x-forwarded-for": "192.0.2.2"}) == 0


async def test_lookup_limit_keys_on_ipv6_64_prefixes(settings: Settings) -> None:
    async with app_at(settings.model_copy(update={"public_lookups_per_minute": 2})) as clients:
        assert await lookups_allowed(clients["2001:db8:1:2::1"], 1) == 1
        assert await lookups_allowed(clients["2001:db8:1:2:ffff::2"], 2) == 1
        assert await lookups_allowed(clients["2001:db8:1:3::1"], 1) == 1
        assert await lookups_allowed(clients["203.0.113.1"], 2) == 2
        assert await lookups_allowed(clients["203.0.113.2"], 1) == 1


async def test_served_api_ignores_forwarded_headers_from_untrusted_loopback(
    mongodb_uri: str, settings: Settings, tmp_path: Path
) -> None:
    """`motcua serve` behind nothing: uvicorn must not believe X-Forwarded-For either."""
    async with (
        api_process(
            mongodb_uri, settings.database, tmp_path, public_lookups_per_minute="2"
        ) as served,
        httpx.AsyncClient(base_url=served.base) as http,
    ):
        allowed = 0
        for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"):
            allowed += await lookups_allowed(http, 1, **{"x-forwarded-for": forged})
    assert allowed == 2
