"""Refusing webhook targets inside our own network (server-side request forgery).

A target's host is resolved once per connection, every address it resolves to is
checked (documents/webhooks/addresses.py), and the connection is made to one of those
checked addresses, never to a second answer (api/workers/pinning.py): a name that
re-points between the check and the connection (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import ip_address
from urllib.parse import urlsplit

from documents.webhooks.addresses import IPAddress, is_public

# host, port → the addresses it resolves to, in the resolver's order (a port of the
# domain: the system's resolver in production, a scripted one in tests).
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
AddressPolicy = Callable[[IPAddress], bool]


class TargetRefusedError(Exception):
    """The target resolves to an address webhooks may not reach. The message is for
    logs read by operators; owners only ever see "refused target"."""


class TargetUnresolvedError(Exception):
    """The target's host does not resolve."""


def allow_any(address: IPAddress) -> bool:
    """The policy with `MOTCUA_ALLOW_PRIVATE_WEBHOOK_TARGETS` (development and tests)."""
    return True


async def system_resolver(host: str, port: int) -> list[str]:
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def checked_addresses(
    host: str, port: int, resolver: Resolver, permitted: AddressPolicy = is_public
) -> list[IPAddress]:
    """The addresses to connect to: all that `host` resolves to, once, when every one
    is permitted. Raises TargetRefusedError or TargetUnresolvedError."""
    literal = _literal(host)
    if literal is not None:
        answers: Sequence[str] = [str(literal)]
    else:
        try:
            answers = await resolver(host, port)
        except (OSError, UnicodeError):
            raise TargetUnresolvedError(f"{host!r} does not resolve") from None
    addresses = []
    for answer in answers:
        address = _literal(answer)
        if address is None:
            raise TargetUnresolvedError(f"{host!r} resolved to something not an address")
        addresses.append(address)
    if not addresses:
        raise TargetUnresolvedError(f"{host!r} resolved to no address")
    # One refused address refuses the name: a name that is partly internal is a probe.
    refused = [a for a in addresses if not permitted(a)]
    if refused:
        raise TargetRefusedError(f"{host!r} resolves to a non-public address")
    return addresses


def url_refusal(url: str) -> str | None:
    """What is wrong with `url` itself (no DNS), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must be an absolute http or https URL"
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        return "the URL's port is not valid"
    return None


def default_port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


async def target_refusal(
    url: str, allow_private: bool = False, resolver: Resolver = system_resolver
) -> str | None:
    """Why `url` may not receive webhooks, or None when it may: checked at registration
    (each delivery checks again, on the addresses it connects to)."""
    refusal = url_refusal(url)
    if refusal is not None or allow_private:
        return refusal
    host = urlsplit(url).hostname or ""
    try:
        await checked_addresses(host, default_port(url), resolver)
    except TargetUnresolvedError:
        return "the URL's host does not resolve"
    except TargetRefusedError:
        return (
            "the URL's host resolves to a special-purpose address (private, loopback, "
            "shared, link-local, reserved, documentation…): webhooks reach public hosts only"
        )
    return None
