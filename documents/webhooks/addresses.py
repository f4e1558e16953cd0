"""Which IP addresses a webhook may reach: the IANA special-purpose registries as data.

Sources, as published by IANA (checked against the 2025 editions):

* IANA IPv4 Special-Purpose Address Registry (RFC 6890),
  https://www.iana.org/assignments/iana-ipv4-special-registry/
* IANA IPv6 Special-Purpose Address Registry (RFC 6890),
  https://www.iana.org/assignments/iana-ipv6-special-registry/
* IANA IPv4 Multicast Address Space Registry (RFC 5771) for 224.0.0.0/4, and the IANA
  IPv6 Address Space registry (RFC 4291), where only 2000::/3 is global unicast.

A webhook target must not lie in any block of either registry, whatever the registry's
"Globally Reachable" column says: the few reachable ones (PCP, TURN and AS112 anycast,
AMT, ORCHIDv2, drone ids) never serve a webhook receiver. Addresses that carry an IPv4
address (IPv4-mapped, the NAT64 prefixes, 6to4, Teredo) are judged by that address too;
only IPv4-mapped and the well-known NAT64 prefix can pass, as the address they carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Final

IPAddress = IPv4Address | IPv6Address


@dataclass(frozen=True)
class SpecialBlock:
    """One row of a registry: the block, its name there and the RFC it cites."""

    network: IPv4Network | IPv6Network
    name: str
    rfc: str


def _rows(*rows: tuple[str, str, str]) -> tuple[SpecialBlock, ...]:
    return tuple(
        SpecialBlock(IPv4Network(n) if ":" not in n else IPv6Network(n), name, rfc)
        for n, name, rfc in rows
    )


IPV4_SPECIAL: Final = _rows(
    ("0.0.0.0/8", '"This network"', "RFC 791"),
    ("0.0.0.0/32", '"This host on this network"', "RFC 1122"),
    ("10.0.0.0/8", "Private-Use", "RFC 1918"),
    ("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
    ("127.0.0.0/8", "Loopback", "RFC 1122"),
    ("169.254.0.0/16", "Link Local", "RFC 3927"),
    ("172.16.0.0/12", "Private-Use", "RFC 1918"),
    ("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
    ("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
    ("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
    ("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
    ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880"),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880"),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
    ("192.31.196.0/24", "AS112-v4", "RFC 7535"),
    ("192.52.193.0/24", "AMT", "RFC 7450"),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
    ("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751"),
    ("192.168.0.0/16", "Private-Use", "RFC 1918"),
    ("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
    ("198.18.0.0/15", "Benchmarking", "RFC 2544"),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
    ("240.0.0.0/4", "Reserved", "RFC 1112"),
    ("255.255.255.255/32", "Limited Broadcast", "RFC 8190"),
    # Not special-purpose but never a unicast receiver: the multicast space.
    ("224.0.0.0/4", "Multicast (IPv4 Multicast Address Space Registry)", "RFC 5771"),
)

IPV6_SPECIAL: Final = _rows(
    ("::1/128", "Loopback Address", "RFC 4291"),
    ("::/128", "Unspecified Address", "RFC 4291"),
    ("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291"),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", "RFC 6052"),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", "RFC 8215"),
    ("100::/64", "Discard-Only Address Block", "RFC 6666"),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
    ("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
    ("2001::/32", "TEREDO", "RFC 4380"),
    ("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
    ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
    ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
    ("2001:2::/48", "Benchmarking", "RFC 5180"),
    ("2001:3::/32", "AMT", "RFC 7450"),
    ("2001:4:112::/48", "AS112-v6", "RFC 7535"),
    ("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
    ("2001:20::/28", "ORCHIDv2", "RFC 7343"),
    ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
    ("2001:db8::/32", "Documentation", "RFC 3849"),
    ("2002::/16", "6to4", "RFC 3056"),
    ("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
    ("3fff::/20", "Documentation", "RFC 9637"),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
    ("fc00::/7", "Unique-Local", "RFC 4193"),
    ("fe80::/10", "Link-Local Unicast", "RFC 4291"),
)

# Blocks whose addresses are judged only by the IPv4 address they carry: an IPv4-mapped
# address is that IPv4 address, and the well-known NAT64 prefix is how an IPv6-only host
# reaches public IPv4 (its registry row is globally reachable).
_CARRIERS: Final = (IPv6Network("::ffff:0:0/96"), IPv6Network("64:ff9b::/96"))
_GLOBAL_UNICAST: Final = IPv6Network("2000::/3")


def special_block(address: IPAddress) -> SpecialBlock | None:
    """The most specific registry block `address` lies in, if any."""
    rows = IPV4_SPECIAL if isinstance(address, IPv4Address) else IPV6_SPECIAL
    found = [row for row in rows if address in row.network]
    return max(found, key=lambda row: row.network.prefixlen, default=None)


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """Every IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo)."""
    found: list[IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in IPv6Network("64:ff9b::/96") or address in IPv6Network("64:ff9b:1::/48"):
        found.append(IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def is_public(address: IPAddress | str) -> bool:
    """Whether a webhook may connect to `address`: no registry block, global unicast,
    and the same for every IPv4 address it carries."""
    if isinstance(address, str):
        address = ip_address(address.split("%", 1)[0])
    if isinstance(address, IPv6Address):
        carried = embedded_ipv4(address)
        if any(not is_public(inner) for inner in carried):
            return False
        if any(address in carrier for carrier in _CARRIERS):
            return True
        if address not in _GLOBAL_UNICAST:
            return False
    # Python's own view is a second opinion; it is older than some registry rows
    # (docs/webhooks.md lists what Python 3.11 misses), never a reason to allow.
    return special_block(address) is None and address.is_global and not address.is_multicast
