"""Refusing webhook targets inside our own network (server-side request forgery)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def target_refusal(url: str, allow_private: bool = False) -> str | None:
    """Why `url` may not receive webhooks, or None when it may. Checked at registration
    and again before every delivery, on the addresses the host resolves to now."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must be an absolute http or https URL"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "the URL's port is not valid"
    if allow_private:
        return None
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except OSError:
        return "the URL's host does not resolve"
    addresses = {str(info[4][0]) for info in found}
    if not addresses or not all(_public(a) for a in addresses):
        return "the URL's host resolves to a private, loopback or reserved address"
    return None
